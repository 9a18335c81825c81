"""The residents' web app over real HTTP, without a browser: headers, input checks, Rasa down."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from aiohttp import web

from bot.apology import apology_text
from bot.channels.web.app import Rasa, create_web_app
from bot.servers import free_port
from bot.settings import Settings
from tests.fakes.server import serve_aiohttp
from tests.helpers import serving

ALLOWED = "https://www.mechelen.be"


def settings() -> Settings:
    return replace(
        Settings.from_env({}),
        rasa_url=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        database_url="sqlite://",  # no content tables: the page reads the files
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
        assert down.json() == {"messages": [{"text": apology_text("0800 20 800"), "buttons": []}]}
        assert apology_text("0800 20 800").count("0800 20 800") == 1


async def slow(request: web.Request) -> web.Response:
    await asyncio.sleep(2)
    return web.json_response([{"text": "te laat"}])


async def broken(request: web.Request) -> web.Response:
    return web.Response(status=500, text="<html>error</html>")


async def not_json(request: web.Request) -> web.Response:
    return web.Response(text="hallo")


@pytest.mark.parametrize("handler", [slow, broken, not_json])
def test_a_slow_or_failing_rasa_is_no_answer_never_an_error(handler: web.RequestHandler) -> None:
    """asyncio.TimeoutError is not the builtin TimeoutError on Python 3.10: it must be caught."""
    app = web.Application()
    app.router.add_post("/webhooks/web/webhook", handler)
    port = free_port()
    with serve_aiohttp(app, port):

        async def ask() -> list[dict[str, object]]:
            rasa = Rasa(f"http://127.0.0.1:{port}", "token", timeout=0.5)
            try:
                return await rasa.ask("abcdefgh-1", "hallo")
            finally:
                await rasa.close()

        assert asyncio.run(ask()) == []


def test_share_page_without_telegram_or_sms_still_has_the_web_link() -> None:
    with serving(create_web_app(settings(), name="web_share")) as url:
        page = httpx.get(f"{url}/delen?code=<script>").text
    assert "https://hulpbot.example/chat" in page and "t.me" not in page
    assert "<script>" not in page and "Die code kan niet" in page
