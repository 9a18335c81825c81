from __future__ import annotations

import pytest

from bot.channels.text import split_message

SENTENCES = "Dit is de eerste zin. Dan komt de tweede zin! Is er een derde zin? Ja, zeker."


@pytest.mark.parametrize("limit", [25, 40, 60, 4096])
def test_parts_fit_and_end_at_sentence_ends(limit: int) -> None:
    text = " ".join([SENTENCES] * 3)
    parts = split_message(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert " ".join(parts) == text
    assert all(p.endswith((".", "!", "?")) for p in parts)


def test_a_sentence_longer_than_a_message_is_cut_at_spaces() -> None:
    long = "woord " * 30
    parts = split_message(long, 50)
    assert all(len(p) <= 50 for p in parts) and " ".join(parts) == long.strip()


def test_line_breaks_are_kept_and_short_text_is_one_part() -> None:
    assert split_message("Regel een.\nRegel twee.", 4096) == ["Regel een.\nRegel twee."]
    assert split_message("  ", 10) == []
