"""The residents' web app over real HTTP, without a browser: headers, input checks, Rasa down."""

from __future__ import annotations

from dataclasses import replace

import httpx

from bot.channels.web.app import RASA_DOWN, create_web_app
from bot.servers import free_port
from bot.settings import Settings
from tests.helpers import serving

ALLOWED = "https://www.mechelen.be"


def settings() -> Settings:
    return replace(
        Settings.from_env({}),
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        web_embed_origins=(ALLOWED,),
        web_public_url="https://hulpbot.example",
        telegram_bot_username=None,
        sms_number=None,
    )


def test_headers_input_checks_and_an_honest_answer_when_rasa_is_down() -> None:
    with serving(create_web_app(settings(), name="web_test")) as url:
        chat = httpx.get(f"{url}/chat")
        policy = chat.headers["content-security-policy"]
        assert f"frame-ancestors 'self' {ALLOWED}" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert (
            "frame-ancestors 'none'" in httpx.get(f"{url}/delen").headers["content-security-policy"]
        )
        widget = httpx.get(f"{url}/widget.js").text
        assert 'const origin = "https://hulpbot.example";' in widget
        for body in (
            {},
            {"sender": "x", "message": "hallo"},
            {"sender": "abcdefgh", "message": " "},
        ):
            assert httpx.post(f"{url}/api/bericht", json=body).status_code == 400
        down = httpx.post(f"{url}/api/bericht", json={"sender": "abcdefgh-1", "message": "hallo"})
        assert down.json() == {
            "messages": [{"text": f"{RASA_DOWN} Of bel gratis 0800 20 800.", "buttons": []}]
        }


def test_share_page_without_telegram_or_sms_still_has_the_web_link() -> None:
    with serving(create_web_app(settings(), name="web_share")) as url:
        page = httpx.get(f"{url}/delen?code=<script>").text
    assert "https://hulpbot.example/chat" in page and "t.me" not in page
    assert "<script>" not in page and "Die code kan niet" in page
