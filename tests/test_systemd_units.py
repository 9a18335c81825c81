"""deploy/systemd: every process of the Procfile has a unit that systemd restarts on its own,
as an unprivileged user, with the settings file and the hardening of the shared drop-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

UNITS = PROJECT_ROOT / "deploy" / "systemd"


def procfile() -> dict[str, str]:
    """Process name to command, as honcho runs them in development."""
    lines = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return {
        name.strip(): command.strip()
        for name, _, command in (line.partition(":") for line in lines)
        if command.strip()
    }


def procfile_processes() -> set[str]:
    return set(procfile())


def read_unit(*files: Path) -> dict[str, str]:
    """The effective `Section.Key` values: later files (drop-ins) override earlier ones."""
    values: dict[str, str] = {}
    for path in files:
        section = ""
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            key, _, value = line.partition("=")
            values[f"{section}.{key.strip()}"] = value.strip()
    return values


def effective(process: str) -> dict[str, str]:
    unit = UNITS / f"hulpbot-{process}.service"
    assert unit.exists(), f"no systemd unit for the Procfile's {process!r}"
    return read_unit(unit, *sorted((UNITS / "hulpbot-.service.d").glob("*.conf")))


def test_every_process_has_a_unit_and_nothing_else_does() -> None:
    units = {
        p.name.removeprefix("hulpbot-").removesuffix(".service") for p in UNITS.glob("*.service")
    }
    assert units == procfile_processes()


@pytest.mark.parametrize("process", sorted(procfile_processes()))
def test_each_unit_restarts_and_is_confined(process: str) -> None:
    unit = effective(process)
    assert unit["Service.Restart"] in {"always", "on-failure"}
    assert unit["Service.RestartSec"]
    assert unit["Service.User"] not in {"", "root", "0"}
    assert unit["Service.EnvironmentFile"].startswith("/etc/")
    assert unit["Service.NoNewPrivileges"] == "yes"
    assert unit["Service.ProtectSystem"] == "strict"
    assert unit["Service.PrivateTmp"] == "yes"
    assert unit["Service.ReadWritePaths"] == f"{unit['Service.WorkingDirectory']}/var"
    assert unit["Service.CapabilityBoundingSet"] == ""
    assert unit["Install.WantedBy"] == "hulpbot.target"
    assert unit["Unit.PartOf"] == "hulpbot.target"
    command = unit["Service.ExecStart"]
    assert command.startswith(f"{unit['Service.WorkingDirectory']}/.venv/bin/python -m bot.")
    # Nothing listens beyond this machine unless the settings say so; no secret on a command line.
    assert "0.0.0.0" not in command
    assert "--auth-token" not in command and "--jwt-secret" not in command


@pytest.mark.parametrize("process", sorted(procfile_processes()))
def test_units_run_what_the_procfile_runs(process: str) -> None:
    unit = effective(process)
    development = procfile()[process]
    assert unit["Service.ExecStart"] == f"{unit['Service.WorkingDirectory']}/{development}"


def test_rasa_runs_without_its_http_api() -> None:
    command = effective("rasa")["Service.ExecStart"]
    assert "--enable-api" not in command and "--cors" not in command
    assert "--model models/hulpbot.tar.gz" in command
