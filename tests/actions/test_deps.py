"""The actions' shared database, opened by many threads at once on a fresh start."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect

from actions import deps


def test_the_first_actions_at_once_migrate_the_database_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HULPBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'hulpbot.db'}")
    deps.settings.cache_clear()
    deps.engine.cache_clear()
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def first_action() -> None:
        start.wait()
        try:
            deps.engine()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=first_action) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert failures == []
        assert "callback_request" in inspect(deps.engine()).get_table_names()
    finally:
        deps.engine().dispose()
        deps.settings.cache_clear()
        deps.engine.cache_clear()
