from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import load_catalogue
from bot.content.models import UrgentKind
from bot.safety import detect_urgent, urgent_replies


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("ik denk aan zelfmoord", [UrgentKind.suicide]),
        ("ik wil nie meer leven", [UrgentKind.suicide]),
        ("Ik wil NIET MEER LEVEN!!", [UrgentKind.suicide]),
        ("mijn man slaagt mij", [UrgentKind.violence]),
        ("ik slaap vannacht op straat", [UrgentKind.homeless]),
        ("er is brand", [UrgentKind.danger]),
        ("hij slaat mij en ik wil dood", [UrgentKind.suicide, UrgentKind.violence]),
        ("ik ben geslaagd voor mijn examen", []),
        ("ik zoek maandverband", []),
        ("mijn portemonnee ligt op straat", []),
    ],
)
def test_detect_urgent(text: str, kinds: list[UrgentKind]) -> None:
    assert detect_urgent(text) == kinds


def test_replies_give_the_matching_number_first() -> None:
    general = load_catalogue(Path("data/content")).general
    replies = urgent_replies(general, "ik wil er een einde aan maken")
    assert len(replies) == 1 and "1813" in replies[0].text


def test_unclear_urgency_lists_every_number_with_112_first() -> None:
    general = load_catalogue(Path("data/content")).general
    replies = urgent_replies(general, "help dringend")
    numbers = ["112", "1813", "1712", "078 150 300"]
    assert [n for r in replies for n in numbers if n in r.text] == numbers
