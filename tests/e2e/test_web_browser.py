"""The residents' web chat and the share page in real Chromium (Debian's, driven by Playwright).

The web app runs as its own process in front of the real Rasa server; the widget is embedded
in a page served from another port (origin) on the allow-list. QR codes are read back with
zbarimg. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, expect

from bot.servers import Server, free_port, web_server
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import ARTIFACTS, SMS_NUMBER, Assistant
from tests.fakes.server import serve_aiohttp

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
BOT_USERNAME = "hulpbot_test_bot"
EMBED_PORT = free_port()
EMBED_ORIGIN = f"http://127.0.0.1:{EMBED_PORT}"
# What a screen reader would call the focused control.
FOCUSED = (
    "(e => e.getAttribute('aria-label') || e.textContent.trim() || e.id)(document.activeElement)"
)


@pytest.fixture(scope="module")
def site(assistant: Assistant) -> Iterator[Server]:
    port = free_port()
    env = {
        **assistant.env,
        "HULPBOT_RASA_URL": assistant.url,
        "HULPBOT_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HULPBOT_WEB_EMBED_ORIGINS": EMBED_ORIGIN,
        "HULPBOT_TELEGRAM_BOT_USERNAME": BOT_USERNAME,
    }
    with web_server(port, ARTIFACTS / "web.log", env) as server:
        yield server


@pytest.fixture
def phone_page(browser: Browser, site: Server) -> Iterator[tuple[Page, list[str]]]:
    """A fresh phone-sized browser; every URL it requests is collected."""
    context = browser.new_context(viewport=PHONE, locale="nl-BE")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    yield page, requested
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def answers(page: Page) -> str:
    return " ".join(page.locator("#gesprek li.hulpbot").all_inner_texts())


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

    # A shared computer: "Begin opnieuw" wipes the conversation from this browser.
    page.get_by_role("button", name="Begin opnieuw").click()
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


def decode_qr(image: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_share_page_qr_codes_hold_the_links_and_print_as_a_flyer(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.set_viewport_size({"width": 900, "height": 1200})
    page.goto(f"{site.url}/delen")
    page.get_by_label("Code van je organisatie (voor de Telegram-link)").fill("CAW-Mechelen")
    page.get_by_role("button", name="Maak de links").click()
    expected = {
        f"https://t.me/{BOT_USERNAME}?start=CAW-Mechelen",
        f"SMSTO:{SMS_NUMBER}:Hallo",
        f"{site.url}/chat",
    }
    figures = page.locator("figure.link")
    found = set()
    for index in range(figures.count()):
        figure = figures.nth(index)
        image = ARTIFACTS / f"web-qr-{index}.png"
        figure.locator("svg").screenshot(path=str(image))
        decoded = decode_qr(image)
        assert decoded == figure.get_attribute("data-link")
        found.add(decoded)
    assert found == expected
    assert serious_accessibility_problems(page) == []
    shot(page, "4-share")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="De Hulpbot delen")).to_be_hidden()
    page.pdf(path=str(ARTIFACTS / "web-flyer.pdf"), format="A4", print_background=True)
    assert [url for url in requested if not url.startswith(site.url)] == []
