"""What to do when the assistant does not understand: a menu, then a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import user_intents_newest_first
from actions.menu import send_menu
from actions.services import answer_from_context
from bot.conversation import (
    FALLBACK_INTENT,
    HELP,
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
        in_context = await answer_from_context(dispatcher, tracker)
        if in_context is not None:
            return in_context
        intents = user_intents_newest_first(tracker)
        if consecutive_fallbacks(intents) >= OFFER_PERSON_AFTER:
            dispatcher.utter_message(text=STILL_NOT_UNDERSTOOD)
            # As an action (not a message) so the rules for "ja" / "nee" to the offer apply.
            return [FollowupAction("utter_offer_callback")]
        dispatcher.utter_message(text=NOT_UNDERSTOOD)
        await send_menu(dispatcher)
        if intents and intents[0] != FALLBACK_INTENT:
            # No rule fitted the conversation: forget the message so the next one starts clean.
            return [UserUtteranceReverted()]
        return []


class ActionHelp(Action):
    """A "wie kan mij daarmee helpen?" is about what was just said, when something was."""

    def name(self) -> str:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        in_context = await answer_from_context(dispatcher, tracker)
        if in_context is not None:
            return in_context
        dispatcher.utter_message(text=HELP)
        await send_menu(dispatcher)
        return []
