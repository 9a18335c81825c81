"""What to do when the assistant does not understand: a menu, then a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import user_intents_newest_first
from bot.conversation import (
    FALLBACK_INTENT,
    NOT_UNDERSTOOD,
    OFFER_PERSON_AFTER,
    STILL_NOT_UNDERSTOOD,
    consecutive_fallbacks,
)


class ActionFallback(Action):
    """Runs for low NLU confidence (a rule) and when no rule fits (RulePolicy's core fallback)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intents = user_intents_newest_first(tracker)
        if consecutive_fallbacks(intents) >= OFFER_PERSON_AFTER:
            dispatcher.utter_message(text=STILL_NOT_UNDERSTOOD)
            # As an action (not a message) so the rules for "ja" / "nee" to the offer apply.
            return [FollowupAction("utter_offer_callback")]
        dispatcher.utter_message(text=NOT_UNDERSTOOD)
        dispatcher.utter_message(response="utter_menu")
        if intents and intents[0] != FALLBACK_INTENT:
            # No rule fitted the conversation: forget the message so the next one starts clean.
            return [UserUtteranceReverted()]
        return []
