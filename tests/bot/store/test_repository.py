from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from threading import Barrier, Thread

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from bot.store.db import downgrade, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from bot.store.tables import audit_event, callback_request, notification_outbox

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def request(key: str = "rest:alice:1", sender: str = "alice") -> NewCallback:
    return NewCallback(
        submission_key=key,
        channel="rest",
        sender_id=sender,
        phone="+32470123456",
        name="Fatima",
        preferred_moment="voormiddag",
        topic="woonclub",
        excerpt="ik zoek een huis",
        referral_code=None,
    )


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_migration_creates_the_tables(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"callback_request", "audit_event", "notification_outbox", "alembic_version"} <= names


def test_migration_down_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert "callback_request" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "callback_request" in inspect(engine).get_table_names()


def test_save_stores_every_field_with_audit_and_notification(engine: Engine) -> None:
    saved = CallbackRepository(engine).save(request(), NOW)
    assert saved.created
    record = saved.record
    assert re.fullmatch(r"MB-[A-HJ-KM-NP-Z2-9]{4}", record.reference)
    assert (record.phone, record.name, record.topic) == ("+32470123456", "Fatima", "woonclub")
    assert record.status == Status.nieuw.value
    assert record.created_at == NOW
    assert CallbackRepository(engine).audit_actions(record.reference) == ["aangemaakt"]
    assert count(engine, notification_outbox) == 1


def test_a_retried_submission_makes_no_second_row(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    first = repository.save(request(), NOW)
    again = repository.save(request(), NOW + timedelta(seconds=3))
    assert not again.created
    assert again.record.reference == first.record.reference
    assert count(engine, callback_request) == 1
    assert count(engine, audit_event) == 1


def test_concurrent_retries_still_make_one_row(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    barrier = Barrier(4)
    references: list[str] = []

    def submit() -> None:
        barrier.wait()
        references.append(repository.save(request(), NOW).record.reference)

    threads = [Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(references)) == 1
    assert count(engine, callback_request) == 1


def test_open_request_and_changing_its_moment(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    assert repository.open_request("rest", "alice") is None
    saved = repository.save(request(), NOW)
    assert repository.open_request("rest", "alice") == saved.record
    assert repository.open_request("rest", "bob") is None
    repository.change_moment(saved.record.reference, "namiddag", "alice", NOW)
    changed = repository.get(saved.record.reference)
    assert changed is not None and changed.preferred_moment == "namiddag"
    assert repository.audit_actions(saved.record.reference) == ["aangemaakt", "moment gewijzigd"]
    repository.set_status(saved.record.reference, Status.afgesloten, "staff", NOW)
    assert repository.open_request("rest", "alice") is None


def test_purge_removes_personal_data_after_retention_only(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    old = repository.save(request("k-old"), NOW).record
    recent = repository.save(request("k-recent", "bob"), NOW).record
    still_open = repository.save(request("k-open", "carol"), NOW).record
    repository.set_status(old.reference, Status.afgesloten, "staff", NOW - timedelta(days=31))
    repository.set_status(recent.reference, Status.afgesloten, "staff", NOW - timedelta(days=5))
    assert repository.purge(30, NOW) == [("rest", "alice")]
    assert repository.purge(30, NOW) == []  # already done
    purged = repository.get(old.reference)
    assert purged is not None and purged.phone is None and purged.name is None
    assert purged.topic == "woonclub"  # anonymous counts stay possible
    for kept in (recent, still_open):
        record = repository.get(kept.reference)
        assert record is not None and record.phone == "+32470123456"
    assert "persoonsgegevens gewist" in repository.audit_actions(old.reference)


def test_forget_deletes_all_of_one_residents_requests(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    repository.save(request("k1"), NOW)
    repository.save(request("k2"), NOW)
    other = repository.save(request("k3", "bob"), NOW).record
    assert repository.forget("alice") == 2
    assert count(engine, callback_request) == 1
    assert count(engine, audit_event) == 1  # only bob's
    assert repository.get(other.reference) is not None


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
