"""The residents' web chat and the share page in real Chromium (Debian's, driven by Playwright).

The web app runs as its own process in front of the real Rasa server; the widget is embedded
in a page served from another port (origin) on the allow-list. QR codes are read back with
zbarimg. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, expect

from bot.servers import Server
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import EMBED_ORIGIN, EMBED_PORT
from tests.e2e.web import FOCUSED, answers, shot
from tests.fakes.server import serve_aiohttp

pytestmark = pytest.mark.e2e


def test_chat_answers_buttons_history_keyboard_and_accessibility(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.goto(f"{site.url}/chat")
    assert (
        float(page.eval_on_selector("body", "b => parseFloat(getComputedStyle(b).fontSize)")) >= 18
    )
    log = page.get_by_role("list", name="Gesprek")
    expect(log).to_have_attribute("aria-live", "polite")
    page.get_by_label("Typ je vraag").fill("waar kan ik gratis maandverband krijgen")
    page.keyboard.press("Enter")
    expect(page.locator("#gesprek li.hulpbot").nth(1)).to_contain_text("gratis")
    expect(page.get_by_role("button", name="Lees voor").first).to_be_visible()
    shot(page, "1-answer")
    assert serious_accessibility_problems(page) == []

    page.get_by_label("Typ je vraag").fill("hallo")
    page.get_by_role("button", name="Stuur").click()
    menu_choice = page.get_by_role("button", name="Woonclub: een huis zoeken").last
    expect(menu_choice).to_be_visible()
    menu_choice.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#gesprek li.hulpbot')]"
        ".some(li => li.textContent.includes('De Woonclub helpt'))"
    )
    expect(page.get_by_role("button", name="Bel mij terug").first).to_be_visible()

    page.reload()
    expect(page.locator("#gesprek li.inwoner").first).to_contain_text(
        "waar kan ik gratis maandverband krijgen"
    )
    assert "De Woonclub helpt" in answers(page)
    shot(page, "2-after-reload")

    # By keyboard: every control can be reached, the question box and the call-back button too.
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED))
    assert "tekst" in reached and "Bel mij terug" in reached and "Stuur" in reached
    assert serious_accessibility_problems(page) == []
    outside = [url for url in requested if not url.startswith(site.url)]
    assert outside == [], outside

    # A shared computer: "Begin opnieuw" wipes the conversation from this browser, once the
    # resident says yes (tests/e2e/test_chat_browser.py has the whole dialog).
    page.get_by_role("button", name="Begin opnieuw").click()
    page.get_by_role("button", name="Ja, wis alles").click()
    expect(page.locator("#gesprek li")).to_have_count(1)
    assert page.evaluate("localStorage.getItem('hulpbot-gesprek')") is None


def test_phone_numbers_in_answers_are_tel_links(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, _ = phone_page
    page.goto(f"{site.url}/chat")
    page.get_by_label("Typ je vraag").fill("is de schijf vandaag open")
    page.keyboard.press("Enter")
    city = page.locator("#gesprek li.hulpbot").get_by_role("link", name="0800 20 800").last
    expect(city).to_have_attribute("href", "tel:+3280020800")
    shot(page, "5-phone-link")
    assert serious_accessibility_problems(page) == []
    page.reload()
    expect(city).to_have_attribute("href", "tel:+3280020800")
    # An answer is only ever text: markup in it stays characters, the number still a link.
    made = page.evaluate(
        "() => { const li = document.createElement('li');"
        " HulpbotPhoneLinks.appendWithPhoneLinks(li, '<b>Bel</b> 112 <img src=x>');"
        " return [li.innerHTML, li.querySelectorAll('b, img').length]; }"
    )
    link = '<a class="tel" href="tel:112">112</a>'
    assert made == [f"&lt;b&gt;Bel&lt;/b&gt; {link} &lt;img src=x&gt;", 0]


@pytest.fixture(scope="module")
def embedding_site(site: Server) -> Iterator[str]:
    """A page of 'another website' that embeds the widget with one script tag."""

    async def page(request: web.Request) -> web.Response:
        html = (
            "<!doctype html><html lang='nl'><head><title>Stad Mechelen</title></head><body>"
            "<main><h1>Stad Mechelen</h1><p>Een pagina van de stad.</p></main>"
            f"<script src='{site.url}/widget.js' defer></script></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    with serve_aiohttp(app, EMBED_PORT):
        yield EMBED_ORIGIN


def test_widget_embedded_on_an_allowed_site(
    browser: Browser, site: Server, embedding_site: str
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="nl-BE")
    page = context.new_page()
    page.goto(embedding_site)
    page.get_by_role("button", name="Chat met de Hulpbot").click()
    chat = page.frame_locator("iframe[title='Chat met de Hulpbot']")
    chat.get_by_label("Typ je vraag").fill("waar kan ik gratis maandverband krijgen")
    chat.get_by_role("button", name="Stuur").click()
    expect(chat.locator("#gesprek li.hulpbot").nth(1)).to_contain_text("gratis")
    shot(page, "3-embedded")
    context.close()
