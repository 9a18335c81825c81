from __future__ import annotations

import subprocess
import sys

import pytest

from bot.phone import dial_link, display, find_phone, mask_phones
from bot.settings import PROJECT_ROOT, child_env


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("0470 12 34 56", "+32470123456"),
        ("0470/12.34.56", "+32470123456"),
        ("0470-123456", "+32470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0032470123456", "+32470123456"),
        ("015 42 16 24", "+3215421624"),
        ("mijn nummer is 0470123456 merci", "+32470123456"),
        ("mijn gsm: 0470 / 12 34 56", "+32470123456"),
        ("0470 12 34 5", None),
        ("12345", None),
        ("geen idee", None),
    ],
)
def test_find_phone(text: str, e164: str | None) -> None:
    assert find_phone(text) == e164


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+32470123456", "0470 12 34 56"),
        ("+32471234567", "0471 23 45 67"),
        ("+3215123456", "015 12 34 56"),  # Mechelen
        ("+3221234567", "02 123 45 67"),  # Brussels
        ("+3232123456", "03 212 34 56"),  # Antwerpen
        ("+3278150300", "078 15 03 00"),
        ("+31612345678", "+31 6 12345678"),  # a Dutch mobile keeps its country code
        ("+33612345678", "+33 6 12 34 56 78"),
        ("+3212", "+3212"),  # too short to be a number: as stored
        ("onbekend", "onbekend"),
    ],
)
def test_display_the_belgian_way(stored: str, shown: str) -> None:
    assert display(stored) == shown


@pytest.mark.parametrize(
    ("stored", "link"),
    [
        ("+32470123456", "tel:+32470123456"),
        ("0470 12 34 56", "tel:+32470123456"),
        ("+31612345678", "tel:+31612345678"),
        ("+32 12", "tel:+3212"),
        ('"><script>', "tel:"),
    ],
)
def test_dial_link_is_e164_or_only_digits(stored: str, link: str) -> None:
    assert dial_link(stored) == link


@pytest.mark.parametrize(
    "text",
    [
        "nummer 0470 12 34 56 ok",
        "+32470123456",
        "0032 470 12 34 56",
        "half getypt 0470 12 34",
        "nog korter 0470 12",
        "015/42.16.24",
    ],
)
def test_mask_phones(text: str) -> None:
    masked = mask_phones(text)
    assert "[telefoonnummer]" in masked
    assert not any(part in masked for part in ("12 34", "123456", "42.16"))


def test_dates_and_small_numbers_stay_readable() -> None:
    assert mask_phones("request MB-7K3Q on 2026-11-24, 3 tries") == (
        "request MB-7K3Q on 2026-11-24, 3 tries"
    )


def test_masking_covers_every_logger_in_a_real_process() -> None:
    """A fresh interpreter, as `python -m bot.launch` starts Rasa: no number reaches the log."""
    code = (
        "import logging, sys\n"
        "from bot.logmask import install_log_masking\n"
        "install_log_masking()\n"
        "logging.basicConfig(stream=sys.stdout, level=logging.DEBUG)\n"
        "logging.getLogger('rasa.core.processor').debug('Received user message %r', "
        "'mijn nummer is 0470 12 34 56')\n"
        "logging.getLogger('x').info('call +32470123456 now')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "0470" not in result.stdout and "+32470" not in result.stdout
    assert result.stdout.count("[telefoonnummer]") == 2
