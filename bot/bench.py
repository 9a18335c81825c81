"""`make bench`: the numbers behind the performance targets, measured on this machine.

Training runs from an empty cache so it counts the full work. Latency is for a
single user: one request at a time, a new conversation every ten messages, with
conversations stored in a SQLite tracker store as `make run` does. The dashboard
is measured as a staff member uses it, logged in, over a year's worth of requests.

Under load (bot/bench_load.py), 1, 10, 20 and 50 conversations of 10 messages run at once,
each waiting for its answer, and one conversation runs for 300 messages. That load goes to
three servers in turn, each alone on the machine: ours with the SQLite tracker store (as
`make run`; the targets are judged on it), ours with conversations in memory (as issue 15's
first figure was measured), and a reference bot: what plain Rasa does with our NLU data
(Rasa's default pipeline and policies, one response per intent, no custom actions, its REST
channel, conversations in memory). Ours / reference throughput shows what our own parts cost.

`bot bench --quick` is for iterating on the hot path: it measures models/hulpbot.tar.gz
without training, and trains the reference bot only when build/bench-reference/ holds no
model of the same generated project (training times are then missing or not from an empty
cache). It writes to build/bench-quick/ unless `--output` says otherwise, so docs/ keeps the
last full run. `--levels 1 10` runs fewer levels.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import importlib.util
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from itertools import cycle, islice
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.representer import BaseRepresenter

from bot.bench_load import (
    Target,
    closed_loop,
    mixed,
    process_cpu_seconds,
    quantiles,
    scripts,
    slowdown,
    summarise,
)
from bot.dashboard.auth import Passwords
from bot.servers import (
    Server,
    action_server,
    bearer,
    dashboard_server,
    free_port,
    rasa_run_args,
    rasa_server,
    running,
    write_endpoints,
)
from bot.settings import PROJECT_ROOT, child_env
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback
from bot.store.staff import Role, StaffRepository

MESSAGES_FILE = PROJECT_ROOT / "tests" / "e2e" / "heldout.yml"
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
TARGETS = {
    "training_seconds": 240,
    "rest_p95_ms": 100,
    "rasa_rss_mb": 1200,
    "actions_rss_mb": 200,
    # At TARGET_LEVEL conversations at once, ours with the SQLite tracker store.
    "load_throughput": 50,
    "load_p95_ms": 500,
    "reference_ratio": 1.0,
    # Median of a 300-message conversation's last 20 replies against its first 20.
    "long_conversation_ratio": 1.5,
}
LEVELS = (1, 10, 20, 50)
TARGET_LEVEL = 20
MESSAGES_PER_CONVERSATION = 10
LONG_CONVERSATION = 300
QUICK_MODEL = PROJECT_ROOT / "models" / "hulpbot.tar.gz"
QUICK_REFERENCE_DIR = PROJECT_ROOT / "build" / "bench-reference"
QUICK_OUTPUT = PROJECT_ROOT / "build" / "bench-quick"


def progress(text: str) -> None:
    """A line on stderr, so whoever runs the bench for ten minutes sees where it is."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


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
    return quantiles(samples)


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


def _train(project: Path, out: Path, name: str, cache: Path) -> float:
    """`rasa train` of the project in `project` into `out`/`name`.tar.gz; the seconds it took."""
    progress(f"training {name} (log: {out / f'{name}-train.log'})")
    started = time.monotonic()
    with (out / f"{name}-train.log").open("wb") as log:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "rasa",
                "train",
                "--force",
                "--fixed-model-name",
                name,
                "--out",
                str(out),
            ],
            cwd=project,
            env=child_env({"RASA_CACHE_DIRECTORY": str(cache)}),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    seconds = time.monotonic() - started
    progress(f"trained {name} in {seconds:.0f} s")
    return seconds


# The components of Rasa's default configuration that take a random seed.
SEEDED = frozenset({"DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy"})
REFERENCE_SEED = 2026
# What Rasa's NLU format holds besides examples; plain Rasa understands all of these, so only
# anything else (which would need our components) is left out of the reference bot's copy.
NLU_KINDS = ("intent", "synonym", "regex", "lookup")
ENTITY = re.compile(r'\]\{"entity":\s*"([^"]+)"|\]\(([^):]+)')
# The FallbackClassifier of the default pipeline sets this intent; it gets a reply like any other.
FALLBACK_INTENT = "nlu_fallback"


def rasa_default_config() -> dict[str, Any]:
    """The pipeline and policies Rasa 3.6 trains with when config.yml leaves them out, as the
    config.yml of `rasa init` does, read from the installed Rasa so the bench follows it."""
    spec = importlib.util.find_spec("rasa")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).parent / "engine" / "recipes" / "config_files" / "default_config.yml"
    config: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return config


def reference_config() -> dict[str, Any]:
    """Rasa's default, in Dutch, with a fixed seed so two runs train the same bot."""
    config = rasa_default_config()
    config.update(language="nl", assistant_id="hulpbot-bench-reference")
    for component in (*config["pipeline"], *config["policies"]):
        if component["name"] in SEEDED:
            component["random_seed"] = REFERENCE_SEED
    return config


def _block_strings(dumper: BaseRepresenter, value: Any) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _BlockDumper(yaml.SafeDumper):
    """Examples stay the readable `|` blocks of the originals."""

    yaml_representers: ClassVar[dict[Any, Callable[[BaseRepresenter, Any], yaml.Node]]] = {
        **yaml.SafeDumper.yaml_representers,
        str: _block_strings,
    }


def _write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def write_reference_project(target: Path) -> Path:
    """The reference bot's Rasa project in `target`: our NLU data (data/nlu), a domain with
    every intent and one `utter_<intent>` response each, a rule per intent, Rasa's REST
    channel, conversations in memory and no action server."""
    intents: list[str] = []
    entities: set[str] = set()
    for source in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        items = [item for item in data.get("nlu") or [] if any(k in item for k in NLU_KINDS)]
        for item in items:
            if "intent" in item and item["intent"] not in intents:
                intents.append(item["intent"])
            for match in ENTITY.finditer(str(item.get("examples", ""))):
                entities.add(match.group(1) or match.group(2))
        _write_yaml(target / "data" / "nlu" / source.name, {"version": "3.1", "nlu": items})
    answered = [*intents, FALLBACK_INTENT]
    _write_yaml(target / "config.yml", reference_config())
    _write_yaml(
        target / "domain.yml",
        {
            "version": "3.1",
            "intents": intents,
            "entities": sorted(entities),
            "responses": {f"utter_{name}": [{"text": f"Antwoord op {name}."}] for name in answered},
        },
    )
    _write_yaml(
        target / "data" / "rules.yml",
        {
            "version": "3.1",
            "rules": [
                {"rule": name, "steps": [{"intent": name}, {"action": f"utter_{name}"}]}
                for name in answered
            ],
        },
    )
    _write_yaml(target / "credentials.yml", {"rest": None})
    # No tracker_store and no action_endpoint: conversations in memory, no action server.
    (target / "endpoints.yml").write_text("# Conversations in memory, no action server.\n")
    return target


def _fingerprint(project: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _reference_model(project: Path, work: Path, quick: bool) -> tuple[Path, float | None]:
    """The trained reference bot, and the training seconds (None when a cached one is used)."""
    if not quick:
        return work / "reference.tar.gz", _train(project, work, "reference", work / "ref-cache")
    name = f"reference-{_fingerprint(project)}"
    model = QUICK_REFERENCE_DIR / f"{name}.tar.gz"
    if model.exists():
        progress(f"reusing the reference model {model}")
        return model, None
    QUICK_REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    return model, _train(project, QUICK_REFERENCE_DIR, name, QUICK_REFERENCE_DIR / "cache")


@contextmanager
def _reference_server(model: Path, project: Path, log: Path) -> Iterator[Server]:
    """Plain `rasa run`: no launcher, no patches, no token, no HTTP API."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = rasa_run_args(model, port, project / "endpoints.yml", project / "credentials.yml")
    with running(args, f"{url}/webhooks/rest/", url, log, module="rasa") as server:
        yield server


@dataclass(frozen=True)
class _Bot:
    """One server under load, with the processes whose CPU time a message costs."""

    label: str
    target: Target
    processes: Mapping[str, Server]


def _load_level(bot: _Bot, script: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    before = {name: process_cpu_seconds(s.process.pid) for name, s in bot.processes.items()}
    figures = asdict(summarise(*closed_loop(bot.target, script)))
    for name, server in bot.processes.items():
        used = process_cpu_seconds(server.process.pid) - before[name]
        figures[f"{name}_cpu_ms_per_message"] = round(used * 1000 / figures["messages"], 1)
    return figures


def _under_load(bot: _Bot, texts: Sequence[str], levels: Sequence[int]) -> dict[str, Any]:
    """Every level of conversations at once, new ones per level, then one long conversation."""
    measured = []
    for level in levels:
        progress(f"{bot.label}: {level} conversation(s) at once")
        script = scripts(texts, f"bench-c{level:02d}", level, MESSAGES_PER_CONVERSATION)
        measured.append(_load_level(bot, script))
    progress(f"{bot.label}: one conversation of {LONG_CONVERSATION} messages")
    long_script = {"bench-long-001": list(islice(cycle(texts), LONG_CONVERSATION))}
    [replies], _ = closed_loop(bot.target, long_script)
    long: dict[str, Any] = slowdown([reply.ms for reply in replies])
    long["errors"] = sum(not reply.ok for reply in replies)
    return {
        "label": bot.label,
        "levels": measured,
        "long_conversation": long,
        "rss_mb_after": {name: round(s.rss_mb()) for name, s in bot.processes.items()},
    }


def _ours(
    model: Path, work: Path, texts: list[str], load_texts: list[str], levels: Sequence[int]
) -> dict[str, Any]:
    """Our servers: one message at a time, then under load with each tracker store."""
    action_port = free_port()
    env = {
        "HULPBOT_DATABASE_URL": f"sqlite:///{work / 'hulpbot.db'}",
        "HULPBOT_INTERNAL_TOKEN": secrets.token_urlsafe(32),
        "HULPBOT_SENDER_KEY": secrets.token_urlsafe(32),
    }
    stores = {
        # Conversations in a SQLite tracker store, as with `make run`.
        "ours_sqlite": (
            "Ours, SQLite tracker store",
            write_endpoints(work / "endpoints.yml", action_port, work / "tracker.db"),
        ),
        "ours_memory": (
            "Ours, in-memory tracker store",
            write_endpoints(work / "endpoints-memory.yml", action_port),
        ),
    }
    measured: dict[str, Any] = {"suites": {}}
    progress("starting the action server")
    with action_server(action_port, work / "actions.log", env) as actions:
        measured["actions_startup_seconds"] = round(actions.startup_seconds, 1)
        for key, (label, endpoints) in stores.items():
            progress(f"starting our Rasa server: {label}")
            log = work / f"rasa-{key}.log"
            with rasa_server(model, free_port(), endpoints, log, env) as rasa:
                if key == "ours_sqlite":
                    measured.update(_one_at_a_time(rasa, actions, texts, env))
                web = Target(f"{rasa.url}/webhooks/web/webhook", bearer(env))
                bot = _Bot(label, web, {"rasa": rasa, "actions": actions})
                measured["suites"][key] = _under_load(bot, load_texts, levels)
    return measured


def _one_at_a_time(
    rasa: Server, actions: Server, texts: list[str], env: dict[str, str]
) -> dict[str, Any]:
    """The single-user figures, and memory right after them."""
    progress(f"one message at a time: {len(texts)} to /model/parse and to the web channel")
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
        "rasa_startup_seconds": round(rasa.startup_seconds, 1),
        "parse_ms": parse,
        "rest_ms": rest,
        "rasa_rss_mb": round(rasa.rss_mb()),
        "actions_rss_mb": round(actions.rss_mb()),
    }


def _reference(
    project: Path, work: Path, quick: bool, load_texts: list[str], levels: Sequence[int]
) -> dict[str, Any]:
    model, training = _reference_model(project, work, quick)
    progress("starting the reference bot")
    with _reference_server(model, project, work / "reference.log") as rasa:
        rest_channel = Target(f"{rasa.url}/webhooks/rest/webhook", {})
        suite = _under_load(
            _Bot("Reference, plain Rasa", rest_channel, {"rasa": rasa}), load_texts, levels
        )
        return {
            "training_seconds": None if training is None else round(training, 1),
            "startup_seconds": round(rasa.startup_seconds, 1),
            "suite": suite,
        }


def _add_ratios(suites: dict[str, dict[str, Any]]) -> None:
    """Ours / reference throughput, level by level, into each of our suites."""
    reference = {level["conversations"]: level for level in suites["reference"]["levels"]}
    for key in ("ours_sqlite", "ours_memory"):
        for level in suites[key]["levels"]:
            base = reference[level["conversations"]]["throughput"]
            level["reference_ratio"] = round(level["throughput"] / base, 2) if base else None


def measure(
    count: int, work: Path, quick: bool = False, levels: Sequence[int] = LEVELS
) -> dict[str, Any]:
    heldout: dict[str, list[str]] = yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))
    texts = list(islice(cycle(text for group in heldout.values() for text in group), count))
    load_texts = mixed(heldout.values())
    if quick:
        model, training = QUICK_MODEL, None
        progress(f"--quick: measuring {model} as it is, without training")
    else:
        model = work / "bench.tar.gz"
        training = round(_train(PROJECT_ROOT, work, "bench", work / "cache"), 1)
    project = write_reference_project(work / "reference")
    reference = _reference(project, work, quick, load_texts, levels)
    ours = _ours(model, work, texts, load_texts, levels)
    suites = {**ours.pop("suites"), "reference": reference["suite"]}
    _add_ratios(suites)
    progress("the dashboard")
    return {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "quick": quick,
        "messages": count,
        "training_seconds": training,
        "reference_training_seconds": reference["training_seconds"],
        "reference_startup_seconds": reference["startup_seconds"],
        **ours,
        "load": {
            "messages_per_conversation": MESSAGES_PER_CONVERSATION,
            "target_level": TARGET_LEVEL,
            "suites": suites,
        },
        "dashboard": _dashboard(work, min(count, 200)),
        "targets": TARGETS,
    }


def _shown(value: float | None, unit: str) -> str:
    return "not measured" if value is None else f"{value}{unit}"


def _met(value: float | None, target: float, *, at_least: bool = False) -> str:
    if value is None:
        return "not measured"
    return "yes" if (value >= target if at_least else value <= target) else "**no**"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
        *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows),
    ]


def _summary_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    t = report["targets"]
    level = report["load"]["target_level"]
    ours = report["load"]["suites"]["ours_sqlite"]
    at: dict[str, Any] = next((x for x in ours["levels"] if x["conversations"] == level), {})
    long = ours["long_conversation"]
    training = report["training_seconds"]
    return [
        (
            "Training (empty cache)",
            _shown(training, " s"),
            f"≤ {t['training_seconds']} s",
            _met(training, t["training_seconds"]),
        ),
        ("Reference bot training", _shown(report["reference_training_seconds"], " s"), "", ""),
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
            _met(report["rest_ms"]["p95"], t["rest_p95_ms"]),
        ),
        (
            f"{level} conversations at once: throughput",
            _shown(at.get("throughput"), " msg/s"),
            f"≥ {t['load_throughput']} msg/s",
            _met(at.get("throughput"), t["load_throughput"], at_least=True),
        ),
        (
            f"{level} conversations at once: p95",
            _shown(at.get("p95_ms"), " ms"),
            f"≤ {t['load_p95_ms']} ms",
            _met(at.get("p95_ms"), t["load_p95_ms"]),
        ),
        (
            f"{level} conversations at once: ours / reference throughput",
            _shown(at.get("reference_ratio"), ""),
            f"≥ {t['reference_ratio']}",
            _met(at.get("reference_ratio"), t["reference_ratio"], at_least=True),
        ),
        (
            f"One conversation of {long['messages']} messages: p50 of the last "
            f"{long['window']} / the first {long['window']} replies",
            f"{long['last_p50_ms']} / {long['first_p50_ms']} ms = {long['ratio']}×",
            f"≤ {t['long_conversation_ratio']}×",
            _met(long["ratio"], t["long_conversation_ratio"]),
        ),
        (
            "Rasa server memory (RSS)",
            f"{report['rasa_rss_mb']} MB",
            f"≤ {t['rasa_rss_mb']} MB",
            _met(report["rasa_rss_mb"], t["rasa_rss_mb"]),
        ),
        (
            "Action server memory (RSS)",
            f"{report['actions_rss_mb']} MB",
            f"≤ {t['actions_rss_mb']} MB",
            _met(report["actions_rss_mb"], t["actions_rss_mb"]),
        ),
    ]


def _dashboard_rows(dashboard: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = [
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
    return rows


def _load_rows(suites: dict[str, dict[str, Any]]) -> list[list[object]]:
    """Per level, ours and the reference one under the other."""
    levels = [x["conversations"] for x in suites["reference"]["levels"]]
    rows: list[list[object]] = []
    for level in levels:
        for suite in suites.values():
            x = next(f for f in suite["levels"] if f["conversations"] == level)
            cpu = [
                str(x[k])
                for k in ("rasa_cpu_ms_per_message", "actions_cpu_ms_per_message")
                if k in x
            ]
            errors = f"{x['errors']}" + (f" ({x['empty']} empty)" if x["empty"] else "")
            rows.append(
                [
                    level,
                    suite["label"],
                    x["messages"],
                    f"{x['wall_seconds']} s",
                    f"{x['throughput']} msg/s",
                    f"{x['p50_ms']} / {x['p95_ms']} / {x['max_ms']} ms",
                    errors,
                    " + ".join(cpu) + " ms",
                    x.get("reference_ratio", ""),
                ]
            )
    return rows


def markdown(report: dict[str, Any]) -> str:
    load = report["load"]
    suites: dict[str, dict[str, Any]] = load["suites"]
    run = "a quick run (`--quick`, model not trained by the bench)" if report["quick"] else ""
    longs = [
        [
            s["label"],
            f"{s['long_conversation']['first_p50_ms']} ms",
            f"{s['long_conversation']['last_p50_ms']} ms",
            f"{s['long_conversation']['ratio']}×",
            s["long_conversation"]["errors"],
        ]
        for s in suites.values()
    ]
    window = suites["reference"]["long_conversation"]["window"]
    memory = "; ".join(
        f"{s['label']}: " + ", ".join(f"{name} {mb} MB" for name, mb in s["rss_mb_after"].items())
        for s in suites.values()
    )
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {report['measured_at']}: {report['machine']['cpus']} cores, "
        f"Python {report['machine']['python']}, {report['messages']} messages one at a time"
        + (f"; {run}." if run else "."),
        "Raw figures: `benchmarks.json` next to this file. Targets under load are judged on "
        "our server with the SQLite tracker store, as `make run` starts it.",
        "",
        *_table(
            ["What", "Measured", "Target", "Met"],
            [*_summary_rows(report), *_dashboard_rows(report["dashboard"])],
        ),
        "",
        "## Under load",
        "",
        f"Conversations at once, {load['messages_per_conversation']} messages each, every one "
        "waiting for its answer (held-out messages, a mix of every intent). Each server runs "
        "alone. Reference: Rasa's default pipeline and policies trained on our NLU data, one "
        "response per intent, no custom actions, Rasa's REST channel, conversations in memory. "
        "Errors: not answered with 200, or the apology. CPU: of the Rasa process "
        "(+ the action server).",
        "",
        *_table(
            [
                "At once",
                "Server",
                "Messages",
                "Wall",
                "Throughput",
                "p50 / p95 / max",
                "Errors",
                "CPU per message",
                "Ours / reference",
            ],
            _load_rows(suites),
        ),
        "",
        *_table(
            [
                "One long conversation",
                f"First {window} p50",
                f"Last {window} p50",
                "Ratio",
                "Errors",
            ],
            longs,
        ),
        "",
        f"Memory (RSS) after the load: {memory}.",
        "",
    ]
    return "\n".join(lines)


# Written by hand from a profile (see the README), so a new `make bench` keeps it.
BY_HAND = "## Where the time goes"


def kept_by_hand(page: str) -> str:
    """The part of the old page from BY_HAND on, to go under the new figures."""
    start = page.find(BY_HAND)
    return "" if start < 0 else "\n" + page[start:]


def run(
    count: int,
    output: Path | None,
    *,
    quick: bool = False,
    levels: Sequence[int] | None = None,
) -> int:
    with tempfile.TemporaryDirectory(prefix="hulpbot-bench-") as work:
        report = measure(count, Path(work), quick, levels or LEVELS)
    output = output or (QUICK_OUTPUT if quick else PROJECT_ROOT / "docs")
    output.mkdir(parents=True, exist_ok=True)
    (output / "benchmarks.json").write_text(json.dumps(report, indent=2) + "\n")
    page = output / "benchmarks.md"
    text = markdown(report) + kept_by_hand(page.read_text() if page.exists() else "")
    page.write_text(text)
    print(text)
    progress(f"written {output / 'benchmarks.md'} and benchmarks.json")
    return 0
