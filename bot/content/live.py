"""The catalogue as the running assistant serves it: from the database, so staff edits reach
every process within seconds and without retraining.

The YAML files in `data/content` are the first import (into an empty database) and the
format for review in git (`bot content export/import`). Reading stays cheap: the newest change
id is compared at most every `poll_seconds`, and documents are parsed only when it moved.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.content.loader import (
    Catalogue,
    ContentError,
    catalogue_from_documents,
    load_catalogue,
    read_documents,
)
from bot.settings import Settings
from bot.store.content import ContentRepository

log = logging.getLogger(__name__)
IMPORT_AUTHOR = "import"
# How stale a served catalogue may be; an edit reaches residents within this time.
POLL_SECONDS = 2.0


class CatalogueSource(Protocol):
    """What serves a catalogue: `get` (in a thread) and `current` (on the event loop)."""

    def get(self) -> Catalogue: ...

    async def current(self) -> Catalogue: ...


class LiveCatalogue:
    """`repository` is called once, on the first read (in a thread): opening and migrating
    the database must not happen at import time or on the event loop."""

    def __init__(
        self,
        repository: Callable[[], ContentRepository],
        seed: Path,
        clock: Callable[[], datetime],
        poll_seconds: float = POLL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect = repository
        self._repository: ContentRepository | None = None
        self._seed = seed
        self._clock = clock
        self._poll = poll_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._version: int | None = None
        self._catalogue: Catalogue | None = None

    def get(self) -> Catalogue:
        with self._lock:
            now = self._monotonic()
            if (
                self._catalogue is None
                or self._checked_at is None
                or (now - self._checked_at >= self._poll)
            ):
                try:
                    self._refresh()
                except (SQLAlchemyError, OSError) as exc:
                    self._database_down(exc)
                self._checked_at = now
            assert self._catalogue is not None
            return self._catalogue

    async def current(self) -> Catalogue:
        if (
            self._catalogue is not None
            and self._checked_at is not None
            and (self._monotonic() - self._checked_at < self._poll)
        ):
            return self._catalogue
        return await asyncio.to_thread(self.get)

    def invalidate(self) -> None:
        """Read the database on the next call: this process just changed it."""
        self._checked_at = None

    def _database_down(self, exc: Exception) -> None:
        """Residents still get facts while the database is away: the last ones read, or the
        files when none were read yet. The next poll tries the database again."""
        log.error(
            "Catalogue not read from the database (%s); serving the last known facts",
            type(exc).__name__,
        )
        if self._catalogue is None:
            self._catalogue = load_catalogue(self._seed)

    def _refresh(self) -> None:
        if self._repository is None:
            self._repository = self._connect()
        repository = self._repository
        if self._catalogue is not None and repository.latest_id() == self._version:
            return
        version, documents = repository.documents()
        if not documents:
            changed = repository.import_documents(
                read_documents(self._seed), IMPORT_AUTHOR, self._clock(), audit=False
            )
            log.info("Catalogue imported from %s: %s", self._seed, ", ".join(changed) or "none")
            version, documents = repository.documents()
        try:
            catalogue = catalogue_from_documents(documents)
        except ContentError as exc:
            if self._catalogue is None:
                raise
            log.error("Stored catalogue rejected, still serving the previous version:\n%s", exc)
        else:
            self._catalogue = catalogue
        self._version = version


def live_catalogue(settings: Settings, engine: Callable[[], Engine]) -> LiveCatalogue:
    """The catalogue in the database `engine()` returns (migrated), first imported from the
    files in `settings.content_dir`."""
    return LiveCatalogue(lambda: ContentRepository(engine()), settings.content_dir, settings.now)
