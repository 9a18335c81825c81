"""`rasa data validate` must pass with no warnings."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT, child_env


def test_rasa_data_validate_has_no_warnings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings"],
        cwd=PROJECT_ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    rasa_warnings = [line for line in output.splitlines() if "UserWarning" in line]
    assert not rasa_warnings, "\n".join(rasa_warnings)
