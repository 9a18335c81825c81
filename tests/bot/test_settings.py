from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.content_dir.name == "content"
    assert settings.staleness_days == 180
    assert settings.clock is None
    assert settings.now().tzinfo is not None


def test_fixed_clock_is_in_the_city_time_zone() -> None:
    settings = Settings.from_env({"HULPBOT_CLOCK": "2026-11-24T10:00", "HULPBOT_CONTENT_DIR": "x"})
    assert settings.now() == datetime.fromisoformat("2026-11-24T10:00+01:00")
    assert settings.content_dir == Path("x")


def test_bad_number_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="HULPBOT_STALENESS_DAYS"):
        Settings.from_env({"HULPBOT_STALENESS_DAYS": "veel"})
