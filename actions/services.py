"""Answers about the four services, computed from the catalogue."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import catalogue_store, send, settings, user_intents_newest_first
from bot.content.answers import Question, answer
from bot.conversation import service_for_intent


class ActionAnswerService(Action):
    def name(self) -> str:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        service = next(
            filter(None, map(service_for_intent, user_intents_newest_first(tracker))), None
        )
        if service is None:
            dispatcher.utter_message(response="utter_menu")
            return []
        question = Question(
            service=service,
            text=tracker.latest_message.get("text") or "",
            location=next(tracker.get_latest_entity_values("location"), None),
            day=next(tracker.get_latest_entity_values("day"), None),
        )
        config = settings()
        catalogue = await catalogue_store().current()
        send(dispatcher, answer(catalogue, question, config.now(), config.staleness_days))
        return []
