from tests.bot.store.conftest import engine

__all__ = ["engine"]
