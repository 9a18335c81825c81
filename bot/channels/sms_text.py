"""SMS text: GSM-7 or UCS-2, segments, numbered options instead of buttons.

A basic phone shows text only, and every segment costs money: replies are kept in
GSM-7 (160 characters, 153 per part when split) by replacing what would force UCS-2
(70 / 67), and buttons become "1 = …, 2 = …" that the resident answers with a digit
or the option's word.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.channels.text import split_message
from bot.content.matching import normalise

# GSM 03.38: the basic set, and the extension set whose characters take two septets.
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "″": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "•": "-",
    "·": "-",
    "→": "->",
    "\u00a0": " ",
    "\t": " ",
}
SINGLE, MULTI = {"gsm": 160, "ucs2": 70}, {"gsm": 153, "ucs2": 67}
# Aim: an answer in at most two segments; longer ones become several messages.
MAX_SEGMENTS = 2


def septets(text: str) -> int:
    return sum(2 if c in GSM_EXTENDED else 1 for c in text)


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


@dataclass(frozen=True)
class Segments:
    encoding: str
    count: int


def segments(text: str) -> Segments:
    """How a phone network counts `text`: its encoding and number of segments."""
    if is_gsm(text):
        encoding, length = "gsm", septets(text)
    else:
        # UCS-2 counts UTF-16 code units: an emoji takes two.
        encoding, length = "ucs2", len(text.encode("utf-16-le")) // 2
    if length <= SINGLE[encoding]:
        return Segments(encoding, 1 if length else 0)
    return Segments(encoding, math.ceil(length / MULTI[encoding]))


def _gsm_char(c: str) -> str:
    if c in GSM_BASIC or c in GSM_EXTENDED:
        return c
    if c in REPLACEMENTS:
        return REPLACEMENTS[c]
    # ë → e, ï → i, ç → c: the letter without its mark, where that is in the set.
    bare = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    if bare and all(x in GSM_BASIC for x in bare):
        return bare
    return ""  # emoji and other symbols: left out rather than making the SMS cost double


def to_gsm(text: str) -> str:
    """`text` with everything that would force UCS-2 replaced or left out."""
    cleaned = "".join(_gsm_char(c) for c in text)
    return re.sub(r"[ ]{2,}", " ", cleaned).strip()


def sms_parts(text: str) -> list[str]:
    """GSM-7 messages of at most two segments each, split at sentence ends."""
    return split_message(to_gsm(text), MAX_SEGMENTS * MULTI["gsm"], septets)


def with_options(text: str, buttons: list[dict[str, Any]]) -> str:
    """Buttons as numbered options: "1 = Ja, 2 = Ander nummer. Antwoord met 1 of 2."."""
    titles = [str(b["title"]) for b in buttons]
    numbers = [str(n) for n in range(1, len(titles) + 1)]
    listed = ", ".join(f"{n} = {t}" for n, t in zip(numbers, titles, strict=True))
    answer = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} of {numbers[-1]}"
    return f"{text}\n{listed}.\nAntwoord met {answer}."


def chosen_payload(reply: str, buttons: list[dict[str, Any]]) -> str | None:
    """The payload of the option the resident picked, by its number or by a word of its title."""
    said = normalise(reply)
    if said.isdigit():
        index = int(said) - 1
        return str(buttons[index]["payload"]) if 0 <= index < len(buttons) else None
    matches = [
        b
        for b in buttons
        if said
        and (said == normalise(str(b["title"])) or said in normalise(str(b["title"])).split())
    ]
    return str(matches[0]["payload"]) if len(matches) == 1 else None
