"""The `bot` command as staff run it: a real process, a real database file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from tests.helpers import run_cli

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def run_bot(*args: str, env: dict[str, str]) -> str:
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def seeded(tmp_path: Path) -> tuple[CallbackRepository, dict[str, str]]:
    url = f"sqlite:///{tmp_path / 'hulpbot.db'}"
    engine = make_engine(url)
    migrate(engine)
    env = {
        "HULPBOT_DATABASE_URL": url,
        "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "HULPBOT_CLOCK": NOW.isoformat(),
    }
    return CallbackRepository(engine), env


def new(key: str, sender: str) -> NewCallback:
    return NewCallback(key, "rest", sender, "+32470123456", "Jan", "namiddag", "woonclub", "x")


def conversation_table(env: dict[str, str], *senders: str) -> Engine:
    """A stand-in for Rasa's SQL tracker store table, with one event per sender."""
    tracker = make_engine(env["HULPBOT_TRACKER_DB_URL"])
    with tracker.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)")
        for sender in senders:
            connection.exec_driver_sql("INSERT INTO events (sender_id) VALUES (?)", (sender,))
    return tracker


def senders_left(tracker: Engine) -> list[str]:
    with tracker.connect() as connection:
        return list(connection.exec_driver_sql("SELECT sender_id FROM events").scalars())


def test_purge_command(tmp_path: Path) -> None:
    repository, env = seeded(tmp_path)
    old = repository.save(new("k1", "alice"), NOW).record
    repository.set_status(old.reference, Status.afgesloten, "staff", NOW - timedelta(days=40))
    repository.save(new("k2", "bob"), NOW)
    tracker = conversation_table(env, "alice", "bob")
    output = run_bot("purge", env=env)
    assert "from 1 request(s)" in output and "and 1 conversation event(s)" in output
    purged = repository.get(old.reference)
    assert purged is not None and purged.phone is None
    assert senders_left(tracker) == ["bob"]  # bob's request is still open


def test_forget_command_removes_requests_and_conversation(tmp_path: Path) -> None:
    repository, env = seeded(tmp_path)
    repository.save(new("k1", "alice"), NOW)
    tracker = conversation_table(env, "alice", "bob")
    output = run_bot("forget", "alice", env=env)
    assert "Deleted 1 request(s) and 1 conversation event(s) of alice." in output
    assert repository.open_request("rest", "alice") is None
    assert senders_left(tracker) == ["bob"]
