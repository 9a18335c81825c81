"""Builders shared by tests: each call makes fresh data, nothing is shared between tests."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sanic import Sanic

from bot.servers import free_port
from bot.settings import PROJECT_ROOT, child_env

CONTENT = PROJECT_ROOT / "data" / "content"

# Den Abeel with made-up hours, only for tests: the real catalogue leaves them unknown.
TEST_HOURS = {
    "weekly": {
        "maandag": ["09:00-16:00"],
        "dinsdag": ["09:00-16:00"],
        "woensdag": ["09:00-12:00", "13:30-16:00"],
        "donderdag": ["09:00-16:00"],
        "vrijdag": ["09:00-12:30"],
    },
    "closed_on_public_holidays": True,
    "exceptions": {"2026-12-24": ["09:00-12:00"]},
    "source": "test data",
    "checked": "2026-11-01",
}


def content_copy(target: Path, *, with_hours: bool = False) -> Path:
    """A copy of the real catalogue, optionally with hours for Den Abeel and the contact point."""
    shutil.copytree(CONTENT, target)
    if with_hours:
        edit_location(target / "dienstencentrum.yml", "den_abeel", hours=TEST_HOURS)
        yaml = YAML(typ="rt")
        general = yaml.load((target / "general.yml").read_text(encoding="utf-8"))
        general["contact"]["hours"] = TEST_HOURS
        with (target / "general.yml").open("w", encoding="utf-8") as out:
            yaml.dump(general, out)
    return target


def edit_location(path: Path, location_id: str, **fields: object) -> None:
    yaml = YAML(typ="rt")
    data = yaml.load(path.read_text(encoding="utf-8"))
    location = next(loc for loc in data["locations"] if loc["id"] == location_id)
    location.update(fields)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def run_cli(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`bot ARGS` as staff run it: a separate process with its own environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT_ROOT,
        env=child_env(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def serving(app: Sanic) -> Iterator[str]:
    """Serve `app` on a free local port until the block ends; yields its base URL."""
    # Sanic's test mode, as its own test client sets it: many apps may start in one process.
    Sanic.test_mode = True
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    servers: list[Any] = []
    failures: list[BaseException] = []

    async def start() -> None:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        await server.before_start()
        await server.after_start()
        servers.append(server)

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(start())
        except BaseException as exc:
            failures.append(exc)
            return
        finally:
            started.set()
        loop.run_forever()

    async def stop() -> None:
        server = servers[0]
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()

    thread = threading.Thread(target=run, name="dashboard", daemon=True)
    thread.start()
    started.wait(30)
    if not servers:
        raise RuntimeError("the dashboard did not start") from (failures or [None])[0]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def rasa_data_validate(project: Path) -> list[str]:
    """`rasa data validate --fail-on-warnings` in `project`: the failure output, or Rasa's
    UserWarnings when it passed (empty when all is well)."""
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings"],
        cwd=project,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        return [output]
    return [line for line in output.splitlines() if "UserWarning" in line]
