"""Checking a staff login: argon2 password hashes, and growing waits after failed attempts.

Why waits and not a lock: a lock after N wrong passwords lets anyone lock every staff member
out with a few requests a quarter, and answered a known name differently from an unknown one.
Now every failure is counted twice, on the name tried ("account:NAME", whether or not such an
account exists) and on the client's address ("address:IP"). A few failures per key are free;
each further one makes that key wait longer. While either key waits, an attempt gets the same
polite "wait a moment" answer without the password being checked, and does not count.

How the two keys are tuned, and why a storm from one address cannot keep a colleague out:

- The account key grows gently (1 s, 2 s, 4 s … at most 2 minutes): it only slows guessing
  one password from many addresses, and a staff member never waits long behind it.
- The address key grows four times as fast (2 s, 8 s, 32 s … at most 15 minutes). Every
  failure that counts on an account from some address also counts on that address, so the
  address has at least as many failures and always waits longer than the account it attacks.
  After each of its guesses the account's wait runs out before the attacker may guess again,
  and the staff member, logging in from elsewhere, gets in once that short wait has passed.
- Failures are forgotten after an hour without one (longer than the longest wait, so a
  persistent attacker stays at the longest wait), which spares an office whose staff share one
  public address from collecting a day's typing errors.
- A success clears the account key, never the address key: a colleague's login must not reset
  the count of someone guessing from the same address.

An unknown name costs the same work as a known one (a dummy argon2 hash is checked, the same
rows are read and written) and gets the same answer, so neither the answer nor its time tells
which names exist. Attempts on the same key run one after the other in this process, so a
burst of parallel guesses cannot all slip past the check before the first failure is counted.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.backoff import Backoff
from bot.store.staff import LoginThrottleRepository, StaffAccount, StaffRepository

MIN_PASSWORD_LENGTH = 12
# Longer names or addresses (or ones with control characters) are keyed by a hash instead.
MAX_KEY_TEXT = 100


class WeakPassword(ValueError):
    pass


class LoginOutcome(str, Enum):
    ok = "ok"
    wrong = "wrong"
    wait = "wait"


# The reasons for these numbers are in the module's docstring.
ACCOUNT_BACKOFF = Backoff(5, timedelta(seconds=1), 2, timedelta(minutes=2))
ADDRESS_BACKOFF = Backoff(5, timedelta(seconds=2), 4, timedelta(minutes=15))


@dataclass(frozen=True)
class LoginPolicy:
    account: Backoff = ACCOUNT_BACKOFF
    address: Backoff = ADDRESS_BACKOFF
    forget_after: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.forget_after <= max(self.account.longest, self.address.longest):
            raise ValueError("failures must be remembered longer than the longest wait")


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    account: StaffAccount | None = None
    # While outcome is `wait`: how long until the next attempt may be checked.
    retry_after: timedelta = timedelta(0)


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("not a real password, only for equal timing")

    def hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise WeakPassword(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        return str(self._hasher.hash(password))

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Checks against a dummy hash when there is no account, so both take as long."""
        try:
            return bool(self._hasher.verify(password_hash or self._dummy, password)) and (
                password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return bool(self._hasher.check_needs_rehash(password_hash))


def _key(kind: str, text: str) -> str:
    if len(text) <= MAX_KEY_TEXT and text.isprintable():
        return f"{kind}:{text}"
    return f"{kind}:#" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:40]


def account_key(name: str) -> str:
    """The same key for "Bram" and "bram", and for names that exist or not."""
    return _key("account", name.lower())


def address_key(address: str) -> str:
    return _key("address", address)


def check_password(
    staff: StaffRepository, passwords: Passwords, name: str, password: str
) -> StaffAccount | None:
    """The account when the password is right; the same work whether the name exists or not."""
    lookup = len(name) <= MAX_KEY_TEXT and name.isprintable()
    account = staff.get(name) if lookup else None
    usable = account if account is not None and account.disabled_at is None else None
    if not passwords.verify(usable.password_hash if usable else None, password):
        return None
    assert usable is not None
    if passwords.needs_rehash(usable.password_hash):
        staff.update_hash(usable.name, passwords.hash(password))
    return usable


class KeyLocks:
    """One asyncio lock per key, dropped again when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @asynccontextmanager
    async def hold(self, *keys: str) -> AsyncIterator[None]:
        # Always in the same order, so two attempts sharing keys never wait for each other.
        async with AsyncExitStack() as stack:
            for key in sorted(set(keys)):
                await stack.enter_async_context(self._one(key))
            yield

    @asynccontextmanager
    async def _one(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


class Logins:
    """Login attempts: the throttle checked, the password checked, the outcome counted."""

    def __init__(
        self,
        staff: StaffRepository,
        throttle: LoginThrottleRepository,
        passwords: Passwords,
        policy: LoginPolicy | None = None,
    ) -> None:
        self._staff = staff
        self._throttle = throttle
        self._passwords = passwords
        self.policy = policy or LoginPolicy()
        self._locks = KeyLocks()

    async def attempt(self, name: str, password: str, address: str, now: datetime) -> LoginResult:
        keys = account_key(name), address_key(address)
        async with self._locks.hold(*keys):
            until = await asyncio.to_thread(self._throttle.blocked_until, keys, now)
            if until is not None:
                return LoginResult(LoginOutcome.wait, retry_after=until - now)
            return await asyncio.to_thread(self._check, name, password, keys, now)

    def _check(self, name: str, password: str, keys: tuple[str, str], now: datetime) -> LoginResult:
        account = check_password(self._staff, self._passwords, name, password)
        on_account, on_address = keys
        if account is not None:
            self._throttle.clear(on_account)
            return LoginResult(LoginOutcome.ok, account)
        self._throttle.failed(
            {on_account: self.policy.account.delay, on_address: self.policy.address.delay},
            now,
            now - self.policy.forget_after,
        )
        return LoginResult(LoginOutcome.wrong)
