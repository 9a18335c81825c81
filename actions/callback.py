"""The call-back form: start it, validate each answer, ask, and save the request.

The form's slot names live here only; `bot.callback` reads the answers without
knowing them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from abc import ABC, abstractmethod
from typing import Any, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.deps import (
    catalogue_store,
    latest_user_metadata,
    repository,
    send,
    settings,
    user_intents_newest_first,
    user_metadata_newest_first,
    user_texts,
)
from actions.services import answer_in_context
from bot import callback as cb
from bot.content.answers import Reply, contact_reply
from bot.content.loader import Catalogue
from bot.conversation import has_question, service_for_intent, services_named
from bot.safety import detect_urgent, urgent_replies
from bot.senders import channel_of
from bot.store.repository import NewCallback
from bot.topics import OTHER_TOPIC

log = logging.getLogger(__name__)
T = TypeVar("T")

FORM_SLOTS = [
    "callback_consent",
    "callback_phone",
    "callback_name",
    "callback_moment",
    "callback_topic",
    "callback_confirm",
]
STATE_SLOTS = [
    "callback_fix",
    "callback_phone_tries",
    "callback_outcome",
    "callback_existing",
    "callback_key",
    "callback_suggested_topic",
    "callback_excerpt",
    "callback_known_phone",
    "callback_topic_words",
]
# The slot to empty (and so ask again) for each answer the resident wants to change.
DETAIL_SLOTS = {
    cb.Detail.phone: "callback_phone",
    cb.Detail.name: "callback_name",
    cb.Detail.moment: "callback_moment",
    cb.Detail.topic: "callback_topic",
}
STOPPED, DECLINED, NO_PHONE, CONFIRMED = "stopped", "declined", "no_phone", "confirmed"


def _channel(tracker: Tracker) -> str:
    """From the conversation id our channels made, never from what a caller claims."""
    return channel_of(tracker.sender_id)


class ActionStartCallback(Action):
    """Fresh slots for a new request, or only the moment when one is still open."""

    def name(self) -> str:
        return "action_start_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(s, None) for s in [*FORM_SLOTS, *STATE_SLOTS]]
        channel = _channel(tracker)
        existing = await asyncio.to_thread(
            lambda: repository().open_request(channel, tracker.sender_id)
        )
        if existing is not None:
            dispatcher.utter_message(text=cb.already_open_text(existing.reference))
            return [*events, SlotSet("callback_existing", existing.reference)]
        suggested = next(
            filter(None, map(service_for_intent, user_intents_newest_first(tracker))), None
        )
        return [
            *events,
            SlotSet("callback_key", f"{channel}:{tracker.sender_id}:{uuid.uuid4().hex}"),
            SlotSet("callback_suggested_topic", suggested.value if suggested else None),
            SlotSet("callback_excerpt", cb.excerpt(user_texts(tracker)[:-1])),
            SlotSet("callback_phone_tries", 0.0),
            SlotSet(
                "callback_known_phone",
                cb.known_phone(channel, latest_user_metadata(tracker)),
            ),
        ]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("callback_outcome"):
            return []
        if tracker.get_slot("callback_existing"):
            return ["callback_moment"]
        if tracker.get_slot("callback_confirm") is False:
            return [*FORM_SLOTS, "callback_fix"]
        return FORM_SLOTS

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if cb.wants_to_stop(text):
            return [SlotSet("callback_outcome", STOPPED), SlotSet("requested_slot", None)]
        if detect_urgent(text):
            catalogue = await catalogue_store().current()
            send(dispatcher, urgent_replies(catalogue.general, text))
        elif await self._is_service_question(tracker, text):
            # "wacht, is da maandverband gratis?" while we ask for a number: answer it, then
            # the form asks its question again.
            return await answer_in_context(
                dispatcher, tracker, tracker.get_intent_of_latest_message()
            )
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return events

    @staticmethod
    async def _is_service_question(tracker: Tracker, text: str) -> bool:
        """A question about a service that names it, asked while the form waits for an answer.

        Not while the form asks for the topic: there, naming a service is the answer.
        """
        if tracker.get_slot("requested_slot") == "callback_topic":
            return False
        if service_for_intent(tracker.get_intent_of_latest_message()) is None:
            return False
        catalogue = await catalogue_store().current()
        return bool(services_named(catalogue, text)) and has_question(text)

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = cb.yes_or_no(str(value))
        if answer is False:
            return {"callback_consent": None, "callback_outcome": DECLINED, "requested_slot": None}
        return {"callback_consent": _or_choose(answer, dispatcher)}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        known = tracker.get_slot("callback_known_phone")
        phone = cb.read_phone(str(value), known)
        if phone is not None:
            return {"callback_phone": phone}
        if known is not None:  # "ander nummer" (or anything else): ask for it the usual way
            return {"callback_phone": None, "callback_known_phone": None}
        tries = int(tracker.get_slot("callback_phone_tries") or 0) + 1
        if tries >= cb.MAX_PHONE_TRIES:
            return {"callback_phone": None, "callback_outcome": NO_PHONE, "requested_slot": None}
        dispatcher.utter_message(text=cb.PHONE_NOT_UNDERSTOOD)
        return {"callback_phone": None, "callback_phone_tries": float(tries)}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = cb.read_name(str(value))
        if name is None:
            dispatcher.utter_message(text=cb.NAME_NOT_UNDERSTOOD)
        return {"callback_name": name}

    def validate_callback_moment(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        moment = cb.read_moment(str(value))
        return {"callback_moment": _or_choose(moment.value if moment else None, dispatcher)}

    async def validate_callback_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        catalogue = await catalogue_store().current()
        topic = cb.read_topic(catalogue, str(value), tracker.get_slot("callback_suggested_topic"))
        if topic == OTHER_TOPIC:
            # Their own words tell staff more than "iets anders" (shown in the summary too).
            return {"callback_topic": topic, "callback_topic_words": cb.own_words(str(value))}
        return {"callback_topic": _or_choose(topic, dispatcher)}

    def validate_callback_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        answer = cb.yes_or_no(str(value))
        if answer is True:
            return {"callback_confirm": True, "callback_outcome": CONFIRMED}
        return {"callback_confirm": _or_choose(answer, dispatcher)}

    def validate_callback_fix(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        detail = cb.read_detail(str(value))
        if detail is None:
            return {"callback_fix": _or_choose(None, dispatcher)}
        return {"callback_fix": None, "callback_confirm": None, DETAIL_SLOTS[detail]: None}


def _or_choose(value: T, dispatcher: CollectingDispatcher) -> T:
    """Pass a recognised answer on; for an unclear one, point to the buttons (asked again next)."""
    if value is None:
        dispatcher.utter_message(text=cb.CHOOSE_A_BUTTON)
    return value


class _AskAction(Action, ABC):
    """Asks for one slot of the form; the question itself comes from bot.callback."""

    slot: str

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        catalogue = await catalogue_store().current()
        send(dispatcher, [self.question(tracker, catalogue)])
        return []


class ActionAskCallbackConsent(_AskAction):
    slot = "callback_consent"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.CONSENT_QUESTION


class ActionAskCallbackPhone(_AskAction):
    slot = "callback_phone"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.phone_question(tracker.get_slot("callback_known_phone"), _channel(tracker))


class ActionAskCallbackName(_AskAction):
    slot = "callback_name"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.NAME_QUESTION


class ActionAskCallbackMoment(_AskAction):
    slot = "callback_moment"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.MOMENT_QUESTION


class ActionAskCallbackTopic(_AskAction):
    slot = "callback_topic"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.topic_question(catalogue, tracker.get_slot("callback_suggested_topic"))


class ActionAskCallbackConfirm(_AskAction):
    slot = "callback_confirm"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.summary_question(
            catalogue,
            tracker.get_slot("callback_phone"),
            tracker.get_slot("callback_name"),
            tracker.get_slot("callback_moment"),
            tracker.get_slot("callback_topic"),
            tracker.get_slot("callback_topic_words"),
        )


class ActionAskCallbackFix(_AskAction):
    slot = "callback_fix"

    def question(self, tracker: Tracker, catalogue: Catalogue) -> Reply:
        return cb.FIX_QUESTION


class ActionSubmitCallback(Action):
    """Saves the request before saying "Gelukt"; any failure ends with a number to call."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        now = settings().now()
        general = (await catalogue_store().current()).general
        contact = contact_reply(general)
        outcome = tracker.get_slot("callback_outcome")
        existing = tracker.get_slot("callback_existing")
        moment = tracker.get_slot("callback_moment")
        reset = [ActiveLoop(None), *(SlotSet(s, None) for s in [*FORM_SLOTS, *STATE_SLOTS])]
        if outcome == STOPPED:
            dispatcher.utter_message(text=cb.STOPPED)
            return reset
        if outcome in (DECLINED, NO_PHONE):
            dispatcher.utter_message(text=cb.DECLINED if outcome == DECLINED else cb.NO_PHONE)
            send(dispatcher, [contact])
            return reset
        urgent = cb.followed_urgent_help(tracker.events, tracker.get_slot("topic"))
        try:
            # repository() itself may connect and migrate on first use: off the loop too.
            if existing:
                await asyncio.to_thread(
                    lambda: repository().change_moment(
                        existing, moment, tracker.sender_id, now, urgent
                    )
                )
                reference = existing
            else:
                new = self._new(tracker, urgent)
                saved = await asyncio.to_thread(lambda: repository().save(new, now))
                reference = saved.record.reference
        except Exception:
            log.exception("Saving a call-back request failed")
            dispatcher.utter_message(text=cb.FAILED)
            send(dispatcher, [contact])
            return reset
        dispatcher.utter_message(text=cb.saved_text(reference))
        dispatcher.utter_message(text=cb.expected_call(general.contact.hours, moment, now))
        # Kept for the apology should a later turn fail (bot/rasa_patches.py).
        return [*reset, SlotSet("callback_reference", reference)]

    @staticmethod
    def _new(tracker: Tracker, urgent: bool) -> NewCallback:
        return NewCallback(
            submission_key=tracker.get_slot("callback_key"),
            channel=_channel(tracker),
            sender_id=tracker.sender_id,
            phone=tracker.get_slot("callback_phone"),
            name=tracker.get_slot("callback_name") or None,
            preferred_moment=tracker.get_slot("callback_moment"),
            topic=tracker.get_slot("callback_topic"),
            excerpt=cb.excerpt(
                [
                    tracker.get_slot("callback_excerpt") or "",
                    tracker.get_slot("callback_topic_words") or "",
                ]
            ),
            referral_code=cb.referral_code(user_metadata_newest_first(tracker)),
            urgent=urgent,
        )
