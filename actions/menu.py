"""The menu of services, built from the catalogue (a new service appears without a code change)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.deps import catalogue_store, send
from bot.topics import menu


async def send_menu(dispatcher: CollectingDispatcher) -> None:
    """For the actions that end with the menu themselves."""
    send(dispatcher, [menu(await catalogue_store().current())])


class ActionMenu(Action):
    def name(self) -> str:
        return "action_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        await send_menu(dispatcher)
        return []
