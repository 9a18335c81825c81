"""Builders shared by tests: each call makes fresh data, nothing is shared between tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

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
