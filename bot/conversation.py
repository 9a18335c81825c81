"""Decisions about the flow of a conversation, kept apart from Rasa's tracker types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.adjacent import adjacent_reply
from bot.content.answers import (
    DAY_TERMS,
    NAME_FUZZY_FROM,
    Aspect,
    Button,
    Question,
    Reply,
    answer,
    contact_reply,
    find_location,
    parse_aspects,
    place_terms,
    resolve_aspects,
    resolve_when,
)
from bot.content.loader import Catalogue
from bot.content.matching import find_term, normalise
from bot.content.models import ServiceId
from bot.topics import menu


def service_for_intent(intent: str | None) -> ServiceId | None:
    """`ask_woonclub` → the Woonclub; any other intent → None."""
    if intent and intent.startswith("ask_"):
        try:
            return ServiceId(intent.removeprefix("ask_").split("/")[0])
        except ValueError:
            return None
    return None


FALLBACK_INTENT = "nlu_fallback"
FOLLOWUP_INTENT = "ask_followup"
# After this many misunderstood messages in a row, offer a person straight away.
OFFER_PERSON_AFTER = 2
NOT_UNDERSTOOD = "Ik begrijp je niet goed."
HELP = "Ik beantwoord vragen over een paar diensten in Mechelen."
STILL_NOT_UNDERSTOOD = "Sorry, ik begrijp je nog altijd niet."


def consecutive_fallbacks(intents_newest_first: Iterable[str | None]) -> int:
    count = 0
    for intent in intents_newest_first:
        if intent != FALLBACK_INTENT:
            break
        count += 1
    return count


@dataclass(frozen=True)
class Context:
    """What the conversation was about: the service, place, question kinds and day answered last.

    A message that names only a sub-question or a day ("en morgen?") is answered for this.
    """

    service: str | None = None
    location: str | None = None
    aspects: tuple[str, ...] = ()
    day: str | None = None
    # A question the assistant could not answer (a bot.adjacent topic, OTHER) or URGENT help.
    topic: str | None = None


@dataclass(frozen=True)
class Reading:
    """What to do with a question: answer `question`, or ask which of `candidates` it is about.

    No question and no candidates: ask with the menu.
    """

    question: Question | None = None
    candidates: tuple[ServiceId, ...] = ()
    # Asked in the message: the buttons of the question back ask them again.
    aspects: tuple[Aspect, ...] = ()


def services_named(catalogue: Catalogue, text: str) -> list[ServiceId]:
    """The services the message names by one of their words or places, in catalogue order.

    A place's name is taken out before the words are matched, so "het Sociaal Huis" names the
    place and not the Woonclub's "huis".
    """
    plain = f" {normalise(text)} "
    named = []
    for service in catalogue.services.values():
        terms = place_terms(service)
        places = [normalise(name) for name in terms]
        hits = [name for name in places if name and f" {name} " in plain]
        for name in sorted(hits, key=len, reverse=True):
            plain = plain.replace(f" {name} ", " ")
        near = find_term(text, terms, fuzzy_from=NAME_FUZZY_FROM)
        if hits or near is not None:
            named.append(service.id)
    for service in catalogue.services.values():
        words = dict.fromkeys(service.words, True)
        if service.id not in named and find_term(plain, words, fuzzy_from=NAME_FUZZY_FROM):
            named.append(service.id)
    return [sid for sid in catalogue.services if sid in named]


def read_question(
    catalogue: Catalogue,
    intent: str | None,
    text: str,
    entities: Mapping[str, str | None],
    context: Context,
) -> Reading:
    """Which service and which sub-questions a message is about, given the conversation so far.

    Words in the message beat the classifier's guess; without any, the service talked about
    last is meant; without that either, the assistant asks instead of guessing.
    """
    predicted = service_for_intent(intent)
    if text.startswith("/") and predicted is not None:
        return Reading(_button_question(predicted, entities))
    named = services_named(catalogue, text)
    aspects = resolve_aspects(text, followup=not named)
    if len(named) > 1:
        return Reading(candidates=tuple(named), aspects=aspects)
    if named:
        service = named[0]
    elif context.service is not None:
        service = ServiceId(context.service)
    elif predicted is not None:
        return Reading(candidates=(predicted,), aspects=aspects)
    else:
        return Reading()
    same = context.service == service.value
    named_place = _place_named(catalogue, service, text)
    place = entities.get("location") or named_place
    day = entities.get("day")
    if same and place is None:
        place = context.location
    if same and named_place and not aspects and day is None and not find_term(text, DAY_TERMS):
        # "en in De Schijf?": the same question as before, for another place.
        aspects = parse_aspects(",".join(context.aspects))
        day = context.day
    question = Question(service, text, place, day, aspects, followup=not named)
    return Reading(question)


def _place_named(catalogue: Catalogue, service: ServiceId, text: str) -> str | None:
    location = find_location(catalogue.service(service), None, text)
    return None if location is None else location.id


def _button_question(service: ServiceId, entities: Mapping[str, str | None]) -> Question:
    return Question(
        service,
        "",
        entities.get("location"),
        entities.get("day"),
        parse_aspects(entities.get("aspect")),
    )


def which_service(catalogue: Catalogue, reading: Reading) -> Reply:
    """One short question back, with buttons that ask the same question about each candidate."""
    services = [catalogue.service(sid) for sid in reading.candidates]
    aspects = ",".join(aspect.value for aspect in reading.aspects)
    extra = f'{{"aspect":"{aspects}"}}' if aspects else ""
    if len(services) == 1:
        service = services[0]
        return Reply(
            f"Gaat je vraag over {service.topic}?",
            (Button("Ja", f"/ask_{service.id.value}{extra}"), Button("Nee", "/help")),
        )
    buttons = tuple(Button(s.label, f"/ask_{s.id.value}{extra}") for s in services)
    return Reply("Je vraag gaat over meer dan één ding. Waarover eerst?", buttons)


def context_after(catalogue: Catalogue, question: Question, now: datetime) -> Context:
    """The context a question leaves for the next message: what was just answered."""
    service = catalogue.service(question.service)
    location = find_location(service, question.location, question.text)
    when = resolve_when(question, now)
    aspects = question.aspects or resolve_aspects(question.text, followup=question.followup)
    return Context(
        service=service.id.value,
        location=None if location is None else location.id,
        aspects=tuple(a.value for a in aspects),
        day=None if when is None or when.now or when.weekend else when.day.isoformat(),
    )


# Ways of asking for a person. Only whole phrases that want one count: "iemand" alone is often
# a ride ("kan iemand mij brengen"), "ben jij een echte mens?" asks what the assistant is.
PERSON_TERMS = [
    "met een mens",
    "met een echte mens",
    "een mens spreken",
    "mens spreken",
    "mens praten",
    "wil een mens",
    "wil een echte mens",
    "mens aub",
    "mens aan de lijn",
    "mens aan de telefoon",
    "met een medewerker",
    "met een medewerkster",
    "medewerker spreken",
    "wil een medewerker",
    "een medewerker aub",
    "iemand spreken",
    "iemand aan de lijn",
    "iemand aan de telefoon",
    "met iemand praten",
    "met iemand spreken",
    "praten met iemand",
    "spreken met iemand",
    "persoon spreken",
    "met een echte persoon",
    "echte persoon die",
    "echte mens die",
    "wil een echte persoon",
    "terugbellen",
    "terug bellen",
    "terugbelle",
    "bel mij",
    "bel me",
    "belt mij",
    "mij bellen",
    "me bellen",
    "mij opbellen",
    "mij eens bellen",
    "geen robot",
    "geen computer",
    "geen bot",
    "doorverbinden",
    "verbind mij",
    "verbind me",
    "doorverbonden",
]


def asks_for_person(text: str) -> bool:
    padded = f" {normalise(text)} "
    return any(f" {term} " in padded for term in PERSON_TERMS)


OUT_OF_SCOPE = (
    "Daar kan ik je niet mee helpen. Ik weet alleen iets over een paar diensten van de stad."
)


# The topic of an out-of-scope question that is not one of bot.adjacent's, and of urgent help.
OTHER = "anders"
URGENT = "dringend"


def out_of_scope_replies(catalogue: Catalogue, topic: str) -> list[Reply]:
    """Plainly "I can't help with that", and the way to a person."""
    if topic == URGENT:
        # After the urgent numbers: a person, not "I can't help with that".
        return [contact_reply(catalogue.general)]
    if topic != OTHER:
        return adjacent_reply(catalogue.general, topic)
    return [Reply(OUT_OF_SCOPE), contact_reply(catalogue.general)]


def has_question(text: str) -> bool:
    """The text asks something or names a day: worth answering in the context."""
    return (
        text.rstrip().endswith("?")
        or bool(resolve_aspects(text, followup=True))
        or find_term(text, DAY_TERMS) is not None
    )


def replies_to(
    catalogue: Catalogue, reading: Reading, context: Context, now: datetime, staleness_days: int
) -> list[Reply]:
    """What the assistant says to a message read by `read_question`: the answer; else which
    service ("Waarover eerst?"); else, right after a question it cannot answer, the way to a
    person ("wie kan mij daarmee helpen?"); else the menu. The action server and the
    dashboard's preview both say exactly this."""
    if reading.question is not None:
        return answer(catalogue, reading.question, now, staleness_days)
    if reading.candidates:
        return [which_service(catalogue, reading)]
    if context.topic is not None:
        return out_of_scope_replies(catalogue, context.topic)
    return [menu(catalogue)]
