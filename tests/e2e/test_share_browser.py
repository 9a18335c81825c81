"""The share page for social workers in real Chromium: links, QR codes read back with zbarimg,
copy and share buttons, the printed flyer, and a referral code that ends on the stored request."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.senders import web_sender
from bot.servers import Server
from bot.store.db import make_engine
from bot.store.tables import callback_request
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import ARTIFACTS, BOT_USERNAME, PHONE, SMS_NUMBER, Assistant
from tests.e2e.web import shot

pytestmark = pytest.mark.e2e

CODE_LABEL = "Code van je organisatie"
# A stand-in for the phone's share menu, which headless Chromium lacks: it records what the page
# asked to share.
FAKE_SHARE = "navigator.share = data => { window.shared = data; return Promise.resolve(); };"
# A browser without the asynchronous clipboard (an older phone, a page not over https).
NO_CLIPBOARD = "Object.defineProperty(navigator, 'clipboard', { value: undefined });"


def decode_qr(image: Path) -> str:
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def make_links(page: Page, site: Server, code: str) -> None:
    page.goto(f"{site.url}/delen")
    page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Maak de links").click()
    expect(page.get_by_label(CODE_LABEL)).to_have_value(code)


def test_share_page_qr_codes_hold_the_links_and_print_as_a_flyer(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.set_viewport_size({"width": 900, "height": 1200})
    make_links(page, site, "CAW-Mechelen")
    expected = {
        f"https://t.me/{BOT_USERNAME}?start=CAW-Mechelen",
        f"SMSTO:{SMS_NUMBER}:START CAW-Mechelen",
        f"{site.url}/chat?via=CAW-Mechelen",
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
    shot(page, "share-900")

    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="De Hulpbot delen")).to_be_hidden()
    expect(page.get_by_role("alert")).to_be_hidden()
    flyer = page.locator("article.flyer")
    expect(flyer.locator(".sender")).to_have_text("Stad Mechelen - Sociaal Huis")
    expect(flyer).to_contain_text("Of stuur START CAW-Mechelen naar 0460 00 00 01.")
    expect(flyer).to_contain_text("Bel gratis 0800 20 800")
    sizes = page.evaluate(
        "() => ['article.flyer p', 'article.flyer li', 'article.flyer h2'].map("
        " s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"
    )
    points = [px * 72 / 96 for px in sizes]
    assert min(points[:2]) >= 16 and points[2] > 20, points
    shot(page, "share-flyer")
    pdf = ARTIFACTS / "web-flyer.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    # One A4 page.
    assert len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) == 1
    assert [url for url in requested if not url.startswith(site.url)] == []


def test_copy_share_and_whatsapp_on_a_phone(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page.add_init_script(FAKE_SHARE)
    make_links(page, site, "CAW-Mechelen")
    web = f"{site.url}/chat?via=CAW-Mechelen"
    # The public URL of the test site is 127.0.0.1: no other phone could open these links.
    warning = page.get_by_role("alert")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("HULPBOT_WEB_PUBLIC_URL")

    website = page.locator("li.share").filter(has=page.get_by_role("heading", name="Website"))
    expect(website.locator(".link-text")).to_have_text(web)
    website.get_by_role("button", name="Kopieer (Website)").click()
    expect(website.get_by_role("status")).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == web

    sms = page.locator("li.share").filter(has=page.get_by_role("heading", name="Sms"))
    sms.get_by_role("button", name="Kopieer (Sms)").click()
    expect(sms.get_by_role("status")).to_have_text("Gekopieerd")
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Stuur een sms met START CAW-Mechelen naar 0460 00 00 01."
    )

    website.get_by_role("button", name="Deel (Website)").click()
    page.wait_for_function("() => window.shared !== undefined")
    shared = page.evaluate("window.shared")
    assert shared["url"] == web and shared["text"].startswith("Heb je een vraag")

    whatsapp = website.get_by_role("link", name="WhatsApp (Website)")
    href = whatsapp.get_attribute("href") or ""
    assert href.startswith("https://wa.me/?text=Heb%20je%20een%20vraag") and href.endswith(
        quote(web, safe="")
    )
    mail = website.get_by_role("link", name="Mail (Website)").get_attribute("href") or ""
    assert mail.startswith("mailto:?subject=") and quote(web, safe="") in mail

    # Each link wraps on a phone instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for button in page.locator("li.share button:visible, li.share a").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44
    assert serious_accessibility_problems(page) == []
    shot(page, "share-360")
    assert [url for url in requested if not url.startswith(site.url)] == []


def test_without_share_menu_or_clipboard_the_link_is_selected(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, _ = phone_page
    page.add_init_script(NO_CLIPBOARD + "delete Navigator.prototype.share;")
    make_links(page, site, "CAW-Mechelen")
    website = page.locator("li.share").filter(has=page.get_by_role("heading", name="Website"))
    expect(website.get_by_role("button", name="Deel (Website)")).to_be_hidden()
    website.get_by_role("button", name="Kopieer (Website)").click()
    expect(website.get_by_role("status")).not_to_be_empty()
    selected = page.evaluate("String(window.getSelection())")
    assert selected.strip() == f"{site.url}/chat?via=CAW-Mechelen"
    shot(page, "share-no-clipboard")


def ask(page: Page, action: Callable[[], None]) -> list[dict[str, Any]]:
    """Does `action` in the chat; the assistant's answer, once the page shows all of it."""
    with page.expect_response(lambda r: r.url.endswith("/api/bericht")) as reply:
        action()
    messages: list[dict[str, Any]] = reply.value.json()["messages"]
    last = messages[-1]["text"].splitlines()[0]
    expect(page.locator("#gesprek li.hulpbot").last).to_contain_text(last)
    return messages


def type_answer(page: Page, text: str) -> Callable[[], None]:
    def answer() -> None:
        page.get_by_label("Typ je vraag").fill(text)
        page.keyboard.press("Enter")

    return answer


def answer_form(page: Page, messages: list[dict[str, Any]]) -> str:
    """Answers the call-back form's questions as they come, by typing or with the buttons;
    returns what the assistant said once the request is saved."""
    for _ in range(10):
        said = "\n".join(m["text"] for m in messages)
        if "Gelukt!" in said:
            return said
        question = messages[-1]["text"]
        titles = [b["title"] for b in messages[-1]["buttons"]]
        if "telefoonnummer" in question:
            action = type_answer(page, "0470 12 34 56")
        elif "voornaam" in question:
            action = type_answer(page, "Fatima")
        else:
            # The moment, "Ja" to consent, topic and summary, else the first topic offered.
            choice = next((t for t in ("Voormiddag", "Ja") if t in titles), titles[0])
            bubble = page.locator("#gesprek li.hulpbot").last
            action = bubble.get_by_role("button", name=choice, exact=True).click
        messages = ask(page, action)
    raise AssertionError(f"the form did not end: {said}")


def test_a_referral_code_from_the_share_page_ends_on_the_call_back_request(
    phone_page: tuple[Page, list[str]], site: Server, assistant: Assistant
) -> None:
    page, requested = phone_page
    make_links(page, site, "CAW-Test")
    website = page.locator("li.share").filter(has=page.get_by_role("heading", name="Website"))
    link = website.locator(".link-text").inner_text().strip()
    assert link == f"{site.url}/chat?via=CAW-Test"

    page.goto(link)
    call = page.get_by_role("button", name="Bel mij terug").first
    said = answer_form(page, ask(page, call.click))
    shot(page, "share-referral-saved")
    reference = re.search(r"Je code is (MB-[A-Z0-9]+)", said)
    assert reference is not None, said

    sender = web_sender(page.evaluate("localStorage.getItem('hulpbot-sessie')"))
    engine = make_engine(assistant.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(callback_request).where(callback_request.c.sender_id == sender)
            ).all()
    finally:
        engine.dispose()
    assert [(r.reference, r.phone, r.referral_code) for r in rows] == [
        (reference.group(1), "+32470123456", "CAW-Test")
    ]
    assert [url for url in requested if not url.startswith(site.url)] == []
