"""The share page for social workers in real Chromium: links, QR codes read back with zbarimg,
the printed flyer."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bot.servers import Server
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.conftest import ARTIFACTS, BOT_USERNAME, SMS_NUMBER
from tests.e2e.web import shot

pytestmark = pytest.mark.e2e


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
