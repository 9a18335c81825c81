"""Keep personal data only as long as needed: one purge for the CLI and the daily worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.conversations import forget_conversation
from bot.store.repository import CallbackRepository


@dataclass(frozen=True)
class Purged:
    requests: int
    conversation_events: int


def purge_personal_data(
    repository: CallbackRepository, tracker_db_url: str, retention_days: int, now: datetime
) -> Purged:
    """Strip old closed requests, and drop the conversations behind them (they hold the number)
    unless the same resident has a request that is still open."""
    purged = repository.purge(retention_days, now)
    events = sum(
        forget_conversation(tracker_db_url, sender)
        for channel, sender in set(purged)
        if repository.open_request(channel, sender) is None
    )
    return Purged(len(purged), events)
