"""Cutting long replies into messages that fit a channel, at sentence ends where possible."""

from __future__ import annotations

import re
from collections.abc import Callable

# After . ! ? or … (and closing quotes or brackets), before the next word.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


Size = Callable[[str], int]


def _fits(text: str, limit: int, size: Size) -> int:
    """How many leading characters of `text` fit in `limit`."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if size(text[:middle]) <= limit else (low, middle - 1)
    return low


def _hard_split(text: str, limit: int, size: Size) -> list[str]:
    """A sentence longer than a message: cut at a space, or mid-word as a last resort."""
    parts = []
    while size(text) > limit:
        fits = max(1, _fits(text, limit, size))
        cut = text.rfind(" ", 0, fits + 1)
        cut = cut if cut > 0 else fits
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def split_message(text: str, limit: int, size: Size = len) -> list[str]:
    """Messages of at most `limit` (measured by `size`: characters, or SMS septets), each ending
    at a sentence end when it can."""
    text = text.strip()
    if size(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        for sentence in (s for s in SENTENCE_END.split(paragraph) if s):
            joiner = "" if not current or current.endswith("\n") else " "
            if size(f"{current}{joiner}{sentence}") <= limit:
                current = f"{current}{joiner}{sentence}"
                continue
            if current:
                messages.append(current.rstrip())
            pieces = _hard_split(sentence, limit, size)
            messages.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
        current += "\n"
    if current.strip():
        messages.append(current.rstrip())
    return messages


# What one message may hold on every channel: longer text costs seconds of model time and
# memory, and no resident question needs more.
MAX_INCOMING = 1000
TRIMMED = "Je bericht was heel lang. Ik lees alleen het begin. Stel liefst één korte vraag."


def capped(text: str, limit: int = MAX_INCOMING) -> tuple[str, str | None]:
    """The text to understand, and a note for the resident when it was cut."""
    if len(text) <= limit:
        return text, None
    cut = text.rfind(" ", 0, limit + 1)
    return text[: cut if cut > limit // 2 else limit], TRIMMED
