"""Login throttling over real HTTP: growing waits per account and per client address, the same
answer and time for unknown names, and no way for one address to keep a colleague out.

Different client addresses are real: the visitor binds its socket to 127.0.0.2, 127.0.0.3 …
"""

from __future__ import annotations

import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from bot.dashboard.auth import LoginPolicy, Passwords
from bot.store.tables import login_throttle
from tests.bot.dashboard.conftest import Dashboard, make_dashboard

WRONG = "helemaal fout wachtwoord"
WAIT_TEXT = "Te veel foute pogingen. Wacht even en probeer dan opnieuw."
# Slow enough that skipping the hash would show in the answer time.
SLOWER = Passwords(PasswordHasher(time_cost=3, memory_cost=32768, parallelism=1))
# No waits at all: to measure many attempts.
NEVER_WAIT = LoginPolicy(
    account=replace(LoginPolicy().account, free=10**6),
    address=replace(LoginPolicy().address, free=10**6),
)


def failures(dashboard: Dashboard) -> dict[str, int]:
    with dashboard.engine.connect() as connection:
        rows = connection.execute(select(login_throttle.c.key, login_throttle.c.failures))
        return {row.key: row.failures for row in rows}


def same_page(response: httpx.Response, name: str) -> str:
    """The body without what differs by design: the fresh CSRF token and the name typed."""
    text = re.sub(r'name="csrf" value="[^"]+"', 'name="csrf" value=""', response.text)
    return text.replace(f'value="{name}"', 'value=""')


def test_unknown_and_known_names_get_the_same_answer_in_the_same_time(tmp_path: Path) -> None:
    with make_dashboard(tmp_path, passwords=SLOWER, login_policy=NEVER_WAIT) as dashboard:
        visitor = dashboard.visitor()
        times: dict[str, list[float]] = {"bram": [], "niemand": []}
        answers: dict[str, set[tuple[int, str]]] = {"bram": set(), "niemand": set()}
        for _ in range(12):
            for name in times:
                visitor.get("/inloggen")
                start = time.perf_counter()
                response = visitor.post("/inloggen", {"naam": name, "wachtwoord": WRONG})
                times[name].append(time.perf_counter() - start)
                answers[name].add((response.status_code, same_page(response, name)))
    assert answers["bram"] == answers["niemand"] and len(answers["bram"]) == 1
    [(status, page)] = answers["bram"]
    assert status == 401 and "Je naam of wachtwoord klopt niet." in page
    known, unknown = (statistics.median(times[name]) for name in ("bram", "niemand"))
    hashing = 0.05  # one check with SLOWER takes about 70 ms here
    assert known > hashing and unknown > hashing, (known, unknown)
    assert 0.75 < unknown / known < 1.33, (known, unknown)


def test_waits_grow_with_each_failure_and_attempts_while_waiting_do_not_count(
    dashboard: Dashboard,
) -> None:
    visitor = dashboard.visitor()
    for _ in range(6):  # five free failures, and the sixth that starts the waiting
        assert visitor.log_in("bram", WRONG).status_code == 401
    waits = []
    for _ in range(4):
        refused = visitor.log_in("bram")  # the right password, but not even checked now
        assert refused.status_code == 429 and WAIT_TEXT in refused.text
        for _ in range(3):  # hammering while waiting changes nothing
            assert visitor.log_in("bram", WRONG).status_code == 429
        wait = int(refused.headers["retry-after"])
        waits.append(wait)
        dashboard.clock.advance(seconds=wait)
        assert visitor.log_in("bram", WRONG).status_code == 401
    # The address's wait: 2 s, then four times longer after each further failure.
    assert waits == [2, 8, 32, 128]
    assert failures(dashboard) == {"account:bram": 10, "address:127.0.0.1": 10}
    dashboard.clock.advance(minutes=15)
    assert visitor.log_in("bram").status_code == 302
    assert failures(dashboard) == {"address:127.0.0.1": 10}  # a success clears the account only


def test_a_waiting_key_answers_the_same_for_known_and_unknown_names(
    dashboard: Dashboard,
) -> None:
    answers = set()
    for n, name in enumerate(("bram", "niemand")):
        visitor = dashboard.visitor(f"127.0.0.{n + 2}")
        for _ in range(6):
            assert visitor.log_in(name, WRONG).status_code == 401
        refused = visitor.log_in(name, WRONG)
        answers.add((refused.status_code, refused.headers["retry-after"], same_page(refused, name)))
    [(status, retry_after, page)] = answers
    assert status == 429 and retry_after == "2" and WAIT_TEXT in page


def test_a_storm_from_one_address_does_not_keep_a_colleague_out(dashboard: Dashboard) -> None:
    """Someone guesses bram's password from one address for twenty minutes, trying again the
    moment they may; bram, at the office, gets in once the account's short wait is over."""
    attacker = dashboard.visitor("127.0.0.2")
    attacker.get("/inloggen")
    counted = 0
    for _ in range(20 * 60 // 5):
        answer = attacker.post("/inloggen", {"naam": "bram", "wachtwoord": WRONG})
        assert answer.status_code in (401, 429)
        counted += answer.status_code == 401
        dashboard.clock.advance(seconds=5)
    # The address caught up with the attacker: a handful of guesses, now a long wait.
    assert counted <= 12, counted
    assert attacker.post("/inloggen", {"naam": "anna", "wachtwoord": WRONG}).status_code == 429
    bram = dashboard.visitor("127.0.0.3")
    first = bram.log_in("bram")
    if first.status_code == 429:
        account_wait = int(first.headers["retry-after"])
        assert account_wait <= LoginPolicy().account.longest.total_seconds()
        dashboard.clock.advance(seconds=account_wait)
        first = bram.log_in("bram")
    assert first.status_code == 302
    assert failures(dashboard)["address:127.0.0.2"] == counted


def test_a_colleague_gets_in_during_the_storm_right_after_the_accounts_wait(
    dashboard: Dashboard,
) -> None:
    attacker = dashboard.visitor("127.0.0.2")
    for _ in range(9):
        answer = attacker.log_in("bram", WRONG)
        if answer.status_code == 429:
            dashboard.clock.advance(seconds=int(answer.headers["retry-after"]))
            assert attacker.log_in("bram", WRONG).status_code == 401
    bram = dashboard.visitor("127.0.0.3")
    waiting = bram.log_in("bram")
    assert waiting.status_code == 429
    account_wait = int(waiting.headers["retry-after"])
    dashboard.clock.advance(seconds=account_wait)
    assert attacker.log_in("bram", WRONG).status_code == 429  # the attacker still waits
    assert bram.log_in("bram").status_code == 302


def test_parallel_guesses_are_counted_one_by_one(tmp_path: Path) -> None:
    with make_dashboard(tmp_path, passwords=SLOWER) as dashboard:
        visitors = [dashboard.visitor() for _ in range(16)]
        for visitor in visitors:
            visitor.get("/inloggen")
        with ThreadPoolExecutor(len(visitors)) as pool:
            statuses = list(
                pool.map(
                    lambda v: (
                        v.post("/inloggen", {"naam": "bram", "wachtwoord": WRONG}).status_code
                    ),
                    visitors,
                )
            )
        assert sorted(statuses) == [401] * 6 + [429] * 10
        assert failures(dashboard) == {"account:bram": 6, "address:127.0.0.1": 6}


@pytest.mark.parametrize(("proxies", "separate"), [(0, False), (1, True)])
def test_the_address_comes_from_our_proxy_only(
    tmp_path: Path, proxies: int, separate: bool
) -> None:
    """Behind nginx (HULPBOT_PROXIES_COUNT=1) the last X-Forwarded-For entry is the visitor;
    without a proxy the header is the visitor's own words and is ignored."""
    with make_dashboard(tmp_path, proxies_count=proxies) as dashboard:
        visitor = dashboard.visitor()
        for n in range(7):
            forwarded = {"X-Forwarded-For": f"198.51.100.7, 203.0.113.{n}"}
            answer = visitor.log_in(f"naam{n}", WRONG, headers=forwarded)
            assert answer.status_code == (401 if separate or n < 6 else 429)
        keys = {key for key in failures(dashboard) if key.startswith("address:")}
    assert keys == (
        {f"address:203.0.113.{n}" for n in range(7)} if separate else {"address:127.0.0.1"}
    )


def test_old_throttle_rows_are_cleaned_up(dashboard: Dashboard) -> None:
    for n in range(3):
        dashboard.visitor(f"127.0.0.{n + 2}").log_in(f"naam{n}", WRONG)
    assert len(failures(dashboard)) == 6
    dashboard.clock.advance(hours=1, minutes=1)
    dashboard.visitor("127.0.0.9").log_in("bram", WRONG)
    assert failures(dashboard) == {"account:bram": 1, "address:127.0.0.9": 1}
