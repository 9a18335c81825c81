"""`bot nginx-config`: the production site from the settings, or a clear refusal.

nginx itself runs this configuration in tests/e2e/test_proxy.py.
"""

from __future__ import annotations

import io

import pytest

from bot.deploy import (
    DeployError,
    ProxyConfig,
    Site,
    Upstreams,
    print_nginx_config,
    production_config,
    render_nginx,
)
from bot.settings import Settings

PUBLIC = {
    "HULPBOT_WEB_PUBLIC_URL": "https://hulpbot.mechelen.be",
    "HULPBOT_DASHBOARD_PUBLIC_URL": "https://personeel.hulpbot.mechelen.be/",
}


def test_the_production_site_comes_from_the_settings() -> None:
    settings = Settings.from_env(
        {
            **PUBLIC,
            "HULPBOT_RASA_PORT": "6005",
            "HULPBOT_WEB_HOST": "0.0.0.0",
            "HULPBOT_WEB_PORT": "6090",
        }
    )
    site = render_nginx(production_config(settings))
    assert "server_name hulpbot.mechelen.be;" in site
    assert "server_name personeel.hulpbot.mechelen.be;" in site
    assert "ssl_certificate /etc/letsencrypt/live/hulpbot.mechelen.be/fullchain.pem;" in site
    assert (
        "ssl_certificate_key /etc/letsencrypt/live/personeel.hulpbot.mechelen.be/privkey.pem;"
        in site
    )
    assert "server 127.0.0.1:6005;" in site
    assert "server 127.0.0.1:6090;" in site  # a wildcard address is reached on this machine
    assert "server 127.0.0.1:5080;" in site
    assert "listen 443 ssl http2;" in site and "listen [::]:80;" in site
    assert "5055" not in site  # the action server is never behind the proxy


def test_print_writes_the_site() -> None:
    out = io.StringIO()
    assert print_nginx_config(Settings.from_env(PUBLIC), out) == 0
    assert out.getvalue().startswith("# Hulpbot Mechelen behind nginx.")


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({}, "HULPBOT_WEB_PUBLIC_URL"),
        ({**PUBLIC, "HULPBOT_WEB_PUBLIC_URL": "http://hulpbot.mechelen.be"}, "https"),
        ({**PUBLIC, "HULPBOT_DASHBOARD_PUBLIC_URL": "https://10.0.0.5"}, "DASHBOARD"),
        ({**PUBLIC, "HULPBOT_WEB_PUBLIC_URL": "https://hulpbot.mechelen.be/chat"}, "path"),
        ({**PUBLIC, "HULPBOT_WEB_PUBLIC_URL": "https://hulpbot.mechelen.be:8443"}, "port 443"),
        (
            {**PUBLIC, "HULPBOT_WEB_PUBLIC_URL": "https://personeel.hulpbot.mechelen.be"},
            "different",
        ),
    ],
)
def test_refused_without_two_public_https_hosts(
    env: dict[str, str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(DeployError, match=says):
        production_config(Settings.from_env(env))
    out = io.StringIO()
    assert print_nginx_config(Settings.from_env(env), out) == 1
    assert out.getvalue() == ""
    assert "No nginx configuration" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("residents", "rasa", "listen"),
    [
        ("hulpbot.be;include /etc/shadow", "127.0.0.1:5005", "443"),
        ("hulpbot.be", "127.0.0.1:5005; }", "443"),
        ("hulpbot.be", "127.0.0.1:5005", "443 $x"),
    ],
)
def test_nothing_can_smuggle_directives_in(residents: str, rasa: str, listen: str) -> None:
    with pytest.raises(DeployError):
        ProxyConfig(
            residents=Site(residents),
            dashboard=Site("personeel.hulpbot.be"),
            upstreams=Upstreams(rasa, "127.0.0.1:5090", "127.0.0.1:5080"),
            listen=(listen,),
        )
