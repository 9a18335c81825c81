"""The safety net raises no false alarm on calm messages, and loses no real one.

Two ways a calm message got the urgent numbers: a danger phrase right after a
negation ("niet in gevaar"), and the classifier's own `urgent_help` guess on words
that only often stand next to danger ("kinderen", "thuis"). `detect_urgent` now
skips a negated danger phrase; `may_be_urgent` says when such a guess is baseless.
"""

from __future__ import annotations

import re

import pytest
import yaml

from bot.content.models import UrgentKind
from bot.safety import detect_urgent, may_be_urgent
from bot.settings import PROJECT_ROOT

CALM = [
    "ik heb veel schulden en de deurwaarder is geweest",
    "ik heb kleine kinderen thuis",
    "ze is nu niet in gevaar maar ik maak mij zorgen",
    "hij is nie in gevaar hoor",
    "er is geen levensgevaar, ik heb gewoon een vraag over de woonclub",
    "ik ben niet dakloos maar ik zoek een ander huis",
    "ik heb drie kindjes en mijn man werkt",
    "mijn moeder woont alleen en ze is eenzaam",
    "wij zijn met vijf thuis",
    "de deurwaarder komt volgende week",
    "ik maak mij zorgen over mijn pensioen",
]

URGENT = [
    ("ik wil er ni meer zijn", [UrgentKind.suicide]),
    # About someone else: the same number helps the one who worries.
    ("mijn zus wil zich iets aandoen", [UrgentKind.suicide]),
    ("mijn broer wil zichzelf iets aandoen", [UrgentKind.suicide]),
    ("ik wil er nie meer zijn", [UrgentKind.suicide]),
    ("kzie het ni meer zitten", []),  # "kzie" is no word we know: the classifier decides
    ("ik zie het niet meer zitten", [UrgentKind.suicide]),
    ("ik ben het leven beu", [UrgentKind.suicide]),
    # "not yet in danger" still warns: it may come soon.
    ("ze is nog niet in gevaar maar hij dreigt", [UrgentKind.danger]),
    # A negation never cancels suicide or violence: when in doubt, urgent wins.
    ("ik denk niet aan zelfmoord maar toch", [UrgentKind.suicide]),
    ("hij slaat mij niet meer zo vaak", [UrgentKind.violence]),
    ("ik ben niet in gevaar, mijn man slaat mij", [UrgentKind.violence]),
    # A negation further away, or of something else, does not cancel.
    ("ik weet niet of ik in gevaar ben", [UrgentKind.danger]),
    ("niet bellen, er is brand", [UrgentKind.danger]),
    ("ik heb niks meer en slaap op straat", [UrgentKind.homeless]),
]


@pytest.mark.parametrize("text", CALM)
def test_calm_messages_raise_no_alarm(text: str) -> None:
    assert detect_urgent(text) == []
    assert not may_be_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "ze is nu niet in gevaar",
        "ze is niet meer in gevaar",
        "hij is ni echt in gevaar",
        "geen levensgevaar",
        "het huis staat niet in brand",
        "ik ben nog altijd niet dakloos",
    ],
)
def test_a_negated_danger_phrase_does_not_count(text: str) -> None:
    assert detect_urgent(text) == []


@pytest.mark.parametrize(("text", "kinds"), URGENT)
def test_real_urgency_is_kept(text: str, kinds: list[UrgentKind]) -> None:
    assert detect_urgent(text) == kinds
    assert may_be_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "mijn kindje heeft hoge koorts en ademt raar",
        "mijn vriend heeft al zijn pillen genomen",
        "ik trek het niet meer",
        "help mijn man wordt agressief",
        "mijn ex staat voor de deur en ik ben bang",
        "mijn buurman ligt op de grond",
        "ze hebben mij eruit gezet met de kinderen",
        "ik weet niet waar ik vannacht moet blijven",
        "dringend aub",
        "mijn dochter is weg sinds gisteren",
        "hij heeft gedronken en gooit met stoelen, ik ben bang",
    ],
)
def test_any_sign_of_urgency_keeps_the_classifiers_guess(text: str) -> None:
    assert may_be_urgent(text)


def test_every_urgent_training_example_shows_a_sign() -> None:
    data = yaml.safe_load((PROJECT_ROOT / "data" / "nlu" / "urgent.yml").read_text())
    examples = [
        re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", line.strip()[2:])
        for item in data["nlu"]
        if item.get("intent") == "urgent_help"
        for line in item["examples"].splitlines()
        if line.strip()
    ]
    assert len(examples) > 20
    assert [text for text in examples if not may_be_urgent(text)] == []
