"""Urgent help: the right number first, before anything else."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import catalogue_store, send
from actions.services import context_events
from bot.conversation import URGENT, Context
from bot.safety import urgent_replies


class ActionUrgentHelp(Action):
    def name(self) -> str:
        return "action_urgent_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalogue = await catalogue_store().current()
        send(
            dispatcher, urgent_replies(catalogue.general, tracker.latest_message.get("text") or "")
        )
        # What follows ("en ik heb ook geen geld") is about this, not a service talked about
        # before: it gets the way to a person again.
        return context_events(Context(topic=URGENT))
