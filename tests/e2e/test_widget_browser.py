"""The widget on a site that is not on the allow-list, in real Chromium: no button, no frame,
one console line for the site's developers — whether or not the browser sends a Referer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web
from playwright.sync_api import Browser

from bot.channels.web.app import WIDGET_REFUSED
from bot.servers import Server, free_port
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.web import shot
from tests.fakes.server import serve_aiohttp

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def other_site(site: Server) -> Iterator[str]:
    """A site that is not allowed to embed the chat; /geen-referer sends no Referer."""

    def page(referrer: str) -> web.RequestHandler:
        async def handler(request: web.Request) -> web.Response:
            html = (
                "<!doctype html><html lang='nl'><head><title>Een andere site</title>"
                f"<meta name='referrer' content='{referrer}'></head><body>"
                "<main><h1>Een andere site</h1></main>"
                f"<script src='{site.url}/widget.js' defer></script></body></html>"
            )
            return web.Response(text=html, content_type="text/html")

        return handler

    app = web.Application()
    app.router.add_get("/", page("strict-origin-when-cross-origin"))
    app.router.add_get("/geen-referer", page("no-referrer"))
    port = free_port()
    with serve_aiohttp(app, port):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("path", ["/", "/geen-referer"])
def test_the_widget_does_nothing_on_a_site_not_allowed(
    browser: Browser, other_site: str, path: str
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="nl-BE")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    with page.expect_response(lambda r: r.url.endswith("/widget.js")) as served:
        page.goto(other_site + path)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    # With a Referer the server refuses; without one the script's own check does.
    assert (served.value.text() == WIDGET_REFUSED) == (path == "/")
    assert page.locator("button, iframe").count() == 0
    assert [line for line in console if "Hulpbot" in line] == [
        "Hulpbot: deze website mag de chat niet tonen. "
        "Vraag de stad om haar toe te voegen aan HULPBOT_WEB_EMBED_ORIGINS."
    ]
    assert serious_accessibility_problems(page) == []
    shot(page, f"widget-refused{path.replace('/', '-').rstrip('-')}")
    context.close()
