"""Phone numbers as residents type them, and keeping them out of logs.

Parsing uses Google's libphonenumber rules (the `phonenumbers` package) for
Belgium, so "0470/12.34.56", "+32 470 12 34 56" and "mijn nummer is 0470…" all
become +32470123456.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, NumberParseException, PhoneNumberFormat, PhoneNumberMatcher

REGION = "BE"
BELGIUM = 32
MASK = "[telefoonnummer]"
# A run of six or more digits that starts like a phone number (0 or +), possibly split by
# spaces, dots, slashes or dashes, is masked too: a half-typed number is still personal data.
_DIGIT_RUN = re.compile(r"(?<!\d)[0+]\d(?:[\s./-]*\d){4,}")


def find_phone(text: str) -> str | None:
    """The first valid phone number in `text`, in E.164 form, or None."""
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.VALID):
        return str(phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
    return None


def _possible(text: str) -> phonenumbers.PhoneNumber | None:
    """A number of a possible length for its country; not checked against the numbering plan,
    which changes more often than our copy of it."""
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def display(e164: str) -> str:
    """A number as people in Belgium read it aloud: "0470 12 34 56", "015 42 16 24",
    "02 123 45 67". A foreign number keeps its country code ("+31 6 12345678"), since a
    national form would dial a Belgian number; what cannot be a number is shown as stored."""
    number = _possible(e164)
    if number is None:
        return e164
    belgian = number.country_code == BELGIUM
    form = PhoneNumberFormat.NATIONAL if belgian else PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, form))


def dial_link(phone: str) -> str:
    """A `tel:` link that dials `phone` from any phone: E.164 for a possible number, else only the
    digits (and a leading "+") of what is stored, so no stored text becomes part of a link."""
    number = _possible(phone)
    if number is not None:
        return "tel:" + str(phonenumbers.format_number(number, PhoneNumberFormat.E164))
    return "tel:" + ("+" if phone.strip().startswith("+") else "") + re.sub(r"\D", "", phone)


def mask_phones(text: str) -> str:
    masked = _DIGIT_RUN.sub(MASK, text)
    spans = [(m.start, m.end) for m in PhoneNumberMatcher(masked, REGION, leniency=Leniency.VALID)]
    for start, end in reversed(spans):
        masked = masked[:start] + MASK + masked[end:]
    return masked
