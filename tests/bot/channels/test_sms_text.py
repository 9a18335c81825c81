from __future__ import annotations

import pytest

from bot.channels.sms_text import (
    Segments,
    chosen_payload,
    segments,
    sms_parts,
    to_gsm,
    with_options,
)

YES_NO = [{"title": "Ja", "payload": "ja"}, {"title": "Ander nummer", "payload": "ander nummer"}]
MENU = [
    {"title": "Dienstencentrum", "payload": "/ask_dienstencentrum"},
    {"title": "Woonclub: een huis zoeken", "payload": "/ask_woonclub"},
    {"title": "Bel mij terug", "payload": "/request_callback"},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, Segments("gsm", 1)),
        ("a" * 161, Segments("gsm", 2)),
        ("a" * 306, Segments("gsm", 2)),
        ("a" * 307, Segments("gsm", 3)),
        ("€" * 80, Segments("gsm", 1)),  # two septets each
        ("€" * 81, Segments("gsm", 2)),
        ("é" * 160, Segments("gsm", 1)),  # in the GSM basic set
        ("ë" * 70, Segments("ucs2", 1)),  # not in it
        ("ë" * 71, Segments("ucs2", 2)),
        ("ë" * 134, Segments("ucs2", 2)),
        ("ë" * 135, Segments("ucs2", 3)),
        ("🙂" * 35, Segments("ucs2", 1)),  # two UTF-16 units each
        ("", Segments("gsm", 0)),
    ],
)
def test_segments(text: str, expected: Segments) -> None:
    assert segments(text) == expected


def test_characters_that_force_ucs2_are_replaced() -> None:
    text = "Het “Huis” is ’s morgens open… – België, idee\u00ebn 🙂 café"
    cleaned = to_gsm(text)
    assert cleaned == 'Het "Huis" is \'s morgens open... - Belgie, ideeen café'
    assert segments(cleaned).encoding == "gsm"


def test_long_text_becomes_parts_of_at_most_two_segments_at_sentence_ends() -> None:
    text = "Dit is een zin van ongeveer vijftig tekens lang hier. " * 20
    parts = sms_parts(text)
    assert len(parts) >= 4
    assert all(segments(p).count <= 2 and p.endswith(".") for p in parts)


def test_options_are_numbered() -> None:
    assert with_options("Mogen we je bellen op 0470 12 34 56?", YES_NO) == (
        "Mogen we je bellen op 0470 12 34 56?\n1 = Ja, 2 = Ander nummer.\nAntwoord met 1 of 2."
    )
    assert with_options("Kies.", MENU).endswith("Antwoord met 1, 2 of 3.")


@pytest.mark.parametrize(
    ("reply", "payload"),
    [
        ("2", "/ask_woonclub"),
        (" 3 ", "/request_callback"),
        ("woonclub", "/ask_woonclub"),
        ("Dienstencentrum", "/ask_dienstencentrum"),
        ("9", None),
        ("een huis", None),  # not one option's word: left to the assistant
        ("is den abeel open", None),
    ],
)
def test_a_reply_picks_an_option_by_number_or_word(reply: str, payload: str | None) -> None:
    assert chosen_payload(reply, MENU) == payload
