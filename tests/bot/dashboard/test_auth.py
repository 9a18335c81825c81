from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.dashboard.auth import (
    Backoff,
    KeyLocks,
    LoginOutcome,
    LoginPolicy,
    Logins,
    Passwords,
    WeakPassword,
    account_key,
    address_key,
    check_password,
)
from bot.store.db import make_engine, migrate
from bot.store.sessions import ApiTokenRepository
from bot.store.staff import LoginThrottleRepository, Role, StaffExists, StaffRepository
from bot.store.tables import login_throttle
from tests.helpers import run_cli

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
WRONG = "guess guess guess"
# Cheap parameters keep the tests fast; the real default is argon2-cffi's.
FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def staff_repository(tmp_path: Path) -> StaffRepository:
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    migrate(engine)
    repository = StaffRepository(engine)
    repository.add("an", Role.staff, FAST.hash(PASSWORD), NOW)
    return repository


def logins(tmp_path: Path) -> tuple[Logins, LoginThrottleRepository]:
    staff = staff_repository(tmp_path)
    throttle = LoginThrottleRepository(make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}"))
    return Logins(staff, throttle, FAST), throttle


def attempt(gate: Logins, name: str, password: str, address: str, now: datetime) -> LoginOutcome:
    return asyncio.run(gate.attempt(name, password, address, now)).outcome


def failures(throttle: LoginThrottleRepository, tmp_path: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    with engine.connect() as connection:
        rows = connection.execute(select(login_throttle.c.key, login_throttle.c.failures))
        return {row.key: row.failures for row in rows}


def test_right_and_wrong_password(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    account = check_password(staff, FAST, "an", PASSWORD)
    assert account is not None and account.role is Role.staff
    assert check_password(staff, FAST, "an", "wrong password!") is None
    assert check_password(staff, FAST, "nobody", PASSWORD) is None
    assert check_password(staff, FAST, "an\x00", PASSWORD) is None
    assert check_password(staff, FAST, "a" * 5000, PASSWORD) is None
    staff.set_disabled("an", NOW)
    assert check_password(staff, FAST, "an", PASSWORD) is None


def test_an_old_hash_is_upgraded_at_login(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert check_password(staff, stronger, "an", PASSWORD) is not None
    account = staff.get("an")
    assert account is not None and not stronger.needs_rehash(account.password_hash)


def test_delays_grow_from_the_first_failure_past_the_free_ones_up_to_a_cap() -> None:
    backoff = Backoff(3, timedelta(seconds=1), 2, timedelta(seconds=60))
    assert [backoff.delay(n).total_seconds() for n in range(1, 11)] == [
        0,
        0,
        0,
        1,
        2,
        4,
        8,
        16,
        32,
        60,
    ]
    assert backoff.delay(10**6) == timedelta(seconds=60)


def test_the_address_always_waits_longer_than_the_account_it_attacks() -> None:
    """The property the storm test over HTTP relies on (see bot.dashboard.auth)."""
    policy = LoginPolicy()
    for n in range(1, 200):
        assert policy.address.delay(n) >= policy.account.delay(n)
    assert policy.forget_after > policy.address.longest
    with pytest.raises(ValueError, match="longer than the longest wait"):
        LoginPolicy(forget_after=timedelta(minutes=5))


def test_keys_are_case_blind_and_bounded() -> None:
    assert account_key("Bram") == account_key("bram") == "account:bram"
    assert address_key("127.0.0.1") == "address:127.0.0.1"
    for odd in ("x" * 5000, "bram\x00", "bram\n"):
        key = account_key(odd)
        assert key.startswith("account:#") and len(key) < 200


def test_failures_count_per_account_and_per_address_and_waits_grow(tmp_path: Path) -> None:
    gate, throttle = logins(tmp_path)
    for _ in range(5):
        assert attempt(gate, "an", WRONG, "10.0.0.1", NOW) is LoginOutcome.wrong
    assert failures(throttle, tmp_path) == {"account:an": 5, "address:10.0.0.1": 5}
    assert attempt(gate, "an", WRONG, "10.0.0.1", NOW) is LoginOutcome.wrong  # the sixth
    # Waiting: even the right password is not checked, and the refusal is not counted.
    result = asyncio.run(gate.attempt("an", PASSWORD, "10.0.0.1", NOW))
    assert result.outcome is LoginOutcome.wait and result.retry_after == timedelta(seconds=2)
    assert failures(throttle, tmp_path) == {"account:an": 6, "address:10.0.0.1": 6}
    # From elsewhere the account's own second is the only wait.
    later = NOW + timedelta(seconds=1)
    assert attempt(gate, "an", PASSWORD, "10.0.0.2", later) is LoginOutcome.ok
    assert failures(throttle, tmp_path) == {"address:10.0.0.1": 6}  # success clears the account


def test_unknown_names_are_throttled_like_known_ones(tmp_path: Path) -> None:
    gate, throttle = logins(tmp_path)
    for name in ("an", "niemand"):
        outcomes = [attempt(gate, name, WRONG, f"10.0.1.{n}", NOW) for n in range(7)]
        assert outcomes == [LoginOutcome.wrong] * 6 + [LoginOutcome.wait]
    assert failures(throttle, tmp_path)["account:niemand"] == 6


def test_failures_are_forgotten_after_a_quiet_hour(tmp_path: Path) -> None:
    gate, throttle = logins(tmp_path)
    for _ in range(6):
        attempt(gate, "an", WRONG, "10.0.0.1", NOW)
    later = NOW + timedelta(hours=1, seconds=1)
    assert attempt(gate, "iemand", WRONG, "10.0.0.9", later) is LoginOutcome.wrong
    assert failures(throttle, tmp_path) == {"account:iemand": 1, "address:10.0.0.9": 1}
    assert throttle.count() == 2
    assert attempt(gate, "an", WRONG, "10.0.0.1", later) is LoginOutcome.wrong  # counts from 1


def test_a_burst_of_parallel_guesses_is_checked_one_by_one(tmp_path: Path) -> None:
    gate, throttle = logins(tmp_path)

    async def burst() -> list[LoginOutcome]:
        results = await asyncio.gather(
            *(gate.attempt("an", WRONG, "10.0.0.1", NOW) for _ in range(20))
        )
        return [r.outcome for r in results]

    outcomes = asyncio.run(burst())
    assert outcomes.count(LoginOutcome.wrong) == 6 and outcomes.count(LoginOutcome.wait) == 14
    assert failures(throttle, tmp_path) == {"account:an": 6, "address:10.0.0.1": 6}


def test_key_locks_are_dropped_when_unused() -> None:
    locks = KeyLocks()

    async def use() -> None:
        async with locks.hold("b", "a", "a"):
            assert set(locks._locks) == {"a", "b"}

    asyncio.run(use())
    assert locks._locks == {} and not locks._users


def test_weak_password_and_duplicate_name(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    with pytest.raises(WeakPassword):
        FAST.hash("short")
    with pytest.raises(StaffExists):
        staff.add("an", Role.admin, FAST.hash(PASSWORD), NOW)


def test_staff_add_command(tmp_path: Path) -> None:
    env = {"HULPBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'hulpbot.db'}"}
    args = ("staff", "add", "bea", "--role", "admin", "--password-stdin")
    result = run_cli(*args, env=env, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "Account 'bea' added with role admin." in result.stdout
    again = run_cli(*args, env=env, stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    account = StaffRepository(engine).get("bea")
    assert account is not None and account.role is Role.admin
    assert PASSWORD not in account.password_hash
    assert Passwords().verify(account.password_hash, PASSWORD)


def test_staff_token_command_prints_a_token_that_the_api_accepts(tmp_path: Path) -> None:
    env = {"HULPBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'hulpbot.db'}"}
    assert run_cli("staff", "token", "bea", env=env).returncode == 1  # no such account
    run_cli("staff", "add", "bea", "--password-stdin", env=env, stdin=PASSWORD + "\n")
    result = run_cli("staff", "token", "bea", env=env)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    session = ApiTokenRepository(engine).find(token, NOW)
    assert session is not None and session.staff_name == "bea"
