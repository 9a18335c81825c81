"""The residents' web app over real HTTP, without a browser: headers, input checks, Rasa down."""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from aiohttp import web

from bot.apology import apology_text
from bot.channels.web.app import Rasa, create_web_app
from bot.servers import free_port
from bot.settings import Settings
from tests.bot.test_plain_language import problems
from tests.fakes.server import serve_aiohttp
from tests.helpers import serving

ALLOWED = "https://www.mechelen.be"
ESCAPED = "over%20hulp%20in%20Mechelen%3F%20Chat%20met%20de%20Hulpbot%3A%20https%3A%2F%2Fhulpbot"
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4"/></svg>'


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


def share_page(url: str, code: str = "") -> str:
    reply = httpx.get(f"{url}/delen", params={"code": code} if code else None)
    assert reply.status_code == 200
    assert "script-src 'self'" in reply.headers["content-security-policy"]
    return reply.text


def qr_contents(page: str) -> set[str]:
    return {html.unescape(link) for link in re.findall(r'data-link="([^"]*)"', page)}


def flyer_html(page: str) -> str:
    found = re.search(r'<article class="flyer"[^>]*>(.*?)</article>', page, flags=re.S)
    assert found is not None
    return found.group(1)


def flyer_text(page: str) -> str:
    """What the flyer says, one block a line (the QR codes left out)."""
    flyer = re.sub(r"<svg.*?</svg>", "", flyer_html(page), flags=re.S)
    flyer = re.sub(r"</?(a|span|strong)\b[^>]*>", "", flyer)
    lines = (" ".join(line.split()) for line in re.sub(r"<[^>]+>", "\n", flyer).splitlines())
    return html.unescape("\n".join(line for line in lines if line))


def every_channel() -> Settings:
    return replace(
        settings(),
        telegram_bot_username="hulpbot_test_bot",
        sms_number="+32460000001",
        org_name="OCMW Testdorp - Sociaal Huis",
    )


def test_share_links_carry_the_code_on_every_channel() -> None:
    with serving(create_web_app(every_channel(), name="web_share_code")) as url:
        page = share_page(url, "CAW-Mechelen")
        plain = share_page(url)
    web = "https://hulpbot.example/chat?via=CAW-Mechelen"
    assert qr_contents(page) == {
        web,
        "https://t.me/hulpbot_test_bot?start=CAW-Mechelen",
        "SMSTO:+32460000001:START CAW-Mechelen",
    }
    # Shown as text to copy, and in the WhatsApp and mail messages.
    assert f'<p class="link-text" id="tekst-1">{web}</p>' in page
    assert "Stuur een sms met START CAW-Mechelen naar 0460 00 00 01." in page
    assert f"https://wa.me/?text=Heb%20je%20een%20vraag%20{ESCAPED}" in page
    assert quote(web, safe="") in page and "mailto:?subject=" in page
    assert '<script src="/static/share.js" defer></script>' in page
    assert qr_contents(plain) == {
        "https://hulpbot.example/chat",
        "https://t.me/hulpbot_test_bot",
        "SMSTO:+32460000001:Hallo",
    }
    assert "Stuur een sms naar 0460 00 00 01." in plain and "START" not in plain


def test_an_invalid_code_gives_the_plain_error_and_plain_links() -> None:
    with serving(create_web_app(every_channel(), name="web_share_invalid")) as url:
        page = share_page(url, "<script>")
    assert "<script>" not in page and "Die code kan niet" in page
    assert qr_contents(page) == {
        "https://hulpbot.example/chat",
        "https://t.me/hulpbot_test_bot",
        "SMSTO:+32460000001:Hallo",
    }


def test_share_page_without_telegram_or_sms_still_has_the_web_link() -> None:
    with serving(create_web_app(settings(), name="web_share")) as url:
        page = share_page(url)
    assert qr_contents(page) == {"https://hulpbot.example/chat"}
    assert "t.me" not in page and "SMSTO" not in page


def test_the_flyer_has_a_sender_plain_words_and_no_promise_of_hours() -> None:
    with serving(create_web_app(every_channel(), name="web_share_flyer")) as url:
        page = share_page(url, "CAW-Mechelen")
    flyer = flyer_text(page)
    assert flyer.startswith("OCMW Testdorp - Sociaal Huis\n")
    assert "Liever praten met iemand? Bel gratis 0800 20 800." in flyer
    assert 'href="tel:+3280020800"' in page
    assert "Bel mij terug" in flyer
    assert re.search(r"\b(uren|open|gesloten)\b", flyer) is None
    assert problems(flyer) == []
    # The warning about a local address is for the screen, never on the flyer.
    assert "Let op" not in flyer and 'class="logo"' not in page


@pytest.mark.parametrize(
    ("public_url", "warned"),
    [
        (Settings.from_env({}).web_public_url, True),
        ("http://127.0.0.1:5090", True),
        ("http://192.168.1.20", True),
        ("https://hulpbot.example", False),
    ],
)
def test_a_local_public_url_is_warned_about(public_url: str, warned: bool) -> None:
    local = replace(settings(), web_public_url=public_url)
    with serving(create_web_app(local, name="web_share_local")) as url:
        page = share_page(url)
    assert ('role="alert"' in page and "HULPBOT_WEB_PUBLIC_URL" in page) is warned
    assert f"{public_url}/chat" in qr_contents(page)


def test_the_logo_is_served_from_the_file_in_the_settings(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO, encoding="utf-8")
    with serving(create_web_app(replace(settings(), org_logo=logo), name="web_logo")) as url:
        logo.unlink()  # read once at start
        served = httpx.get(f"{url}/delen/logo")
        page = share_page(url)
    assert served.status_code == 200 and served.text == LOGO
    assert served.headers["content-type"] == "image/svg+xml"
    assert '<img class="logo" src="/delen/logo" alt="">' in flyer_html(page)


@pytest.mark.parametrize("name", [None, "missing.png", "logo.gif"])
def test_without_a_usable_logo_the_page_still_works(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str | None
) -> None:
    path = None if name is None else tmp_path / name
    if name == "logo.gif":
        (tmp_path / name).write_bytes(b"GIF89a")
    with serving(create_web_app(replace(settings(), org_logo=path), name="web_no_logo")) as url:
        assert httpx.get(f"{url}/delen/logo").status_code == 404
        page = share_page(url)
    assert 'class="logo"' not in page and "Stad Mechelen - Sociaal Huis" in flyer_text(page)
    assert ("HULPBOT_ORG_LOGO" in caplog.text) is (name is not None)
