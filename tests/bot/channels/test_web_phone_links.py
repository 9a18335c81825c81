"""Phone numbers in web chat answers as tel: links: the real phone-links.js, run by Node.

Which digits become a link is pure text work, so it is tested here on many texts at once;
tests/e2e/test_web_browser.py checks the link in a real answer in Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from bot.channels.web.app import HERE

SCRIPT = HERE / "static" / "phone-links.js"

LINKED = {
    "Bel gratis 0800 20 800.": [("0800 20 800", "tel:+3280020800")],
    "Bel de Woonclub op 0468 01 38 29, op dinsdag.": [("0468 01 38 29", "tel:+32468013829")],
    "Ben je in gevaar? Bel meteen 112.": [("112", "tel:112")],
    "Bel de Zelfmoordlijn op 1813. Dat kan dag en nacht.": [("1813", "tel:1813")],
    "Is er geweld? Bel 1712.": [("1712", "tel:1712")],
    "Geen plek om te slapen? Bel het CAW op 078 150 300.": [("078 150 300", "tel:+3278150300")],
    "Het centrum: 015 34 43 77 (voormiddag)": [("015 34 43 77", "tel:+3215344377")],
    "Mogen we je bellen op +32 470 12 34 56?": [("+32 470 12 34 56", "tel:+32470123456")],
    "Ons nummer is 0470/12.34.56": [("0470/12.34.56", "tel:+32470123456")],
    "of 0032 470 12 34 56": [("0032 470 12 34 56", "tel:+32470123456")],
    "Bel 015-34-43-77 of 0800 20800": [
        ("015-34-43-77", "tel:+3215344377"),
        ("0800 20800", "tel:+3280020800"),
    ],
    "Liège: 04 123 45 67": [("04 123 45 67", "tel:+3241234567")],
    "Bel 112 of 101, of het nummer 100.": [
        ("112", "tel:112"),
        ("101", "tel:101"),
        ("100", "tel:100"),
    ],
    "Zelfmoordlijn 1813, 24/7": [("1813", "tel:1813")],
    "Gesloten op 24/12. Bel dan 0800\u00a020\u00a0800.": [
        ("0800\u00a020\u00a0800", "tel:+3280020800")
    ],
}

NOT_LINKED = [
    "Deze info is van 2026.",
    "Open van 9.30 tot 12 uur.",
    "Reuzenstraat 1, 2800 Mechelen",
    "Een maaltijd kost 1,50 euro, voor een kind 1 euro.",
    "Er komen 100 mensen. Het kost 112 euro.",
    "Gesloten op 04/06/2026 10 uur lang.",
    "Gesloten van 2026-12-24 tot 2026-12-26.",
    "Open 09.00-12.00 13.30-16.00",
    "Je code is MB-7K3Q.",
    "Code A1813 of 1813x of 112€",
    "Dat is 1.813 keer.",
    "Een nummer als 015 34 43 77 88 bestaat niet.",
    "12345678 of 0123 45 of 015 34 43",
    "+33 1 23 45 67 89",
]


def run_node(texts: list[str]) -> list[list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the web chat's script tests: apt-get install nodejs")
    program = (
        "const {phoneParts} = require(process.argv[1]);"
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(texts.map(phoneParts)));"
    )
    result = subprocess.run(
        [node, "-e", program, str(SCRIPT)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    parsed: list[list[dict[str, Any]]] = json.loads(result.stdout)
    return parsed


@pytest.fixture(scope="module")
def parts() -> dict[str, list[dict[str, Any]]]:
    texts = [*LINKED, *NOT_LINKED]
    return dict(zip(texts, run_node(texts), strict=True))


@pytest.mark.parametrize("text", LINKED)
def test_phone_numbers_become_links_with_digits_to_dial(
    parts: dict[str, list[dict[str, Any]]], text: str
) -> None:
    links = [(p["text"], "tel:" + p["tel"]) for p in parts[text] if "tel" in p]
    assert links == LINKED[text]
    assert "".join(p["text"] for p in parts[text]) == text


@pytest.mark.parametrize("text", NOT_LINKED)
def test_dates_times_prices_and_codes_stay_text(
    parts: dict[str, list[dict[str, Any]]], text: str
) -> None:
    assert parts[text] == [{"text": text}]


def test_the_empty_answer_has_no_parts() -> None:
    assert run_node([""]) == [[]]
