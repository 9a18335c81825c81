"""A fresh, migrated database per test: SQLite, and PostgreSQL when TEST_POSTGRES_URL is set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.store.db import make_engine, migrate

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    url = Settings.from_env().test_postgres_url
    if url is None:
        pytest.skip("TEST_POSTGRES_URL is not set")
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url.rstrip("/") + f"?options=-csearch_path%3D{schema}")
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def tracker_url(engine: Engine, tmp_path: Path) -> str:
    """Rasa's tracker store next to `engine`: its own SQLite file, or the same PostgreSQL schema
    (Rasa's one table, `events`, is not one of ours)."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return engine.url.render_as_string(hide_password=False)
