"""The `bot` command as staff run it: a real process, a real database file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.store.content import ContentRepository
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from bot.store.staff import Role, StaffRepository
from tests.bot.store.rasa_store import create_store, say, senders
from tests.helpers import content_copy, run_cli

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
    """Rasa's SQL tracker store, with one message a day ago per sender."""
    tracker = make_engine(env["HULPBOT_TRACKER_DB_URL"])
    create_store(tracker)
    for sender in senders:
        say(tracker, sender, NOW - timedelta(days=1), "hallo")
    return tracker


def senders_left(tracker: Engine) -> list[str]:
    return sorted(senders(tracker))


def test_purge_command(tmp_path: Path) -> None:
    repository, env = seeded(tmp_path)
    old = repository.save(new("k1", "alice"), NOW).record
    repository.set_status(old.reference, Status.afgesloten, "staff", NOW - timedelta(days=40))
    repository.save(new("k2", "bob"), NOW)
    tracker = conversation_table(env, "alice", "bob")
    output = run_bot("purge", env=env)
    assert "from 1 request(s)" in output and "deleted 1 conversation event(s)" in output
    purged = repository.get(old.reference)
    assert purged is not None and purged.phone is None
    assert senders_left(tracker) == ["bob"]  # bob's request is still open


def test_forget_command_removes_requests_and_conversation(tmp_path: Path) -> None:
    repository, env = seeded(tmp_path)
    repository.save(new("k1", "alice"), NOW)
    tracker = conversation_table(env, "alice", "bob")
    output = run_bot("forget", "alice", env=env)
    assert "Deleted 1 request(s), 1 conversation event(s) and 0 SMS number(s) of alice." in output
    assert repository.open_request("rest", "alice") is None
    assert senders_left(tracker) == ["bob"]


def test_forget_a_phone_number(tmp_path: Path) -> None:
    repository, env = seeded(tmp_path)
    env["HULPBOT_SENDER_KEY"] = "test-key"
    repository.save(new("k1", "web:abc"), NOW)  # new() uses +32470123456
    repository.save(NewCallback("k2", "web", "web:xyz", "+32471000000", None, "x", "y", "z"), NOW)
    tracker = conversation_table(env, "web:abc", "web:xyz")
    output = run_bot("forget", "0470 12 34 56", env=env)
    assert "Deleted 1 request(s), 1 conversation event(s)" in output
    assert senders_left(tracker) == ["web:xyz"]


def test_worker_once_fails_with_a_line_when_the_database_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "hulpbot.db").mkdir()  # where the file should be: SQLite cannot open it
    env = {
        "HULPBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'hulpbot.db'}",
        "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
    }
    result = run_cli("worker", "--once", env=env)
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if "failed" in line]
    assert failures == [failures[0]] and "unable to open database file" in failures[0]
    assert "Traceback" not in result.stderr


def test_a_setting_only_in_the_env_file_reaches_staff_add(tmp_path: Path) -> None:
    """Typed by hand, `bot staff add` works on the database `make run` uses, not a default."""
    url = f"sqlite:///{tmp_path / 'from-dotenv.db'}"
    env_file = tmp_path / ".env"
    env_file.write_text(f"# as bot secrets writes it\nexport HULPBOT_DATABASE_URL='{url}'\n")
    result = run_cli(
        "staff",
        "add",
        "anna",
        "--password-stdin",
        env={"HULPBOT_ENV_FILE": str(env_file)},
        stdin="een lang wachtwoord\n",
    )
    assert result.returncode == 0, result.stderr
    account = StaffRepository(make_engine(url)).get("anna")
    assert account is not None and account.role is Role.staff


def test_content_export_and_import(tmp_path: Path) -> None:
    """Staff edits leave the database as YAML for review in git; reviewed files go back in."""
    _, env = seeded(tmp_path)
    env["HULPBOT_CONTENT_DIR"] = str(content_copy(tmp_path / "content"))
    out = tmp_path / "export"
    assert "nothing stored yet" in run_cli("content", "export", str(out), env=env).stderr.lower()
    assert "woonclub" in run_bot("content", "import", env=env)
    assert "nothing changed" in run_bot("content", "import", env=env)
    run_bot("content", "export", str(out), env=env)
    woonclub = out / "woonclub.yml"
    woonclub.write_text(woonclub.read_text().replace("0468 01 38 29", "015 11 22 33"))
    assert "Imported from" in run_bot("content", "import", str(out), env=env)
    history = ContentRepository(make_engine(env["HULPBOT_DATABASE_URL"])).history("woonclub")
    assert [change.version for change in history] == [2, 1]
    woonclub.write_text("id: woonclub\n")
    refused = run_cli("content", "import", str(out), env=env)
    assert refused.returncode == 1 and "field required" in refused.stderr
