"""Engines and migrations. SQLite by default; PostgreSQL with one URL setting."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    """An engine; for SQLite with WAL, foreign keys on and a wait instead of 'database locked'.

    `hide_parameters`: a failing statement's error text would otherwise carry its values
    (phone numbers, names, messages) into logs and tracebacks as "[parameters: …]".
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def compact(engine: Engine) -> None:
    """Rewrite a SQLite file after deleting personal data, so the deleted rows are really gone.

    SQLite leaves deleted and overwritten rows in free pages, and older page versions in the
    write-ahead log, readable by anyone with the file. VACUUM rebuilds the file from the live
    rows only; the checkpoint then empties the log. Best effort: when another process keeps
    the file busy, the next purge tries again. PostgreSQL reuses the space of deleted rows
    through autovacuum and needs nothing here.
    """
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError as exc:
        log.warning(
            "Could not compact %s (%s); the next purge tries again", engine.url.database, exc.orig
        )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the newest by default)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
