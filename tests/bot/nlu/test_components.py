"""The intents the NLU pipeline must give whatever the classifier says (bot/nlu/components.py)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from bot.content.loader import CatalogueStore
from bot.language import LanguageDetector
from bot.nlu.components import Override, Overrides
from bot.settings import PROJECT_ROOT


@lru_cache(maxsize=1)
def overrides() -> Overrides:
    """Built once: the language detector takes half a second and 200 MB (read-only after)."""
    return Overrides(LanguageDetector(), CatalogueStore(PROJECT_ROOT / "data" / "content"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zelfmoord", Override("urgent_help")),
        ("", Override("nlu_fallback")),
        ("   ", Override("nlu_fallback")),
        ("😀😀", Override("nlu_fallback")),
        ("\x00\x07", Override("nlu_fallback")),
        ("waar is den abeel", None),
        ("is da gratis", None),
        ("ok merci", None),
        # Arabic has no Latin letters, yet it is a message, not an empty one.
        ("مرحبا", Override("other_language", "ar")),
        ("bonjour, je ne comprends pas le flamand", Override("other_language", "fr")),
        ("ik wil met nen echte mens spreken", Override("request_callback")),
        ("geen robot aub", Override("request_callback")),
        ("ik kan mijn huur deze maand niet betalen", Override("out_of_scope")),
        ("hoe vraag ik een leefloon aan", Override("out_of_scope")),
        # Service words win where the service is the answer.
        ("ik zoek een huis om te huren", None),
        ("we hebben geen geld voor maandverband", None),
    ],
)
def test_overrides(text: str, expected: Override | None) -> None:
    assert overrides()(text) == expected


def test_the_classifier_alone_may_not_raise_the_alarm() -> None:
    calm = "ik heb kleine kinderen thuis"
    assert overrides().check(calm, "urgent_help") == Override("nlu_fallback")
    assert overrides().check("help ik ben bang", "urgent_help") is None
    assert overrides().check(calm, "greet") is None
