"""Checking a staff login: argon2 password hashes, lockout after repeated failures.

An unknown name costs the same hashing work as a known one, so the answer time
does not tell an attacker which names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.store.staff import StaffAccount, StaffRepository

MIN_PASSWORD_LENGTH = 12


class WeakPassword(ValueError):
    pass


class LoginOutcome(str, Enum):
    ok = "ok"
    wrong = "wrong"
    locked = "locked"


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    account: StaffAccount | None = None


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("not a real password, only for equal timing")

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        return str(self._hasher.hash(password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash or self._dummy, password)) and (
                password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return bool(self._hasher.check_needs_rehash(password_hash))


def log_in(
    staff: StaffRepository,
    passwords: Passwords,
    name: str,
    password: str,
    now: datetime,
    policy: LoginPolicy = LoginPolicy(),
) -> LoginResult:
    account = staff.get(name)
    usable = account is not None and account.disabled_at is None
    if account is not None and account.locked(now):
        return LoginResult(LoginOutcome.locked)
    if not passwords.verify(account.password_hash if usable and account else None, password):
        if usable and account is not None:
            staff.login_failed(account.name, policy.max_failures, now + policy.lock_for)
        return LoginResult(LoginOutcome.wrong)
    assert account is not None
    fresh = passwords.hash(password) if passwords.needs_rehash(account.password_hash) else None
    staff.login_succeeded(account.name, fresh)
    return LoginResult(LoginOutcome.ok, account)
