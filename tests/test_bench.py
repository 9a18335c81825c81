"""The measuring side of `make bench`, without training: the load generator against a fake
bot that answers after a fixed delay, the figures it computes, and the reference bot's
generated Rasa project."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from bot.apology import SORRY
from bot.bench import (
    NLU_DIR,
    SEEDED,
    TARGETS,
    kept_by_hand,
    markdown,
    rasa_default_config,
    reference_config,
    write_reference_project,
)
from bot.bench_load import (
    Reply,
    Target,
    closed_loop,
    mixed,
    quantiles,
    scripts,
    slowdown,
    summarise,
)
from bot.servers import free_port
from tests.fakes.server import serve_aiohttp
from tests.helpers import rasa_data_validate

DELAY = 0.05
TOKEN = {"Authorization": "Bearer test-token"}


@dataclass
class FakeBot:
    """Answers every message after DELAY, and remembers what it saw and when."""

    received: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    overlaps: list[str] = field(default_factory=list)
    most_at_once: int = 0
    unauthorised: int = 0

    async def webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != TOKEN["Authorization"]:
            self.unauthorised += 1
        body = await request.json()
        sender, text = body["sender"], body["message"]
        if self.in_flight[sender]:
            self.overlaps.append(sender)
        self.in_flight[sender] += 1
        self.most_at_once = max(self.most_at_once, sum(self.in_flight.values()))
        self.received[sender].append(text)
        await asyncio.sleep(DELAY)
        self.in_flight[sender] -= 1
        if text == "breek":
            return web.json_response({"error": "stuk"}, status=500)
        if text == "oeps":
            return web.json_response([{"recipient_id": sender, "text": f"{SORRY} Bel gratis."}])
        if text == "stil":
            return web.json_response([])
        return web.json_response([{"recipient_id": sender, "text": f"antwoord op {text}"}])


@contextmanager
def fake_bot() -> Iterator[tuple[FakeBot, Target]]:
    """The fake in its own thread and event loop, as Rasa is in its own process."""
    bot = FakeBot()
    app = web.Application()
    app.router.add_post("/webhooks/web/webhook", bot.webhook)
    port = free_port()
    with serve_aiohttp(app, port):
        yield bot, Target(f"http://127.0.0.1:{port}/webhooks/web/webhook", TOKEN)


def run_closed_loop(
    target: Target, script: dict[str, list[str]]
) -> tuple[list[list[Reply]], float]:
    """`closed_loop` in a thread of its own, as the bench runs it in a process of its own, so
    an event loop left in this thread by another test cannot matter."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(closed_loop, target, script).result(timeout=120)


def test_closed_loop_sends_every_message_in_order_one_at_a_time_per_sender() -> None:
    texts = [f"vraag {n}" for n in range(37)]
    script = scripts(texts, "bench-c20", 20, 5)
    with fake_bot() as (bot, target):
        conversations, wall = run_closed_loop(target, script)
    assert len(script) == 20
    assert sum(len(c) for c in conversations) == 100 == sum(map(len, bot.received.values()))
    assert dict(bot.received) == script
    assert not bot.overlaps
    assert bot.unauthorised == 0
    assert all(reply.ok and not reply.empty for c in conversations for reply in c)
    # A closed loop: five answers one after the other take at least five delays per sender,
    # and all twenty senders ran at once (one after the other they would take 100 delays).
    assert wall >= 5 * DELAY
    assert wall < 30 * DELAY
    assert bot.most_at_once == 20


def test_fifty_conversations_at_once_are_not_queued_by_the_client() -> None:
    script = scripts(["hallo"], "bench-c50", 50, 2)
    with fake_bot() as (bot, target):
        started = time.perf_counter()
        conversations, _ = run_closed_loop(target, script)
        elapsed = time.perf_counter() - started
    assert bot.most_at_once == 50
    assert sum(len(c) for c in conversations) == 100
    assert elapsed < 20 * DELAY


def test_errors_count_failures_and_the_apology_not_empty_answers() -> None:
    script = {"bench-errors-1": ["breek", "oeps", "stil", "gewoon"]}
    with fake_bot() as (_, target):
        conversations, wall = run_closed_loop(target, script)
    [replies] = conversations
    assert [(r.ok, r.empty) for r in replies] == [
        (False, False),
        (False, False),
        (True, True),
        (True, False),
    ]
    figures = summarise(conversations, wall)
    assert (figures.messages, figures.errors, figures.empty) == (4, 2, 1)


def test_a_server_that_does_not_answer_is_an_error() -> None:
    conversations, _ = run_closed_loop(
        Target(f"http://127.0.0.1:{free_port()}/webhooks/rest/webhook", {}),
        {"bench-nobody-1": ["hallo", "hallo"]},
    )
    assert [r.ok for r in conversations[0]] == [False, False]


def test_quantiles_throughput_and_errors() -> None:
    replies = [Reply(float(ms), ok=ms % 10 != 0, empty=False) for ms in range(99, 0, -1)]
    figures = summarise([replies[:50], replies[50:]], wall_seconds=3.0)
    assert figures.conversations == 2
    assert figures.messages == 99
    assert figures.throughput == 33.0
    assert (figures.p50_ms, figures.p95_ms, figures.max_ms) == (50.0, 94.1, 99.0)
    assert figures.errors == 9
    assert quantiles([42.0]) == {"p50": 42.0, "p95": 42.0, "max": 42.0}
    # Ten samples: p95 lies between the two slowest, never above the slowest.
    assert quantiles([10.0] * 9 + [20.0]) == {"p50": 10.0, "p95": 15.5, "max": 20.0}


def test_slowdown_compares_the_medians_of_the_first_and_last_replies() -> None:
    latencies = [10.0] * 20 + [99.0] * 260 + [16.0] * 19 + [500.0]
    assert slowdown(latencies) == {
        "messages": 300,
        "window": 20,
        "first_p50_ms": 10.0,
        "last_p50_ms": 16.0,
        "ratio": 1.6,
    }


def test_scripts_give_each_conversation_its_own_new_id_and_the_next_texts() -> None:
    script = scripts(["a", "b", "c"], "bench-c02", 2, 2)
    assert script == {"bench-c02-000": ["a", "b"], "bench-c02-001": ["c", "a"]}
    assert mixed([["a1", "a2", "a3"], ["b1"], ["c1", "c2"]]) == ["a1", "b1", "c1", "a2", "c2", "a3"]


def test_reference_config_is_rasas_default_in_dutch_with_seeds() -> None:
    default, config = rasa_default_config(), reference_config()
    assert config["language"] == "nl"
    names = [c["name"] for c in (*config["pipeline"], *config["policies"])]
    assert names == [c["name"] for c in (*default["pipeline"], *default["policies"])]
    for ours, theirs in zip(
        [*config["pipeline"], *config["policies"]],
        [*default["pipeline"], *default["policies"]],
        strict=True,
    ):
        assert {k: v for k, v in ours.items() if k != "random_seed"} == theirs
        assert ("random_seed" in ours) == (ours["name"] in SEEDED)


def _our_intents() -> set[str]:
    return {
        item["intent"]
        for path in NLU_DIR.glob("*.yml")
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        if "intent" in item
    }


def test_reference_project_answers_every_intent_with_its_own_rule(tmp_path: Path) -> None:
    project = write_reference_project(tmp_path / "reference")
    domain = yaml.safe_load((project / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((project / "data" / "rules.yml").read_text(encoding="utf-8"))
    intents = _our_intents()
    assert set(domain["intents"]) == intents
    assert set(domain["entities"]) == {"location", "day"}
    answered = {*intents, "nlu_fallback"}
    assert set(domain["responses"]) == {f"utter_{name}" for name in answered}
    assert {
        (rule["steps"][0]["intent"], rule["steps"][1]["action"]) for rule in rules["rules"]
    } == {(name, f"utter_{name}") for name in answered}
    copied = [p.name for p in sorted((project / "data" / "nlu").glob("*.yml"))]
    assert copied == [p.name for p in sorted(NLU_DIR.glob("*.yml"))]
    for name in copied:
        original = yaml.safe_load((NLU_DIR / name).read_text(encoding="utf-8"))
        copy = yaml.safe_load((project / "data" / "nlu" / name).read_text(encoding="utf-8"))
        assert copy["nlu"] == original["nlu"], f"{name} needs more than plain Rasa"
    assert yaml.safe_load((project / "credentials.yml").read_text()) == {"rest": None}
    assert yaml.safe_load((project / "endpoints.yml").read_text()) is None


def test_reference_project_passes_rasa_data_validate(tmp_path: Path) -> None:
    problems = rasa_data_validate(write_reference_project(tmp_path / "reference"))
    assert not problems, "\n".join(problems)


def _level(conversations: int, throughput: float) -> dict[str, Any]:
    return {
        "conversations": conversations,
        "messages": conversations * 10,
        "wall_seconds": 1.0,
        "throughput": throughput,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "max_ms": 30.0,
        "errors": 0,
        "empty": 0,
        "rasa_cpu_ms_per_message": 12.5,
    }


def _suite(label: str, throughput: float) -> dict[str, Any]:
    return {
        "label": label,
        "levels": [_level(1, throughput / 4), _level(20, throughput)],
        "long_conversation": {
            "messages": 300,
            "window": 20,
            "first_p50_ms": 10.0,
            "last_p50_ms": 12.0,
            "ratio": 1.2,
            "errors": 0,
        },
        "rss_mb_after": {"rasa": 900},
    }


@pytest.mark.parametrize("throughput, met", [(60.0, "yes"), (40.0, "**no**")])
def test_markdown_judges_the_targets_at_twenty_conversations(throughput: float, met: str) -> None:
    suites = {
        "ours_sqlite": _suite("Ours, SQLite tracker store", throughput),
        "ours_memory": _suite("Ours, in-memory tracker store", throughput),
        "reference": _suite("Reference, plain Rasa", 50.0),
    }
    for key in ("ours_sqlite", "ours_memory"):
        for level in suites[key]["levels"]:
            level["reference_ratio"] = round(level["throughput"] / 50.0, 2)
    cuts = {"p50": 50.0, "p95": 90.0, "max": 120.0}
    report = {
        "measured_at": "2026-11-23T12:00:00+00:00",
        "machine": {"cpus": 2, "python": "3.10.13"},
        "quick": True,
        "messages": 20,
        "training_seconds": None,
        "reference_training_seconds": 61.0,
        "reference_startup_seconds": 9.0,
        "rasa_startup_seconds": 40.0,
        "actions_startup_seconds": 1.0,
        "parse_ms": cuts,
        "rest_ms": cuts,
        "rasa_rss_mb": 1100,
        "actions_rss_mb": 70,
        "load": {"messages_per_conversation": 10, "target_level": 20, "suites": suites},
        "dashboard": {
            "inbox": cuts,
            "inbox_filtered": cuts,
            "statistics": cuts,
            "rss_mb": 80,
            "requests": 5000,
        },
        "targets": TARGETS,
    }
    text = markdown(report)
    assert (
        f"| 20 conversations at once: throughput | {throughput} msg/s | ≥ 50 msg/s | {met} |"
        in text
    )
    assert "| Training (empty cache) | not measured | ≤ 240 s | not measured |" in text
    assert "| Web channel reply p50 / p95 | 50.0 / 90.0 ms | p95 ≤ 100 ms | yes |" in text
    assert "| Rasa server memory (RSS) | 1100 MB | ≤ 1200 MB | yes |" in text
    assert "= 1.2× | ≤ 1.5× | yes |" in text
    assert "## Under load" in text
    assert "| 20 | Reference, plain Rasa | 200 |" in text


def test_a_new_run_keeps_the_part_written_by_hand() -> None:
    old = "# Benchmarks\n\n| old | figures |\n\n## Where the time goes\n\n| Part | Share |\n"
    assert kept_by_hand(old) == "\n## Where the time goes\n\n| Part | Share |\n"
    assert kept_by_hand("# Benchmarks\n\n| old | figures |\n") == ""
