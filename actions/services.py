"""Answers about the services, computed from the catalogue and the conversation's context."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.deps import catalogue_store, send, settings
from bot.conversation import (
    FOLLOWUP_INTENT,
    Context,
    context_after,
    has_question,
    out_of_scope_replies,
    read_question,
    replies_to,
)

CONTEXT_SLOTS = ("service", "location", "aspects", "day", "topic")


def context_of(tracker: Tracker) -> Context:
    return Context(
        service=tracker.get_slot("service"),
        location=tracker.get_slot("location"),
        aspects=tuple(tracker.get_slot("aspects") or ()),
        day=tracker.get_slot("day"),
        topic=tracker.get_slot("topic"),
    )


def context_events(context: Context) -> list[EventType]:
    return [SlotSet(name, getattr(context, name)) for name in CONTEXT_SLOTS]


class ActionAnswerService(Action):
    """Answers every sub-question of a message, for the service it names or the one in context."""

    def name(self) -> str:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return await answer_in_context(dispatcher, tracker, intent)


async def answer_in_context(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str | None
) -> list[EventType]:
    """The reply to a question read with the conversation's context (also for the fallback)."""
    text = tracker.latest_message.get("text") or ""
    entities = {
        name: next(tracker.get_latest_entity_values(name), None)
        for name in ("location", "day", "aspect")
    }
    context = context_of(tracker)
    catalogue = await catalogue_store().current()
    reading = read_question(catalogue, intent, text, entities, context)
    config = settings()
    now = config.now()
    send(dispatcher, replies_to(catalogue, reading, context, now, config.staleness_days))
    if reading.question is None:
        return []
    return context_events(context_after(catalogue, reading.question, now))


async def answer_from_context(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """For a message the NLU was unsure of, or took for a general one: an answer about what was
    just talked about, when there is something and the message asks about it; else None.
    """
    context = context_of(tracker)
    if context.topic is not None:
        # Right after a question we could not answer ("wie kan mij daarmee helpen?"): the way
        # to a person again.
        send(dispatcher, out_of_scope_replies(await catalogue_store().current(), context.topic))
        return []
    if context.service is not None and has_question(tracker.latest_message.get("text") or ""):
        # "hoe kan ik mij daarvoor opgeven": answer that rather than show the menu.
        return await answer_in_context(dispatcher, tracker, FOLLOWUP_INTENT)
    return None
