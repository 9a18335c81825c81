from __future__ import annotations

from bot.content.models import ServiceId
from bot.conversation import consecutive_fallbacks, service_for_intent


def test_service_for_intent() -> None:
    assert service_for_intent("ask_woonclub") is ServiceId.woonclub
    assert service_for_intent("ask_woonclub/adres") is ServiceId.woonclub
    assert service_for_intent("ask_weather") is None
    assert service_for_intent("greet") is None
    assert service_for_intent(None) is None


def test_consecutive_fallbacks() -> None:
    assert consecutive_fallbacks(["nlu_fallback", "nlu_fallback", "greet"]) == 2
    assert consecutive_fallbacks(["greet", "nlu_fallback"]) == 0
    assert consecutive_fallbacks([]) == 0
