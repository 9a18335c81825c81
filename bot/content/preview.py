"""What residents would read after a change, before it is saved.

A few typical questions about the fact are put to the assistant's own answer code, on a
catalogue built from the edited document: staff see exactly the replies residents would
get, for better or worse, and nothing is stored. The questions are written the way
residents write them (lowercase, short); the answers are not this module's business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.adjacent import find_adjacent
from bot.callback import expected_call
from bot.content.answers import Reply
from bot.content.editing import check, with_value
from bot.content.hours import Moment
from bot.content.loader import GENERAL, Catalogue, catalogue_from_documents
from bot.content.models import Service, UrgentKind
from bot.conversation import Context, out_of_scope_replies, read_question, replies_to
from bot.safety import urgent_replies
from bot.topics import intent_of


@dataclass(frozen=True)
class Example:
    """One typical question (or moment, for replies that answer no question) and the replies."""

    question: str
    replies: list[Reply]
    # False: `question` describes when the replies are sent, it is not a resident's words.
    asked: bool = True


# What residents write about each kind of fact; {name} is the place or the service.
_PLACE_QUESTIONS = {
    "hours": ["is {name} vandaag open", "wanneer is {name} open op zaterdag", "is {name} nu open"],
    "address": ["waar is {name}"],
    "phone": ["wat is het nummer van {name}"],
    "notes": ["{name}"],
    "closed": ["is {name} open", "waar is {name}"],
}
_SERVICE_QUESTIONS = {
    "about": ["wat is {name}"],
    "who": ["voor wie is {name}"],
    "price": ["hoeveel kost {name}"],
    "signup": ["hoe kan ik mij inschrijven bij {name}"],
    "phone": ["wat is het nummer van {name}"],
    "notes": ["{name}"],
}
# A question the assistant cannot answer: the reply names the Sociaal Huis and the city's
# number.
SOCIAL_QUESTION = "ik heb schulden, wie kan mij helpen"
URGENT_MESSAGES = {
    UrgentKind.danger.value: "help er is brand bij de buren",
    UrgentKind.suicide.value: "ik wil er een einde aan maken",
    UrgentKind.violence.value: "mijn man slaat mij",
    UrgentKind.homeless.value: "ik heb vannacht nergens om te slapen",
}
CALLBACK_MOMENTS = [Moment.voormiddag.value, Moment.maakt_niet_uit.value]


def edited_catalogue(
    documents: Mapping[str, dict[str, Any]], document: str, path: str, value: Any
) -> Catalogue:
    """The catalogue as it would be with `value` at `path`; ContentError when it cannot be."""
    content = with_value(documents[document], path, value)
    check(document, content)
    return catalogue_from_documents({**documents, document: content})


def resident_replies(
    catalogue: Catalogue, service: Service, text: str, now: datetime, staleness_days: int
) -> list[Reply]:
    """The replies to a first message about `service`, as the action server builds them."""
    context = Context()
    reading = read_question(catalogue, intent_of(service), text, {}, context)
    return replies_to(catalogue, reading, context, now, staleness_days)


def examples(
    catalogue: Catalogue, document: str, path: str, now: datetime, staleness_days: int
) -> list[Example]:
    """Typical questions about the fact at `path` and what the assistant replies, at `now`
    (the city's local time); [] for a fact no reply uses."""
    parts = path.split("/")
    if document == GENERAL:
        return _general(catalogue, parts, now)
    service = catalogue.service(document)
    if parts[0] == "locations" and len(parts) > 2:
        location = next(loc for loc in service.locations if loc.id == parts[1])
        questions, name = _PLACE_QUESTIONS.get(parts[2], []), location.name
    else:
        questions, name = _SERVICE_QUESTIONS.get(parts[0], []), service.name
    asked = [question.format(name=name.lower()) for question in questions]
    return [
        Example(text, resident_replies(catalogue, service, text, now, staleness_days))
        for text in asked
    ]


def _general(catalogue: Catalogue, parts: list[str], now: datetime) -> list[Example]:
    general = catalogue.general
    if parts[0] == "urgent" and parts[-1] in URGENT_MESSAGES:
        text = URGENT_MESSAGES[parts[-1]]
        return [Example(text, urgent_replies(general, text))]
    if parts[:2] == ["contact", "hours"]:
        return [
            Example(
                f"Na een vraag om terug te bellen, moment: {moment}",
                [Reply(expected_call(general.contact.hours, moment, now))],
                asked=False,
            )
            for moment in CALLBACK_MOMENTS
        ]
    if parts[:2] in (["contact", "phone"], ["social", "address"], ["social", "phone"]):
        topic = find_adjacent(SOCIAL_QUESTION)
        assert topic is not None
        return [Example(SOCIAL_QUESTION, out_of_scope_replies(catalogue, topic))]
    return []
