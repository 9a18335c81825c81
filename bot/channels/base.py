"""What our own Rasa input channels share: settings instead of credentials, handling an
incoming message after the provider has been answered, and an apology when that fails."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from rasa.core.channels.channel import InputChannel

from bot.apology import apology
from bot.content.loader import CatalogueStore
from bot.settings import Settings

log = logging.getLogger(__name__)


class OwnChannel(InputChannel):
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Tokens, keys and numbers never live in credentials.yml: they come from the settings."""
        return cls(Settings.from_env())

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._catalogue = CatalogueStore(settings.content_dir)
        self._tasks: set[asyncio.Task[None]] = set()

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Handle after answering the provider, so a slow reply never makes it send again."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _cancel_background(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def _sorry(self) -> str:
        return await apology(self._catalogue)
