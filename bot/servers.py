"""Start and stop the Rasa server, the action server and the dashboard as real processes.

The end-to-end tests and `make bench` use the same code, so what is measured is
what is tested.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT, child_env


class ServerError(RuntimeError):
    pass


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path
    # Seconds from launch until the server answered its health check.
    startup_seconds: float

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def write_endpoints(path: Path, action_port: int, tracker_db: Path | None = None) -> Path:
    """Endpoints for a test or benchmark server; conversations in memory or in `tracker_db`.

    The token itself stays in the environment (HULPBOT_INTERNAL_TOKEN), never in the file.
    """
    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "  headers:\n    Authorization: Bearer ${HULPBOT_INTERNAL_TOKEN}\n"
    )
    if tracker_db is not None:
        text += f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker_db}\n"
    path.write_text(text)
    return path


def _wait(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{url} exited with {process.returncode}; see {log}")
        try:
            request = urllib.request.Request(url, headers=dict(headers or {}))
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise ServerError(f"{url} did not answer within {timeout:.0f} s; see {log}")


@contextmanager
def running(
    args: list[str],
    health_url: str,
    base_url: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
    module: str = "bot.launch",
    health_headers: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=PROJECT_ROOT,
            env=child_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(health_url, process, log, timeout, health_headers)
            yield Server(process, base_url, log, time.monotonic() - started)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def bearer(env: Mapping[str, str] | None) -> dict[str, str]:
    """The header our processes show each other, from the settings in `env`."""
    token = (env or {}).get("HULPBOT_INTERNAL_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


def action_server(
    port: int, log: Path, env: Mapping[str, str] | None = None, *, debug: bool = False
) -> AbstractContextManager[Server]:
    """`bot actions`: rasa-sdk's server, answering only callers with the internal token."""
    return _bot_command(
        "action", "/health", port, log, env or {}, ["actions", *(["--debug"] if debug else [])]
    )


def rasa_run_args(model: Path, port: int, endpoints: Path, credentials: Path) -> list[str]:
    """`rasa run` with `model` on 127.0.0.1:`port`, for our server and the bench's reference."""
    return [
        "run",
        "--model",
        str(model),
        "--port",
        str(port),
        "-i",
        "127.0.0.1",
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(credentials),
    ]


@contextmanager
def rasa_server(
    model: Path,
    port: int,
    endpoints: Path,
    log: Path,
    env: Mapping[str, str] | None = None,
    *,
    debug: bool = False,
) -> Iterator[Server]:
    """Rasa with its HTTP API on (tests and benchmarks parse over it), behind the token."""
    if not model.exists():
        raise ServerError(f"No trained model at {model}: run `make train` first")
    url = f"http://127.0.0.1:{port}"
    args = [
        *rasa_run_args(model, port, endpoints, PROJECT_ROOT / "credentials.yml"),
        "--enable-api",
        *(["--debug"] if debug else []),
    ]
    with running(args, f"{url}/status", url, log, env, health_headers=bearer(env)) as server:
        yield server


@contextmanager
def _bot_command(
    name: str,
    health: str,
    port: int,
    log: Path,
    env: Mapping[str, str],
    args: list[str] | None = None,
) -> Iterator[Server]:
    """`bot <name>` listening on `port` of this machine (HULPBOT_<NAME>_HOST/_PORT)."""
    url = f"http://127.0.0.1:{port}"
    prefix = f"HULPBOT_{name.upper()}"
    settings = {**env, f"{prefix}_HOST": "127.0.0.1", f"{prefix}_PORT": str(port)}
    command = args or [name]
    with running(command, f"{url}{health}", url, log, settings, module="bot.cli") as server:
        yield server


def dashboard_server(
    port: int, log: Path, env: Mapping[str, str]
) -> AbstractContextManager[Server]:
    """The staff dashboard (`bot dashboard`) on `port`, with the database settings in `env`."""
    return _bot_command("dashboard", "/gezond", port, log, env)


def web_server(port: int, log: Path, env: Mapping[str, str]) -> AbstractContextManager[Server]:
    """The residents' web chat (`bot web`) on `port`; `env` names the Rasa server."""
    return _bot_command("web", "/chat", port, log, env)
