"""A staff member fills in opening hours in real Chromium; residents read them at once.

The dashboard and the running assistant (Rasa and the action server, started once for the
end-to-end tests) share one database: no retraining, no restart. Screenshots go to
test-artifacts/ (the README's "Inhoud bijhouden" shows them, copied to docs/inhoud/).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.content.live import POLL_SECONDS
from bot.servers import Server, dashboard_server, free_port
from bot.store.content import ContentRepository, Edit
from bot.store.db import make_engine
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import ARTIFACTS, Assistant, texts
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

PASSWORD = "een lang wachtwoord voor de inhoud"
TABLET = {"width": 820, "height": 1180}
HOURS_PAGE = "/inhoud/dienstencentrum/locations/den_abeel/hours"
# The end-to-end clock stands on Tuesday 24 November 2026, 10:00.
BEFORE = "Vandaag, dinsdag, is Den Abeel open van 9 tot 16 uur."
AFTER = "Vandaag, dinsdag, is Den Abeel open van 9.30 tot 12 uur."
TODO_COUNT = re.compile(r"^Inhoud \(\d+\)$")
# Within this time a saved fact reaches residents (the issue asks for 5 seconds).
DEADLINE = 5.0


@pytest.fixture(scope="module")
def dashboard(assistant: Assistant) -> Iterator[Server]:
    added = run_cli(
        "staff", "add", "lotte", "--content", "--password-stdin",
        env=assistant.env, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with dashboard_server(
        free_port(), ARTIFACTS / "dashboard-content.log", assistant.env
    ) as server:
        yield server


def shot(page: Page, name: str) -> None:
    """A screenshot for the README, after checking the page with axe-core."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inhoud-{name}.png"), full_page=True)
    assert serious_accessibility_problems(page) == [], name


def first_answer(assistant: Assistant, expected: str) -> float | None:
    """Seconds until a new resident asking about today gets `expected`; None if not in time."""
    start = time.monotonic()
    while time.monotonic() - start < DEADLINE:
        said = texts(assistant.resident().say("is den abeel vandaag open"))
        if said and said[0] == expected:
            return time.monotonic() - start
        time.sleep(0.2)
    return None


@pytest.fixture
def den_abeel_restored(assistant: Assistant) -> Iterator[None]:
    """Other tests rely on Den Abeel's hours: whatever happens here, they are put back."""
    # The action server imports the files on its first question.
    assistant.resident().say("is den abeel vandaag open")
    content = ContentRepository(make_engine(assistant.database_url))
    _, documents = content.documents()
    original = documents["dienstencentrum"]
    yield

    def restore(current: dict[str, Any] | None) -> Edit:
        return Edit("", current, original, original)

    _, now = content.documents()
    if now["dienstencentrum"] != original:
        content.save("dienstencentrum", restore, "test", datetime.now(timezone.utc), audit=False)
        time.sleep(POLL_SECONDS + 0.5)


def test_staff_fill_in_hours_and_residents_read_them_without_retraining(
    assistant: Assistant, dashboard: Server, browser: Browser, den_abeel_restored: None
) -> None:
    assert first_answer(assistant, BEFORE) is not None
    context = browser.new_context(viewport=TABLET, locale="nl-BE")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    # The refused form comes back with status 400 on purpose; Chromium logs that as an error.
    refused = "the server responded with a status of 400"

    page.goto(f"{dashboard.url}/inhoud")
    page.get_by_label("Naam").fill("lotte")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Nog in te vullen")).to_be_visible()
    # The menu counts what is still to do.
    expect(page.get_by_role("navigation").get_by_role("link", name=TODO_COUNT)).to_be_visible()
    shot(page, "1-lijst")

    page.goto(f"{dashboard.url}{HOURS_PAGE}")
    # A mistake is explained in plain Dutch, and nothing is stored.
    page.get_by_label("Dinsdag").fill("16:00-9:00")
    page.get_by_role("button", name="Opslaan").first.click()
    expect(page.get_by_role("alert").first).to_contain_text("Er is nog niets opgeslagen")
    shot(page, "2-fout")

    page.get_by_label("Dinsdag").fill("9:30-12:00")
    page.get_by_label("Bron").fill("telefonisch nagevraagd bij Den Abeel")
    page.get_by_role("button", name="Bekijk").click()
    preview = page.locator("#voorbeeld")
    expect(preview).to_contain_text(AFTER)
    shot(page, "3-voorbeeld")
    assert first_answer(assistant, BEFORE) is not None, "the preview stored something"

    page.locator("#opslaan-na-bekijken").click()
    expect(page.get_by_role("status")).to_contain_text("Opgeslagen")
    expect(page.locator("#nu")).to_contain_text("9:30")
    shot(page, "4-opgeslagen")
    seconds = first_answer(assistant, AFTER)
    assert seconds is not None, f"residents did not get the new hours within {DEADLINE} s"
    print(f"new hours reached the resident after {seconds:.1f} s")

    page.get_by_role("button", name="Ongedaan maken").first.click()
    expect(page.get_by_role("status")).to_contain_text("ongedaan")
    assert first_answer(assistant, BEFORE) is not None, "the undo did not reach residents"
    shot(page, "5-ongedaan")
    problems = [text for text in problems if refused not in text]
    assert problems == [], f"browser console errors (a CSP violation?): {problems}"
    context.close()
