"""Whatever a resident sends, the assistant answers with something sensible."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant, texts

pytestmark = pytest.mark.e2e

LONG = (
    "Ik zoek hulp voor mijn moeder want ze kan niet meer goed stappen en ze moet "
    "naar de dokter en ik weet niet hoe dat moet. "
) * 40


@pytest.mark.parametrize(
    "message",
    [
        "",
        "     ",
        "😀🙏🏽",
        LONG[:5000],
        "\x00\x01\x07hallo\x1b[31m",
        "<script>alert('x')</script>",
        "Bonjour, où puis-je trouver des serviettes hygiéniques gratuites ?",
        "Hello, I need help finding a house",
        "مرحبا، أحتاج إلى مساعدة",
        "/",
        "/nonexistent_intent",
        '/ask_dienstencentrum{"location": "nergens"',
    ],
    ids=[
        "empty",
        "spaces",
        "emoji",
        "5000-chars",
        "control",
        "script",
        "french",
        "english",
        "arabic",
        "slash",
        "unknown-intent",
        "broken-payload",
    ],
)
def test_always_a_plain_reply(assistant: Assistant, message: str) -> None:
    replies = texts(assistant.resident().say(message))
    assert replies and all(r.strip() for r in replies)
    assert not any("<script>" in r for r in replies)
