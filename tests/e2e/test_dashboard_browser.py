"""Staff handle a request in real Chromium: made through the REST channel, claimed, called.

Debian's Chromium, driven by Playwright (never a downloaded browser); screenshots go
to test-artifacts/ so a person can look at what staff see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.servers import Server, dashboard_server, free_port
from bot.store.db import make_engine
from bot.store.repository import CallbackRepository
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import ARTIFACTS, Assistant, fill_form
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

PASSWORD = "een lang wachtwoord voor de test"
TABLET = {"width": 820, "height": 1180}


@pytest.fixture(scope="module")
def dashboard(assistant: Assistant) -> Iterator[Server]:
    added = run_cli(
        "staff", "add", "sanne", "--role", "admin", "--password-stdin",
        env=assistant.env, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with dashboard_server(free_port(), ARTIFACTS / "dashboard.log", assistant.env) as server:
        yield server


def requests_made(assistant: Assistant) -> int:
    engine = make_engine(assistant.database_url)
    try:
        return len(CallbackRepository(engine).since(datetime(2026, 1, 1, tzinfo=timezone.utc)))
    finally:
        engine.dispose()


def shot(page: Page, name: str) -> None:
    """A screenshot for people to look at, after checking the page with axe-core."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)
    assert serious_accessibility_problems(page) == [], name


def test_staff_claim_and_call_a_request_made_through_rest(
    assistant: Assistant, dashboard: Server, browser: Browser
) -> None:
    resident = assistant.resident()
    resident.say("ik zoek een huis om te huren")
    resident.say("bel mij terug")
    fill_form(resident)
    done = resident.say("ja")
    reference = next(m["text"] for m in done if "MB-" in m.get("text", "")).split("MB-")[1][:4]
    reference = f"MB-{reference}"

    context = browser.new_context(viewport=TABLET, locale="nl-BE")
    page = context.new_page()
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(dashboard.url) else outside.append(r.url),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    page.goto(f"{dashboard.url}/verzoeken")
    expect(page).to_have_url(f"{dashboard.url}/inloggen?volgende=/verzoeken")
    # By keyboard alone, in reading order: skip link, name, password, button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Naam")).to_be_focused()
    page.keyboard.type("sanne")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Inloggen")).to_be_focused()
    shot(page, "1-login")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Terugbelverzoeken")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Fatima")
    expect(row).to_contain_text("nieuw")
    shot(page, "2-inbox")
    row.get_by_role("link", name=reference).click()

    expect(page.get_by_role("heading", name=f"Verzoek {reference}")).to_be_visible()
    expect(page.get_by_role("link", name="0470 12 34 56")).to_have_attribute(
        "href", "tel:+32470123456"
    )
    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text("bel mij terug")
    expect(transcript).to_contain_text("Gelukt!")
    page.get_by_role("button", name="Ik bel").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen.")
    expect(page.locator(".facts")).to_contain_text("in behandeling")
    page.get_by_role("button", name="Gebeld").click()
    expect(page.locator(".facts")).to_contain_text("gebeld")
    expect(page.locator("table").last).to_contain_text("in behandeling → gebeld")
    shot(page, "3-detail")

    page.get_by_role("link", name="Statistiek").click()
    # Other end-to-end tests share the database: every request there counts, ours included.
    expect(page.locator("#totaal")).to_have_text(str(requests_made(assistant)))
    expect(page.locator("#mediaan")).to_have_text("0 min")  # the clock stands still in tests
    expect(page.get_by_role("img", name="Per kanaal")).to_be_visible()
    shot(page, "4-statistics")

    menu = page.get_by_role("navigation")
    menu.get_by_role("link", name=re.compile(r"^Inhoud")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Nog in te vullen"))).to_be_visible()
    shot(page, "5-content")
    page.goto(f"{dashboard.url}/inhoud/dienstencentrum/locations/de_schijf/hours")
    expect(page.get_by_label("Dinsdag")).to_be_visible()
    shot(page, "5-content-hours")
    menu.get_by_role("link", name="Wat vragen inwoners").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "5-questions")
    page.get_by_role("link", name="Export").click()
    expect(page.get_by_text("dit bestand bevat persoonsgegevens")).to_be_visible()
    shot(page, "6-export")
    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("cell", name="sanne")).to_be_visible()
    shot(page, "7-accounts")

    assert outside == [], f"requests outside the dashboard: {outside}"
    assert problems == [], f"browser console errors (a CSP violation?): {problems}"
    context.close()
