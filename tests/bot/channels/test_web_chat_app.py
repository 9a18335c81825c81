"""The chat side of the residents' web app over real HTTP: the city's number from the catalogue,
the referral code passed on to Rasa, and the widget refused to sites not on the allow-list."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from ruamel.yaml import YAML

from bot.channels.web.app import WIDGET_REFUSED, create_web_app
from bot.servers import free_port
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from tests.fakes.server import serve_aiohttp
from tests.helpers import content_copy, serving

ALLOWED = "https://www.mechelen.be"
PUBLIC = "https://hulpbot.example"


def settings(tmp_path: Path, rasa_port: int | None = None) -> Settings:
    database = f"sqlite:///{tmp_path / 'hulpbot.db'}"
    engine = make_engine(database)
    migrate(engine)
    engine.dispose()
    defaults = Settings.from_env({})
    content = tmp_path / "content"
    return replace(
        defaults,
        content_dir=content if content.exists() else defaults.content_dir,
        database_url=database,
        rasa_url=f"http://127.0.0.1:{rasa_port or free_port()}",
        web_embed_origins=(ALLOWED,),
        web_public_url=PUBLIC,
    )


def test_the_citys_number_on_the_page_comes_from_the_catalogue(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    yaml = YAML(typ="rt")
    general = yaml.load((content / "general.yml").read_text(encoding="utf-8"))
    general["contact"]["phone"]["text"] = "015 20 30 40"
    with (content / "general.yml").open("w", encoding="utf-8") as out:
        yaml.dump(general, out)
    with serving(create_web_app(settings(tmp_path), name="web_number")) as url:
        page = httpx.get(f"{url}/chat").text
        down = httpx.post(f"{url}/api/bericht", json={"sender": "abcdefgh-2", "message": "hallo"})
    assert "0800" not in page
    assert 'href="tel:+3215203040"' in page and "015 20 30 40" in page
    assert down.json()["messages"][0]["text"].count("015 20 30 40") == 1


def test_a_referral_code_goes_with_the_message_and_a_bad_one_is_dropped(tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    async def rasa(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response([{"recipient_id": "x", "text": "Dag!"}])

    fake = web.Application()
    fake.router.add_post("/webhooks/web/webhook", rasa)
    port = free_port()
    with (
        serve_aiohttp(fake, port),
        serving(create_web_app(settings(tmp_path, port), name="web_via")) as url,
    ):
        for via in ("CAW-Mechelen", "<script>", None):
            reply = httpx.post(
                f"{url}/api/bericht", json={"sender": "abcdefgh-3", "message": "hallo", "via": via}
            )
            assert reply.json() == {"messages": [{"text": "Dag!", "buttons": []}]}
    assert [body.get("referral_code") for body in received] == ["CAW-Mechelen", None, None]
    assert all(set(body) <= {"sender", "message", "referral_code"} for body in received)


def test_the_widget_is_only_served_to_allowed_sites(tmp_path: Path) -> None:
    with serving(create_web_app(settings(tmp_path), name="web_widget")) as url:

        def widget(referer: str | None) -> httpx.Response:
            return httpx.get(f"{url}/widget.js", headers={"Referer": referer} if referer else {})

        allowed = widget(f"{ALLOWED}/nl/hulp")
        assert f'const origin = "{PUBLIC}";' in allowed.text
        assert f'["{PUBLIC}", "{ALLOWED}"]' in allowed.text
        assert "Referer" in allowed.headers["vary"]
        # Without a Referer the script itself compares the page's origin with the same list.
        assert widget(None).text == allowed.text
        assert widget(f"{PUBLIC}/chat").text == allowed.text
        for other in ("https://evil.example/page", "https://www.mechelen.be.evil.example/"):
            refused = widget(other)
            assert refused.status_code == 200 and refused.text == WIDGET_REFUSED
            assert refused.headers["content-type"].startswith("application/javascript")
