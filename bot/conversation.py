"""Decisions about the flow of a conversation, kept apart from Rasa's tracker types."""

from __future__ import annotations

from collections.abc import Iterable

from bot.content.models import ServiceId


def service_for_intent(intent: str | None) -> ServiceId | None:
    """`ask_woonclub` → the Woonclub; any other intent → None."""
    if intent and intent.startswith("ask_"):
        try:
            return ServiceId(intent.removeprefix("ask_").split("/")[0])
        except ValueError:
            return None
    return None


FALLBACK_INTENT = "nlu_fallback"
# After this many misunderstood messages in a row, offer a person straight away.
OFFER_PERSON_AFTER = 2
NOT_UNDERSTOOD = "Ik begrijp je niet goed."
STILL_NOT_UNDERSTOOD = "Sorry, ik begrijp je nog altijd niet."


def consecutive_fallbacks(intents_newest_first: Iterable[str | None]) -> int:
    count = 0
    for intent in intents_newest_first:
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count
