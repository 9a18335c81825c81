"""Phone numbers as residents type them, and keeping them out of logs.

Parsing uses Google's libphonenumber rules (the `phonenumbers` package) for
Belgium, so "0470/12.34.56", "+32 470 12 34 56" and "mijn nummer is 0470…" all
become +32470123456.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

REGION = "BE"
MASK = "[telefoonnummer]"
# A run of six or more digits that starts like a phone number (0 or +), possibly split by
# spaces, dots, slashes or dashes, is masked too: a half-typed number is still personal data.
_DIGIT_RUN = re.compile(r"(?<!\d)[0+]\d(?:[\s./-]*\d){4,}")


def find_phone(text: str) -> str | None:
    """The first valid phone number in `text`, in E.164 form, or None."""
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.VALID):
        return str(phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
    return None


def display(e164: str) -> str:
    """How a resident reads a number back: 0470 12 34 56."""
    number = phonenumbers.parse(e164, REGION)
    return str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def mask_phones(text: str) -> str:
    masked = _DIGIT_RUN.sub(MASK, text)
    spans = [(m.start, m.end) for m in PhoneNumberMatcher(masked, REGION, leniency=Leniency.VALID)]
    for start, end in reversed(spans):
        masked = masked[:start] + MASK + masked[end:]
    return masked
