"""The resident wants a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import catalogue_store, send, settings
from bot.content.answers import reach_person


class ActionContactPerson(Action):
    def name(self) -> str:
        return "action_contact_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        config = settings()
        catalogue = await catalogue_store().current()
        send(
            dispatcher, reach_person(catalogue.general, config.now().date(), config.staleness_days)
        )
        return []
