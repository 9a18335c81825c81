"""What the actions share, created on first use rather than at import time."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine

from bot.content.answers import Reply
from bot.content.live import LiveCatalogue, live_catalogue
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


# The first messages after a start arrive together, each action in its own thread, and
# lru_cache does not make them wait for each other: without this lock they would migrate the
# same database at the same time ("table already exists", and the resident gets the apology).
_migrating = threading.Lock()


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The database, migrated on first use (call it from a worker thread, never the event loop)."""
    with _migrating:
        found = make_engine(settings().database_url)
        migrate(found)
        return found


@lru_cache(maxsize=1)
def catalogue_store() -> LiveCatalogue:
    """The facts as staff keep them in the dashboard; its first read (in a thread) migrates."""
    return live_catalogue(settings(), engine)


@lru_cache(maxsize=1)
def repository() -> CallbackRepository:
    return CallbackRepository(engine())


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    for reply in replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        hint = {"share_phone": True} if reply.share_phone else None
        dispatcher.utter_message(text=reply.text, buttons=buttons or None, json_message=hint)


def latest_user_metadata(tracker: Tracker) -> dict[str, Any] | None:
    """What the input channel attached to the resident's last message (Rasa keeps it there)."""
    return next(iter(user_metadata_newest_first(tracker)), None)


def user_metadata_newest_first(tracker: Tracker) -> list[dict[str, Any] | None]:
    return [e.get("metadata") for e in reversed(tracker.events) if e.get("event") == "user"]


def user_texts(tracker: Tracker) -> list[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


def user_intents_newest_first(tracker: Tracker) -> list[str | None]:
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]
