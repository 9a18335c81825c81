"""The catalogue in the database: imported once, edits versioned, undone, and seen by readers."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.content.editing import Conflict, set_fact, undo, value_at
from bot.content.live import LiveCatalogue
from bot.content.loader import ContentError, read_documents, write_documents
from bot.store.content import ContentRepository, NothingChanged
from bot.store.db import make_engine

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
CONTENT = Path("data/content")
HOURS = {
    "weekly": {"maandag": ["09:00-12:00", "13:00-16:30"]},
    "closed_on_public_holidays": True,
    "exceptions": {},
    "source": "telefonisch nagevraagd bij Den Abeel",
    "checked": "2026-11-23",
}


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def live(engine: Engine, clock: Clock) -> LiveCatalogue:
    return LiveCatalogue(lambda: ContentRepository(engine), CONTENT, lambda: NOW, 2.0, clock)


def test_first_read_imports_the_files_once(engine: Engine) -> None:
    catalogue = live(engine, Clock()).get()
    assert catalogue.service("dienstencentrum").name
    repository = ContentRepository(engine)
    assert len(repository.history()) == len(read_documents(CONTENT))
    live(engine, Clock()).get()
    assert len(repository.history()) == len(read_documents(CONTENT))


def test_an_edit_reaches_a_reader_after_the_poll_interval(engine: Engine) -> None:
    clock = Clock()
    reader = live(engine, clock)
    assert not reader.get().service("dienstencentrum").locations[0].hours.known
    place = reader.get().service("dienstencentrum").locations[0].id
    ContentRepository(engine).save(
        "dienstencentrum", set_fact("dienstencentrum", f"locations/{place}/hours", HOURS), "an", NOW
    )
    assert not reader.get().service("dienstencentrum").locations[0].hours.known
    clock.now = 2.5
    assert reader.get().service("dienstencentrum").locations[0].hours.known


def test_undo_puts_back_the_fact_and_is_itself_a_version(engine: Engine) -> None:
    live(engine, Clock()).get()
    repository = ContentRepository(engine)
    change = repository.save("woonclub", set_fact("woonclub", "price/text", "Gratis."), "an", NOW)
    assert change.before != "Gratis." and change.version == 2
    undone = repository.save("woonclub", undo(change), "bo", NOW, undoes=change.id)
    assert undone.after == change.before and undone.undoes == change.id
    _, documents = repository.documents()
    assert value_at(documents["woonclub"], "price/text") == change.before
    with pytest.raises(Conflict):
        repository.save("woonclub", undo(change), "bo", NOW, undoes=change.id)


def test_an_invalid_edit_is_refused_and_nothing_stored(engine: Engine) -> None:
    live(engine, Clock()).get()
    repository = ContentRepository(engine)
    bad = {**HOURS, "weekly": {"maandag": ["16:00-09:00"]}}
    with pytest.raises(ContentError, match="ends before it starts"):
        repository.save(
            "dienstencentrum",
            set_fact("dienstencentrum", "locations/den_abeel/hours", bad),
            "an",
            NOW,
        )
    with pytest.raises(NothingChanged):
        repository.save("woonclub", set_fact("woonclub", "name", "De Woonclub"), "an", NOW)
        repository.save("woonclub", set_fact("woonclub", "name", "De Woonclub"), "an", NOW)
    assert [c.path for c in repository.history("woonclub")] == ["name", ""]


def test_export_and_import_round_trip(engine: Engine, tmp_path: Path) -> None:
    live(engine, Clock()).get()
    repository = ContentRepository(engine)
    repository.save("woonclub", set_fact("woonclub", "price/text", "Gratis."), "an", NOW)
    _, documents = repository.documents()
    write_documents(documents, tmp_path)
    assert "checked: 20" in (tmp_path / "woonclub.yml").read_text()
    assert read_documents(tmp_path) == documents
    assert repository.import_documents(read_documents(tmp_path), "import", NOW) == []
    assert repository.import_documents(read_documents(CONTENT), "import", NOW) == ["woonclub"]


def test_without_a_database_the_files_are_served_and_it_tries_again() -> None:
    clock = Clock()
    reader = LiveCatalogue(
        lambda: ContentRepository(make_engine("sqlite:////proc/hulpbot/hulpbot.db")),
        CONTENT,
        lambda: NOW,
        2.0,
        clock,
    )
    assert reader.get().service("woonclub").phone.text
    clock.now = 3.0
    assert reader.get().service("woonclub").phone.text
