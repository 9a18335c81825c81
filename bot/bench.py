"""`make bench`: the numbers behind the performance targets, measured on this machine.

Training runs from an empty cache so it counts the full work. Latency is for a
single user: one request at a time, a new conversation every ten messages, with
conversations stored in a SQLite tracker store as `make run` does. The dashboard
is measured as a staff member uses it, logged in, over a year's worth of requests.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import yaml

from bot.dashboard.auth import Passwords
from bot.servers import (
    action_server,
    bearer,
    dashboard_server,
    free_port,
    rasa_server,
    write_endpoints,
)
from bot.settings import PROJECT_ROOT, child_env
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback
from bot.store.staff import Role, StaffRepository

MESSAGES_FILE = PROJECT_ROOT / "tests" / "e2e" / "heldout.yml"
TARGETS = {
    "training_seconds": 240,
    "rest_p95_ms": 150,
    "rasa_rss_mb": 1300,
    "actions_rss_mb": 200,
}


def _post(url: str, body: dict[str, Any], env: dict[str, str]) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **bearer(env)},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()


def _latencies(texts: list[str], send: Callable[[int, str], None]) -> dict[str, float]:
    samples = []
    for index, text in enumerate(texts):
        started = time.perf_counter()
        send(index, text)
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return {"p50": round(cuts[49], 1), "p95": round(cuts[94], 1), "max": round(max(samples), 1)}


DASHBOARD_REQUESTS = 5000
DASHBOARD_PASSWORD = "benchmark password only"


def _seed_dashboard(database: Path) -> None:
    """About a year of requests (14 a day), one staff account."""
    engine = make_engine(f"sqlite:///{database}")
    migrate(engine)
    now = datetime.now(timezone.utc)
    StaffRepository(engine).add("bench", Role.staff, Passwords().hash(DASHBOARD_PASSWORD), now)
    requests = CallbackRepository(engine)
    topics = ["dienstencentrum", "minder_mobielen", "menstruatie", "woonclub", "iets anders"]
    for n in range(DASHBOARD_REQUESTS):
        requests.save(
            NewCallback(
                f"bench-{n}", ("rest", "telegram", "sms")[n % 3], f"bench-{n}",
                "+32470123456", "Bench", "voormiddag", topics[n % 5], "bench",
            ),
            now - timedelta(minutes=100 * n),
        )  # fmt: skip
    engine.dispose()


def _dashboard(work: Path, count: int) -> dict[str, Any]:
    database = work / "dashboard.db"
    _seed_dashboard(database)
    env = {
        "HULPBOT_DATABASE_URL": f"sqlite:///{database}",
        "HULPBOT_TRACKER_DB_URL": f"sqlite:///{work / 'tracker.db'}",
    }
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def get(url: str) -> str:
        with opener.open(url, timeout=60) as response:
            return str(response.read().decode())

    with dashboard_server(free_port(), work / "dashboard.log", env) as dashboard:
        form = get(f"{dashboard.url}/inloggen")
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        assert token is not None
        login = urllib.parse.urlencode(
            {"csrf": token.group(1), "naam": "bench", "wachtwoord": DASHBOARD_PASSWORD}
        ).encode()
        with opener.open(f"{dashboard.url}/inloggen", data=login, timeout=60) as response:
            assert response.url.endswith("/verzoeken"), "benchmark login failed"
        pages = {
            "inbox": "/verzoeken",
            "inbox_filtered": "/verzoeken?status=nieuw&kanaal=sms",
            "statistics": "/statistiek",
        }

        def fetch(_: int, path: str) -> None:
            get(dashboard.url + path)

        measured: dict[str, Any] = {
            name: _latencies([path] * count, fetch) for name, path in pages.items()
        }
        measured["rss_mb"] = round(dashboard.rss_mb())
        measured["requests"] = DASHBOARD_REQUESTS
        return measured


def _train(out: Path) -> float:
    started = time.monotonic()
    with (out / "train.log").open("wb") as log:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rasa",
                "train",
                "--force",
                "--fixed-model-name",
                "bench",
                "--out",
                str(out),
            ],
            cwd=PROJECT_ROOT,
            env=child_env({"RASA_CACHE_DIRECTORY": str(out / "cache")}),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return time.monotonic() - started


def measure(count: int, work: Path) -> dict[str, Any]:
    texts = list(
        islice(
            cycle(
                text
                for group in yaml.safe_load(MESSAGES_FILE.read_text()).values()
                for text in group
            ),
            count,
        )
    )
    training = _train(work)
    action_port, rasa_port = free_port(), free_port()
    # Conversations in a SQLite tracker store, as with `make run`.
    endpoints = write_endpoints(work / "endpoints.yml", action_port, work / "tracker.db")
    env = {
        "HULPBOT_DATABASE_URL": f"sqlite:///{work / 'hulpbot.db'}",
        "HULPBOT_INTERNAL_TOKEN": secrets.token_urlsafe(32),
        "HULPBOT_SENDER_KEY": secrets.token_urlsafe(32),
    }
    with (
        action_server(action_port, work / "actions.log", env) as actions,
        rasa_server(work / "bench.tar.gz", rasa_port, endpoints, work / "rasa.log", env) as rasa,
    ):
        parse = _latencies(texts, lambda _, t: _post(f"{rasa.url}/model/parse", {"text": t}, env))
        rest = _latencies(
            texts,
            lambda i, t: _post(
                f"{rasa.url}/webhooks/web/webhook",
                {"sender": f"bench-{i // 10:04d}", "message": t},
                env,
            ),
        )
        return {
            "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "messages": count,
            "training_seconds": round(training, 1),
            "rasa_startup_seconds": round(rasa.startup_seconds, 1),
            "actions_startup_seconds": round(actions.startup_seconds, 1),
            "parse_ms": parse,
            "rest_ms": rest,
            "rasa_rss_mb": round(rasa.rss_mb()),
            "actions_rss_mb": round(actions.rss_mb()),
            "dashboard": _dashboard(work, min(count, 200)),
            "targets": TARGETS,
        }


def markdown(report: dict[str, Any]) -> str:
    t = report["targets"]

    def verdict(value: float, target: float) -> str:
        return "yes" if value <= target else "**no**"

    rows = [
        (
            "Training (empty cache)",
            f"{report['training_seconds']} s",
            f"≤ {t['training_seconds']} s",
            verdict(report["training_seconds"], t["training_seconds"]),
        ),
        ("Rasa server start-up", f"{report['rasa_startup_seconds']} s", "", ""),
        ("Action server start-up", f"{report['actions_startup_seconds']} s", "", ""),
        (
            "/model/parse p50 / p95",
            f"{report['parse_ms']['p50']} / {report['parse_ms']['p95']} ms",
            "",
            "",
        ),
        (
            "Web channel reply p50 / p95",
            f"{report['rest_ms']['p50']} / {report['rest_ms']['p95']} ms",
            f"p95 ≤ {t['rest_p95_ms']} ms",
            verdict(report["rest_ms"]["p95"], t["rest_p95_ms"]),
        ),
        (
            "Rasa server memory (RSS)",
            f"{report['rasa_rss_mb']} MB",
            f"≤ {t['rasa_rss_mb']} MB",
            verdict(report["rasa_rss_mb"], t["rasa_rss_mb"]),
        ),
        (
            "Action server memory (RSS)",
            f"{report['actions_rss_mb']} MB",
            f"≤ {t['actions_rss_mb']} MB",
            verdict(report["actions_rss_mb"], t["actions_rss_mb"]),
        ),
    ]
    dashboard = report["dashboard"]
    rows += [
        (
            f"Dashboard {label} ({dashboard['requests']:,} requests) p50 / p95",
            f"{dashboard[key]['p50']} / {dashboard[key]['p95']} ms",
            "",
            "",
        )
        for key, label in (
            ("inbox", "inbox"),
            ("inbox_filtered", "inbox, filtered"),
            ("statistics", "statistics"),
        )
    ]
    rows.append(("Dashboard memory (RSS)", f"{dashboard['rss_mb']} MB", "", ""))
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {report['measured_at']}: {report['machine']['cpus']} cores, "
        f"Python {report['machine']['python']}, {report['messages']} messages one at a time.",
        "Raw figures: `docs/benchmarks.json`.",
        "",
        "| What | Measured | Target | Met |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
    ]
    return "\n".join(lines)


def run(count: int, output: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="hulpbot-bench-") as work:
        report = measure(count, Path(work))
    output.mkdir(parents=True, exist_ok=True)
    (output / "benchmarks.json").write_text(json.dumps(report, indent=2) + "\n")
    (output / "benchmarks.md").write_text(markdown(report))
    print(markdown(report))
    return 0
