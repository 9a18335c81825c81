"""The login throttle's table on SQLite and PostgreSQL: counting, waiting, forgetting, and
failures from several processes at once counted exactly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Engine

from bot.store.db import make_engine
from bot.store.staff import LoginThrottleRepository

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def after_three(failures: int) -> timedelta:
    return timedelta(seconds=10 * failures) if failures > 3 else timedelta(0)


def test_counts_waits_clears_and_forgets(engine: Engine) -> None:
    throttle = LoginThrottleRepository(engine)
    keys = ("account:an", "address:10.0.0.1")
    for n in range(3):
        throttle.failed(dict.fromkeys(keys, after_three), NOW + timedelta(seconds=n), NOW - HOUR)
    assert throttle.blocked_until(keys, NOW + timedelta(seconds=3)) is None
    throttle.failed({"account:an": after_three}, NOW + timedelta(seconds=3), NOW - HOUR)
    assert throttle.blocked_until(keys, NOW + timedelta(seconds=3)) == NOW + timedelta(seconds=43)
    assert throttle.blocked_until(("address:10.0.0.1",), NOW + timedelta(seconds=3)) is None
    assert throttle.blocked_until(keys, NOW + timedelta(seconds=43)) is None
    throttle.clear("account:an")
    assert throttle.count() == 1
    later = NOW + 2 * HOUR
    throttle.failed({"account:bo": after_three}, later, later - HOUR)
    assert throttle.count() == 1  # the quiet address was forgotten


def test_failures_from_several_processes_at_once_are_all_counted(engine: Engine) -> None:
    """Each thread has its own engine, as separate dashboard processes would."""
    url = engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(6)]
    try:

        def fail(other: Engine) -> None:
            for _ in range(5):
                LoginThrottleRepository(other).failed(
                    {"account:an": after_three, "address:10.0.0.1": after_three}, NOW, NOW - HOUR
                )

        with ThreadPoolExecutor(len(engines)) as pool:
            list(pool.map(fail, engines))
    finally:
        for other in engines:
            other.dispose()
    until = LoginThrottleRepository(engine).blocked_until(("account:an",), NOW)
    assert until == NOW + timedelta(seconds=10 * 30)  # 6 × 5 failures, none lost
