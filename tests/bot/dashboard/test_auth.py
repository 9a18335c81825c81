from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from bot.dashboard.auth import LoginOutcome, LoginPolicy, Passwords, WeakPassword, log_in
from bot.store.db import make_engine, migrate
from bot.store.sessions import ApiTokenRepository
from bot.store.staff import Role, StaffExists, StaffRepository
from tests.helpers import run_cli

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PASSWORD = "correct horse battery"
# Cheap parameters keep the tests fast; the real default is argon2-cffi's.
FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def staff_repository(tmp_path: Path) -> StaffRepository:
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    migrate(engine)
    repository = StaffRepository(engine)
    repository.add("an", Role.staff, FAST.hash(PASSWORD), NOW)
    return repository


def test_right_and_wrong_password(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    ok = log_in(staff, FAST, "an", PASSWORD, NOW)
    assert ok.outcome is LoginOutcome.ok and ok.account is not None
    assert ok.account.role is Role.staff
    assert log_in(staff, FAST, "an", "wrong password!", NOW).outcome is LoginOutcome.wrong
    assert log_in(staff, FAST, "nobody", PASSWORD, NOW).outcome is LoginOutcome.wrong


def test_lockout_after_repeated_failures(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    policy = LoginPolicy(max_failures=3, lock_for=timedelta(minutes=15))
    for _ in range(3):
        assert log_in(staff, FAST, "an", "guess guess guess", NOW, policy).outcome is (
            LoginOutcome.wrong
        )
    # Locked: even the right password is refused until the lock ends.
    assert log_in(staff, FAST, "an", PASSWORD, NOW, policy).outcome is LoginOutcome.locked
    later = NOW + timedelta(minutes=16)
    assert log_in(staff, FAST, "an", PASSWORD, later, policy).outcome is LoginOutcome.ok


def test_success_resets_the_failure_count(tmp_path: Path) -> None:
    staff = staff_repository(tmp_path)
    policy = LoginPolicy(max_failures=3)
    for _ in range(2):
        log_in(staff, FAST, "an", "guess guess guess", NOW, policy)
    log_in(staff, FAST, "an", PASSWORD, NOW, policy)
    log_in(staff, FAST, "an", "guess guess guess", NOW, policy)
    assert log_in(staff, FAST, "an", PASSWORD, NOW, policy).outcome is LoginOutcome.ok


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
