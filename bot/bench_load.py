"""The load side of `make bench`: many conversations at once, each waiting for its answers.

A closed loop (a conversation sends its next message only after the answer to the previous
one) is how residents use the assistant, and it cannot flood the server: throughput is what
the server manages, not what the client pushes. All conversations share one aiohttp session
in one event loop, so the client costs almost nothing next to a Rasa turn and is not what is
being measured.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import cycle, islice, zip_longest
from pathlib import Path
from typing import Any

import aiohttp

from bot.apology import SORRY

# Far above any healthy reply; a request that takes longer counts as an error.
REQUEST_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Target:
    """Where a bot takes a message: our web channel and Rasa's REST channel share the body
    {"sender", "message"}; only ours needs the bearer token in `headers`."""

    url: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Reply:
    ms: float
    # False for a non-200 answer, a failed or timed-out request, or the apology.
    ok: bool
    # An answer without any message: allowed, but a sign the bot did not understand its load.
    empty: bool


@dataclass(frozen=True)
class LevelFigures:
    conversations: int
    messages: int
    wall_seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: int
    empty: int


def quantiles(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95 and max, the figures every latency in the bench is judged by.

    Inclusive quantiles stay within the samples: with ten replies the default (exclusive)
    method puts p95 above the slowest one. With fewer than two samples there is nothing to
    cut, so the one sample is every quantile.
    """
    if len(samples) < 2:
        only = round(samples[0], 1) if samples else 0.0
        return {"p50": only, "p95": only, "max": only}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "max": round(max(samples), 1)}


def summarise(conversations: Sequence[Sequence[Reply]], wall_seconds: float) -> LevelFigures:
    replies = [reply for conversation in conversations for reply in conversation]
    cuts = quantiles([reply.ms for reply in replies])
    return LevelFigures(
        conversations=len(conversations),
        messages=len(replies),
        wall_seconds=round(wall_seconds, 2),
        throughput=round(len(replies) / wall_seconds, 1) if wall_seconds > 0 else 0.0,
        p50_ms=cuts["p50"],
        p95_ms=cuts["p95"],
        max_ms=cuts["max"],
        errors=sum(not reply.ok for reply in replies),
        empty=sum(reply.empty for reply in replies),
    )


def slowdown(latencies_ms: Sequence[float], window: int = 20) -> dict[str, float]:
    """How much slower a long conversation's last replies are than its first.

    Medians, so one slow reply (a garbage collection, a neighbour on the machine) does not
    decide the verdict.
    """
    first = statistics.median(latencies_ms[:window])
    last = statistics.median(latencies_ms[-window:])
    return {
        "messages": len(latencies_ms),
        "window": window,
        "first_p50_ms": round(first, 1),
        "last_p50_ms": round(last, 1),
        "ratio": round(last / first, 2) if first > 0 else 0.0,
    }


def mixed(groups: Iterable[Sequence[str]]) -> list[str]:
    """One message of each group in turn, so every conversation asks a mix of things (and
    reaches the custom actions) rather than ten variants of one question."""
    return [text for row in zip_longest(*groups) for text in row if text is not None]


def scripts(
    texts: Sequence[str], prefix: str, conversations: int, messages: int
) -> dict[str, list[str]]:
    """Sender id → its messages: each conversation takes the next `messages` texts in turn.

    Ids are 8-64 letters, digits or hyphens, as our web channel requires; a new `prefix` per
    run gives new conversations, so earlier runs' histories do not weigh on later ones.
    """
    pool = cycle(texts)
    return {f"{prefix}-{n:03d}": list(islice(pool, messages)) for n in range(conversations)}


async def _send(session: aiohttp.ClientSession, target: Target, sender: str, text: str) -> Reply:
    started = time.perf_counter()
    try:
        async with session.post(
            target.url, json={"sender": sender, "message": text}, headers=dict(target.headers)
        ) as response:
            body: Any = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(body, list)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return Reply((time.perf_counter() - started) * 1000, ok=False, empty=False)
    ms = (time.perf_counter() - started) * 1000
    messages = body if ok else []
    texts = [str(m.get("text") or "") for m in messages if isinstance(m, dict)]
    apologised = any(t.startswith(SORRY) for t in texts)
    return Reply(ms, ok=ok and not apologised, empty=ok and not messages)


async def _conversation(
    session: aiohttp.ClientSession, target: Target, sender: str, texts: Sequence[str]
) -> list[Reply]:
    # Strictly one message in flight per sender: the next waits for this one's answer.
    return [await _send(session, target, sender, text) for text in texts]


async def _closed_loop(
    target: Target, script: Mapping[str, Sequence[str]]
) -> tuple[list[list[Reply]], float]:
    # aiohttp 3.9 allows 100 connections by default; never fewer than there are conversations,
    # or the client's own queue would be measured.
    connector = aiohttp.TCPConnector(limit=max(100, len(script)), limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        conversations = await asyncio.gather(
            *(_conversation(session, target, sender, texts) for sender, texts in script.items())
        )
        return list(conversations), time.perf_counter() - started


def closed_loop(
    target: Target, script: Mapping[str, Sequence[str]]
) -> tuple[list[list[Reply]], float]:
    """Every conversation of `script` at once: the replies per conversation, in the order
    sent, and the wall-clock seconds from the first message to the last answer."""
    return asyncio.run(_closed_loop(target, script))


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far, from /proc (Linux).

    Per message this shows where the time goes (Rasa or the action server) independently of
    how busy the rest of the machine is.
    """
    # The command name (field 2) may hold spaces; the fields after it are fixed.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
