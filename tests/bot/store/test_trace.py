"""After the purge, no trace of a resident is left in the bytes of either database file.

One resident per channel leaves everything a real conversation leaves: a request with number,
name, excerpt and a staff note, their own audit rows (also the kind older code wrote, naming
their conversation id), what the SMS channel remembers of the number, and the conversation
in Rasa's own SQL tracker store (messages, the number typed in a message and in a slot).
The purge runs with a clock past every retention; then both SQLite files, and their
write-ahead logs, are read byte by byte: SQLite keeps deleted rows in free pages until the
file is rewritten, which the purge does (VACUUM).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event, insert
from sqlalchemy.engine import Engine

from bot.phone import display
from bot.senders import sms_sender, telegram_sender, web_sender
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from bot.store.retention import purge_personal_data
from bot.store.sms import SmsRepository
from bot.store.tables import audit_event

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
KEY = "trace-test-key"
# Kept on purpose: an opt-out must hold, so its number stays. It also proves that the
# search below does find a number in the raw bytes.
OPTED_OUT = "+32479000111"


@dataclass(frozen=True)
class Resident:
    channel: str
    sender: str
    phone: str | None
    name: str | None
    said: str

    def written(self) -> list[str]:
        """What the test stores: words, conversation id, name, number (as stored and as said)."""
        found = [self.said, self.sender.partition(":")[2]]
        if self.name:
            found.append(self.name)
        if self.phone:
            found += [self.phone, display(self.phone)]
        return found

    def traces(self) -> list[str]:
        """All of that, and the number in every other common format."""
        if not self.phone:
            return self.written()
        national = "0" + self.phone.removeprefix("+32")
        return [
            *self.written(),
            self.phone.removeprefix("+"),
            "00" + self.phone.removeprefix("+"),
            national,
            national[1:],
            f"{national[:4]}/{national[4:6]}.{national[6:8]}.{national[8:]}",
        ]


RESIDENTS = [
    Resident("web", web_sender("c0ffee42d00d"), "+32470123456", "Fatima", "zoek huis met 2 kids"),
    Resident("telegram", telegram_sender(551234987), "+32471987654", "Bartho", "geslagen door man"),
    Resident("sms", sms_sender("+32472555666", KEY), "+32472555666", "Gerarda", "geen geld eten"),
    # Never asked for a call-back: only the conversation, deleted after its retention.
    Resident("telegram", telegram_sender(661234987), None, None, "slaap op straat"),
]


def conversation(resident: Resident, at: datetime) -> list[Event]:
    start = at.timestamp()
    events: list[Event] = [
        ActionExecuted("action_listen", timestamp=start),
        UserUttered(resident.said, timestamp=start + 1),
        BotUttered("Wil je dat we je terugbellen?", timestamp=start + 2),
    ]
    if resident.phone:
        events += [
            UserUttered(f"ja mijn nummer is {display(resident.phone)}", timestamp=start + 3),
            SlotSet("callback_phone", resident.phone, timestamp=start + 4),
            UserUttered(f"ik ben {resident.name}", timestamp=start + 5),
            SlotSet("callback_name", resident.name, timestamp=start + 6),
        ]
    return events


def store_conversations(tracker_db: Path, at: datetime) -> None:
    """Through Rasa's own SQL tracker store, as the running assistant stores them."""
    store = SQLTrackerStore(dialect="sqlite", db=str(tracker_db))
    for resident in RESIDENTS:
        events = conversation(resident, at)
        asyncio.run(store.save(DialogueStateTracker.from_events(resident.sender, events)))


def store_requests(engine: Engine, created: datetime, closed: datetime) -> None:
    repository, sms = CallbackRepository(engine), SmsRepository(engine)
    for resident in RESIDENTS:
        if resident.phone is None:
            continue
        new = NewCallback(
            f"{resident.sender}:1",
            resident.channel,
            resident.sender,
            resident.phone,
            resident.name,
            "voormiddag",
            "woonclub",
            resident.said,
        )
        record = repository.save(new, created).record
        repository.change_moment(record.reference, "namiddag", resident.sender, created)
        with engine.begin() as connection:  # as code before "inwoner" audited the resident
            connection.execute(
                insert(audit_event).values(
                    created_at=created,
                    request_id=record.id,
                    actor=resident.sender,
                    action="moment gewijzigd",
                )
            )
        repository.add_note(record.reference, "bram", f"{resident.name} belt na 14u", created)
        repository.set_status(record.reference, Status.gebeld, "bram", closed)
        if resident.channel == "sms":
            sms.allow_message(resident.phone, created.date(), cap=30)
            sms.offer_options(resident.phone, [{"title": resident.said, "payload": "/x"}])
    sms.allow_message(OPTED_OUT, created.date(), cap=30)
    sms.opt_out(OPTED_OUT, created)


def raw_bytes(database: Path) -> bytes:
    """The file and whatever SQLite keeps beside it (write-ahead log, shared memory, journal)."""
    return b"".join(path.read_bytes() for path in sorted(database.parent.glob(database.name + "*")))


def found(traces: list[str], *databases: Path) -> set[str]:
    content = b"".join(raw_bytes(database) for database in databases)
    return {trace for trace in traces if trace.encode("utf-8") in content}


def _keep_deleted_bytes(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=OFF")
    cursor.close()


@pytest.fixture(autouse=True)
def sqlite_as_usually_built() -> Iterator[None]:
    """Debian builds SQLite to zero deleted rows; most builds (and SQLite's default) do not.
    Every connection in this test leaves deleted bytes behind, as those would."""
    event.listen(Engine, "connect", _keep_deleted_bytes)
    yield
    event.remove(Engine, "connect", _keep_deleted_bytes)


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[Engine, Settings, Path, Path]]:
    main_db, tracker_db = tmp_path / "main" / "hulpbot.db", tmp_path / "rasa" / "tracker.db"
    tracker_db.parent.mkdir()
    engine = make_engine(f"sqlite:///{main_db}")
    migrate(engine)
    settings = Settings.from_env(
        {
            "HULPBOT_DATABASE_URL": f"sqlite:///{main_db}",
            "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tracker_db}",
            "HULPBOT_SENDER_KEY": KEY,
            "HULPBOT_RETENTION_DAYS": "30",
            "HULPBOT_CONVERSATION_RETENTION_DAYS": "30",
        }
    )
    yield engine, settings, main_db, tracker_db
    engine.dispose()


def test_no_trace_of_any_resident_after_the_purge(
    databases: tuple[Engine, Settings, Path, Path],
) -> None:
    engine, settings, main_db, tracker_db = databases
    store_conversations(tracker_db, NOW - timedelta(days=50))
    store_requests(engine, NOW - timedelta(days=50), NOW - timedelta(days=45))
    written = [trace for resident in RESIDENTS for trace in resident.written()]
    assert found(written, main_db, tracker_db) == set(written)  # the search does find them

    purged = purge_personal_data(engine, settings, NOW)

    assert (purged.requests, purged.sms_numbers) == (3, 1)
    assert purged.conversation_events > 0
    everything = [trace for resident in RESIDENTS for trace in resident.traces()]
    assert found(everything, main_db) == set()
    assert found(everything, tracker_db) == set()
    assert found([OPTED_OUT], main_db) == {OPTED_OUT}
