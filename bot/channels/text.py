"""Cutting long replies into messages that fit a channel, at sentence ends where possible."""

from __future__ import annotations

import re

# After . ! ? or … (and closing quotes or brackets), before the next word.
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")


def _hard_split(text: str, limit: int) -> list[str]:
    """A sentence longer than a message: cut at a space, or mid-word as a last resort."""
    parts = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def split_message(text: str, limit: int) -> list[str]:
    """Messages of at most `limit` characters, each ending at a sentence end when it can."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    messages: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        for sentence in (s for s in SENTENCE_END.split(paragraph) if s):
            joiner = "" if not current or current.endswith("\n") else " "
            if len(current) + len(joiner) + len(sentence) <= limit:
                current = f"{current}{joiner}{sentence}"
                continue
            if current:
                messages.append(current.rstrip())
            pieces = _hard_split(sentence, limit)
            messages.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
        current += "\n"
    if current.strip():
        messages.append(current.rstrip())
    return messages
