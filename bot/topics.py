"""The per-service tables (menu, topic names, topic words), built from the catalogue.

A new service is then one content file plus its intent and NLU examples: no list in
the code names the services. Besides the services there is one more topic, "iets
anders", for a call-back about something else.
"""

from __future__ import annotations

from collections import defaultdict

from bot.content.answers import CALLBACK_BUTTON, Button, Reply
from bot.content.loader import Catalogue
from bot.content.matching import normalise
from bot.content.models import Service, ServiceId

MENU_TEXT = "Waarover gaat je vraag? Kies hieronder of typ je vraag."
OTHER_TOPIC = "iets anders"
OTHER_TERMS = ("iets anders", "anders")
OTHER_BUTTON = Button("Iets anders", OTHER_TOPIC)


def services(catalogue: Catalogue) -> list[Service]:
    """The services in a fixed order, so a menu number on SMS keeps meaning the same service."""
    return [catalogue.services[s] for s in ServiceId if s in catalogue.services]


def intent_of(service: Service) -> str:
    """The intent that asks about `service` (a contract: other tools read intent names)."""
    return f"ask_{service.id.value}"


def menu(catalogue: Catalogue) -> Reply:
    """One button per service, then "Bel mij terug"."""
    buttons = (Button(s.label, f"/{intent_of(s)}") for s in services(catalogue))
    return Reply(MENU_TEXT, (*buttons, CALLBACK_BUTTON))


def topic_names(catalogue: Catalogue) -> dict[str, str]:
    """Topic id → how a sentence names it ("Gaat het over vervoer?")."""
    return {**{s.id.value: s.topic for s in services(catalogue)}, OTHER_TOPIC: OTHER_TOPIC}


def topic_name(catalogue: Catalogue, topic: str) -> str:
    """How a sentence names `topic`; an unknown id (a service since removed) as it is."""
    return topic_names(catalogue).get(topic, topic)


def topic_terms(catalogue: Catalogue) -> dict[str, str]:
    """Phrase → topic id: each service's words, label, name and topic phrase.

    A phrase that two services share names neither of them: guessing would put the
    request in the wrong queue, while "iets anders" keeps the resident's own words.
    """
    claimed: defaultdict[str, set[str]] = defaultdict(set)
    for service in services(catalogue):
        for phrase in (*service.words, service.label, service.name, service.topic):
            claimed[normalise(phrase)].add(service.id.value)
    terms = {phrase: ids.pop() for phrase, ids in claimed.items() if phrase and len(ids) == 1}
    return {**terms, **dict.fromkeys(OTHER_TERMS, OTHER_TOPIC)}


def topic_buttons(catalogue: Catalogue) -> tuple[Button, ...]:
    """A button per service (its label, which `topic_terms` knows), then "Iets anders"."""
    return (*(Button(s.label, s.label) for s in services(catalogue)), OTHER_BUTTON)
