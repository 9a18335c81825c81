"""Messages the services cannot answer: adjacent questions and other languages."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import catalogue_store, send
from actions.services import context_events
from bot.adjacent import find_adjacent
from bot.content.answers import CALLBACK_BUTTON, Reply, resolve_aspects
from bot.conversation import (
    OTHER,
    Context,
    Reading,
    out_of_scope_replies,
    services_named,
    which_service,
)
from bot.language import reply_text
from bot.topics import menu


class ActionOutOfScope(Action):
    """Says plainly it cannot help and where a person can; the service in context is dropped,
    so "en wat is hun nummer?" after a question about a pension is not answered with a
    service's number."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalogue = await catalogue_store().current()
        text = tracker.latest_message.get("text") or ""
        words = [w for service in catalogue.services.values() for w in service.words]
        topic = find_adjacent(text, words)
        named = services_named(catalogue, text)
        if topic is None and len(named) == 1:
            # The classifier said "out of scope", yet the message names one service ("ze kan
            # niet met de bus"): ask rather than guess either way.
            reading = Reading(candidates=tuple(named), aspects=resolve_aspects(text))
            send(dispatcher, [which_service(catalogue, reading)])
            return []
        # Words of several services ("niks te eten in huis") tell nothing: the social topic wins.
        topic = topic or find_adjacent(text) or OTHER
        send(dispatcher, out_of_scope_replies(catalogue, topic))
        return context_events(Context(topic=topic))


class ActionOtherLanguage(Action):
    """One fixed reply in the resident's language; the conversation goes on in Dutch."""

    def name(self) -> str:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        catalogue = await catalogue_store().current()
        language = next(tracker.get_latest_entity_values("language"), None)
        phone = catalogue.general.contact.phone.text or ""
        try:
            text = reply_text(language or "", phone)
        except KeyError:
            send(dispatcher, [menu(catalogue)])
            return []
        send(dispatcher, [Reply(text, (CALLBACK_BUTTON,))])
        return []
