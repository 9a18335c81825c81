"""`rasa data validate` must pass with no warnings."""

from __future__ import annotations

from bot.settings import PROJECT_ROOT
from tests.helpers import rasa_data_validate


def test_rasa_data_validate_has_no_warnings() -> None:
    problems = rasa_data_validate(PROJECT_ROOT)
    assert not problems, "\n".join(problems)
