"""What the browser tests of the residents' web app share besides their fixtures (in conftest)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS

# What a screen reader would call the focused control.
FOCUSED = (
    "(e => e.getAttribute('aria-label') || e.textContent.trim() || e.id)(document.activeElement)"
)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def answers(page: Page) -> str:
    return " ".join(page.locator("#gesprek li.hulpbot").all_inner_texts())
