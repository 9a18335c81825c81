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


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HULPBOT_TELEGRAM_MODE", "push"),
        ("HULPBOT_SMS_PROVIDER", "kpn"),
        ("HULPBOT_TELEGRAM_CHAT_INTERVAL", "snel"),
        ("HULPBOT_SMS_DAILY_CAP", "3.5"),
    ],
)
def test_bad_channel_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_channel_defaults_and_lists() -> None:
    settings = Settings.from_env(
        {
            "HULPBOT_TELEGRAM_MODE": "Polling",
            "HULPBOT_WEB_EMBED_ORIGINS": "https://www.mechelen.be/, https://a.be",
            "HULPBOT_DASHBOARD_SECURE_COOKIES": "ja",
        }
    )
    assert settings.telegram_mode == "polling" and settings.sms_provider == ""
    assert settings.web_embed_origins == ("https://www.mechelen.be", "https://a.be")
    assert settings.dashboard_secure_cookies and settings.telegram_chat_interval == 1.0
    assert settings.web_public_url == "http://localhost:5090"


@pytest.mark.parametrize(
    ("env", "secure"),
    [
        ({}, False),  # http://127.0.0.1:5080, `make run` on a laptop
        ({"HULPBOT_DASHBOARD_PUBLIC_URL": "http://127.0.0.1:5080"}, False),
        ({"HULPBOT_DASHBOARD_PUBLIC_URL": "http://localhost:8080/"}, False),
        ({"HULPBOT_DASHBOARD_PUBLIC_URL": "https://dashboard.hulpbot.mechelen.be"}, True),
        ({"HULPBOT_DASHBOARD_PUBLIC_URL": "https://127.0.0.1:5080"}, True),
        # Plain http anywhere but this machine still gets Secure: better no login than a
        # session cookie sent in the clear.
        ({"HULPBOT_DASHBOARD_PUBLIC_URL": "http://10.1.2.3:5080"}, True),
        (
            {
                "HULPBOT_DASHBOARD_PUBLIC_URL": "https://dashboard.hulpbot.mechelen.be",
                "HULPBOT_DASHBOARD_SECURE_COOKIES": "false",
            },
            False,
        ),
        (
            {
                "HULPBOT_DASHBOARD_PUBLIC_URL": "http://127.0.0.1:5080",
                "HULPBOT_DASHBOARD_SECURE_COOKIES": "true",
            },
            True,
        ),
        ({"HULPBOT_DASHBOARD_SECURE_COOKIES": "ja"}, True),
        ({"HULPBOT_DASHBOARD_SECURE_COOKIES": "nee"}, False),
    ],
)
def test_dashboard_cookies_are_secure_unless_plain_http_on_this_machine(
    env: dict[str, str], secure: bool
) -> None:
    assert Settings.from_env(env).dashboard_secure_cookies is secure
