"""Log records never carry personal data or a whole 10 MB message: real loggers, real handlers,
a real SQLAlchemy error, in a fresh interpreter (the masking is process-wide)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.logmask import MAX_MESSAGE, MAX_TRACEBACK, clean_message, clean_traceback
from bot.settings import PROJECT_ROOT, child_env

PHONE_PARTS = ("0470", "12 34 56", "470123456", "+3247")


def run_logging(code: str, log_file: Path) -> str:
    """Run `code` after installing the masking with a file handler; return the log file."""
    script = (
        "import logging, sys\n"
        "from bot.logmask import install_log_masking\n"
        "install_log_masking()\n"
        f"logging.basicConfig(filename={str(log_file)!r}, level=logging.DEBUG)\n"
        "log = logging.getLogger('rasa.core.processor')\n" + code
    )
    subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=child_env(), check=True, timeout=60
    )
    return log_file.read_text(encoding="utf-8")


def assert_no_phone(text: str) -> None:
    assert not any(part in text for part in PHONE_PARTS), text[:3000]


def test_exception_text_and_traceback_are_masked(tmp_path: Path) -> None:
    log = run_logging(
        "def submit(phone):\n"
        "    raise ValueError(f'cannot store {phone}')\n"
        "try:\n"
        "    submit('0470 12 34 56')\n"
        "except ValueError as exc:\n"
        "    log.exception('Saving failed: %s', exc)\n"
        "    log.error('again', exc_info=exc)\n"
        "log.warning('where from +32470123456', stack_info=True)\n",
        tmp_path / "log.txt",
    )
    assert log.count("ValueError: cannot store [telefoonnummer]") == 2
    assert "Saving failed: cannot store [telefoonnummer]" in log
    assert "Stack (most recent call last)" in log
    assert_no_phone(log)


def test_database_errors_never_show_the_statement_values(tmp_path: Path) -> None:
    """Our engines hide the values; an engine we do not make (Rasa's tracker store) does not,
    so the log line loses them."""
    database = tmp_path / "db.sqlite"
    log = run_logging(
        "import sqlalchemy as sa\n"
        "from bot.store.db import make_engine\n"
        f"url = 'sqlite:///{database}'\n"
        "with make_engine(url).begin() as c:\n"
        "    c.exec_driver_sql('CREATE TABLE t (phone TEXT UNIQUE, name TEXT)')\n"
        "    c.exec_driver_sql(\"INSERT INTO t VALUES ('+32470123456', 'x')\")\n"
        "for engine in (make_engine(url), sa.create_engine(url)):\n"
        "    try:\n"
        "        with engine.begin() as c:\n"
        "            c.execute(sa.text('INSERT INTO t VALUES (:p, :n)'),\n"
        "                      {'p': '+32470123456', 'n': 'Fatima Ouali'})\n"
        "    except sa.exc.IntegrityError as exc:\n"
        "        log.exception('Could not save: %s', exc)\n"
        "        log.error('And in the traceback only', exc_info=exc)\n",
        tmp_path / "log.txt",
    )
    assert log.count("UNIQUE constraint failed") >= 6  # message and traceback, both engines
    assert "[SQL parameters hidden due to hide_parameters=True]" in log  # ours
    assert "[parameters hidden]" in log  # Rasa's kind
    assert "Fatima" not in log
    assert_no_phone(log)


def test_a_ten_megabyte_message_makes_a_short_line(tmp_path: Path) -> None:
    log = run_logging(
        "huge = 'ik word thuis geslagen ' * 500_000\n"
        "log.debug('Received user message %r', huge)\n"
        "try:\n"
        "    raise ValueError(huge)\n"
        "except ValueError:\n"
        "    log.exception('Parsing failed')\n",
        tmp_path / "log.txt",
    )
    assert len(log) < MAX_MESSAGE * 2 + MAX_TRACEBACK
    assert "characters cut]" in log
    assert "ValueError: ik word thuis geslagen" in log  # the error is still named


@pytest.mark.parametrize(
    "text",
    ["x" * (MAX_MESSAGE - 5) + " 0470 12 34 56 more", "x" * (MAX_MESSAGE - 3) + "+32470123456"],
)
def test_a_number_cut_in_half_at_the_end_goes_whole(text: str) -> None:
    cleaned = clean_message(text)
    assert cleaned.endswith("characters cut]")
    assert not any(digit in cleaned.split("…")[0] for digit in "0123456789")


def test_a_long_traceback_keeps_its_end() -> None:
    frames = "".join(f'  File "x.py", line {n}, in f\n    f()\n' for n in range(1000))
    cleaned = clean_traceback("Traceback (most recent call last):\n" + frames + "Error: boom")
    assert len(cleaned) < MAX_TRACEBACK + 100
    assert cleaned.startswith("[") and cleaned.endswith("Error: boom")
