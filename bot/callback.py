"""The call-back conversation: reading the resident's answers and the texts we send.

Kept apart from Rasa so every rule is tested directly; `actions/callback.py`
only moves values between these functions and the form's slots (whose names only
it knows). When staff can call is worked out in `bot.content.hours`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeGuard

from bot.content.answers import Button, Reply, day_phrase
from bot.content.hours import Moment, call_slot
from bot.content.loader import Catalogue
from bot.content.matching import find_term, normalise
from bot.content.models import Hours
from bot.conversation import URGENT
from bot.phone import display, find_phone
from bot.senders import SMS, TELEGRAM
from bot.topics import OTHER_TOPIC, topic_buttons, topic_name, topic_terms

STOP_WORDS = {"stop", "stoppen", "annuleer", "annuleren", "laat maar", "laat maar zitten"}
# Yes and no as residents type them ("ja da is goed", "jah", "yes", "dat klopt", "natuurlijk");
# a negation anywhere makes it a no ("liever niet", "ja maar het klopt niet"). Button numbers
# count too, as on SMS: 1 is the first button (Ja), 2 the second (Nee).
YES_WORDS = {
    "ja",
    "jaa",
    "jah",
    "jaja",
    "jawel",
    "jep",
    "jup",
    "yes",
    "yep",
    "oui",
    "si",
    "evet",
    "tak",
    "ok",
    "oke",
    "okay",
    "okido",
    "okidoki",
    "goed",
    "prima",
    "perfect",
    "top",
    "akkoord",
    "klopt",
    "correct",
    "juist",
    "inderdaad",
    "zeker",
    "natuurlijk",
    "tuurlijk",
    "graag",
    "mag",
    "doe",
    "bel",
    "oké",
    "okee",
    "affirm",
    "1",
}
NO_WORDS = {"nee", "neen", "nope", "no", "non", "niet", "ni", "nie", "deny", "2", "hayir"}
NEGATIONS = {"nee", "neen", "niet", "ni", "nie", "no", "non", "geen", "fout", "verkeerd"}
# Refusing to give a name ("hoeft ni", "liever niet") skips it.
SKIP = {
    "overslaan",
    "sla over",
    "skip",
    "geen",
    "nee",
    "neen",
    "liever niet",
    "liever ni",
    "wil ik niet zeggen",
    "hoeft niet",
    "hoeft ni",
    "hoeft nie",
    "moet niet",
    "moet ni",
    "niet nodig",
    "ni nodig",
    "geen naam",
    "anoniem",
    "zeg ik liever niet",
    "dat hoeft niet",
    "nee dank je",
    "nee merci",
    "2",
}
# Words that are never (part of) a first name: a sentence, not a name.
NOT_A_NAME = {
    "ik",
    "je",
    "jij",
    "ge",
    "gij",
    "u",
    "wij",
    "we",
    "wil",
    "wilt",
    "niet",
    "ni",
    "nie",
    "hoeft",
    "moet",
    "mag",
    "kan",
    "waarom",
    "wat",
    "wa",
    "wie",
    "is",
    "da",
    "dat",
    "de",
    "het",
    "een",
    "geen",
    "nee",
    "ja",
    "ok",
    "oke",
    "naam",
    "mijn",
    "bellen",
    "nummer",
    "aub",
    "alsjeblieft",
    "weet",
    "zeg",
    "liever",
    "graag",
    "hallo",
    "dag",
    "merci",
    "bedankt",
    "stop",
}
MAX_PHONE_TRIES = 3
MAX_NAME_LENGTH = 40
MAX_TOPIC_WORDS = 80
EXCERPT_MESSAGES = 3
EXCERPT_LENGTH = 500

MOMENT_TERMS = {
    "voormiddag": Moment.voormiddag,
    "ochtend": Moment.voormiddag,
    "s morgens": Moment.voormiddag,
    "smorgens": Moment.voormiddag,
    "s ochtends": Moment.voormiddag,
    "sochtends": Moment.voormiddag,
    "snamiddags": Moment.namiddag,
    "s namiddags": Moment.namiddag,
    "voor de middag": Moment.voormiddag,
    "namiddag": Moment.namiddag,
    "middag": Moment.namiddag,
    "na de middag": Moment.namiddag,
    "maakt niet uit": Moment.maakt_niet_uit,
    "maakt nie uit": Moment.maakt_niet_uit,
    "om het even": Moment.maakt_niet_uit,
    "egaal": Moment.maakt_niet_uit,
    "altijd": Moment.maakt_niet_uit,
}

YES_NO_BUTTONS = (Button("Ja", "ja"), Button("Nee", "nee"))


class Detail(str, Enum):
    """An answer the resident can change after reading the summary."""

    phone = "phone"
    name = "name"
    moment = "moment"
    topic = "topic"


DETAIL_TERMS = {
    "nummer": Detail.phone,
    "telefoon": Detail.phone,
    "naam": Detail.name,
    "voornaam": Detail.name,
    "moment": Detail.moment,
    "wanneer": Detail.moment,
    "onderwerp": Detail.topic,
}
# What the form says besides its questions (the questions are in domain.yml).
PHONE_NOT_UNDERSTOOD = "Dat nummer kan ik niet lezen. Typ het zo: 0470 12 34 56."
NAME_NOT_UNDERSTOOD = "Typ alleen je voornaam. Of typ: overslaan."
CHOOSE_A_BUTTON = "Dat begrijp ik niet. Kies een van de knoppen."
STOPPED = "Oké, ik stop. Je kan altijd opnieuw vragen dat we je bellen."
DECLINED = "Oké. We bewaren niets."
NO_PHONE = "Het lukt niet met het nummer. Sorry."
FAILED = "Sorry, het is niet gelukt om je vraag te bewaren."


def saved_text(reference: str) -> str:
    return f"Gelukt! Je code is {reference}."


def already_open_text(reference: str) -> str:
    return f"Je vroeg al om terug te bellen. Je code is {reference}."


def _plain(text: str) -> str:
    return normalise(text.removeprefix("/"))


def wants_to_stop(text: str) -> bool:
    return _plain(text) in STOP_WORDS


def yes_or_no(text: str) -> bool | None:
    words = _plain(text).split()
    if not words:
        return None
    if words[0] in NO_WORDS or NEGATIONS & set(words):
        return False
    if YES_WORDS & set(words):
        return True
    return None


def read_name(text: str) -> str | None:
    """The first name, "" when the resident skips it, None when it does not look like a name."""
    plain = _plain(text)
    if plain in SKIP:
        return ""
    for prefix in ("ik ben ", "mijn naam is ", "ik heet ", "naam ", "k ben ", "kheet "):
        if plain.startswith(prefix):
            text = text.strip()[len(prefix) :]
            plain = plain[len(prefix) :]
    name = " ".join(text.split())[:MAX_NAME_LENGTH]
    words = plain.split()
    if not name or not words or len(words) > 3 or NOT_A_NAME & set(words):
        return None
    if not all(c.isalpha() or c in " -'." for c in name):
        return None
    return name[:1].upper() + name[1:]


def numbered(text: str, buttons: Iterable[Button]) -> str | None:
    """The payload of the button whose number the resident typed ("2" or "2."), as on SMS."""
    plain = _plain(text)
    options = list(buttons)
    if plain.isdigit() and 1 <= int(plain) <= len(options):
        return options[int(plain) - 1].payload
    return None


def read_moment(text: str) -> Moment | None:
    return find_term(numbered(text, MOMENT_QUESTION.buttons) or text, MOMENT_TERMS)


def read_topic(catalogue: Catalogue, text: str, suggested: str | None) -> str | None:
    """A topic id; a topic told in the resident's own words is "iets anders" unless it names a
    service (their words reach staff in the request's excerpt)."""
    text = numbered(text, topic_question(catalogue, suggested).buttons) or text
    found = find_term(text, topic_terms(catalogue))
    if found:
        return found
    if suggested and yes_or_no(text) is True:
        return suggested
    # "mijn pensioen klopt ni" is a topic in own words, not a "no"; "nee" alone is neither.
    own_words = [w for w in _plain(text).split() if len(w) > 1 and w not in YES_WORDS | NO_WORDS]
    return OTHER_TOPIC if len(own_words) >= 2 else None


def read_detail(text: str) -> Detail | None:
    return find_term(text, DETAIL_TERMS)


CONSENT_QUESTION = Reply(
    "We bewaren je nummer alleen om je te bellen. Daarna wissen we het. Is dat goed?",
    YES_NO_BUTTONS,
)
PHONE_QUESTION = Reply("Wat is je telefoonnummer? Bijvoorbeeld: 0470 12 34 56.")
SHARE_PHONE_QUESTION = Reply(
    "Wat is je telefoonnummer? Druk op de knop 'Deel mijn nummer'. "
    "Of typ je nummer, bijvoorbeeld: 0470 12 34 56.",
    share_phone=True,
)
NAME_QUESTION = Reply(
    "Wat is je voornaam? Je mag dit ook overslaan.", (Button("Overslaan", "overslaan"),)
)
MOMENT_QUESTION = Reply(
    "Wanneer bellen we je het best?",
    (
        Button("Voormiddag", "voormiddag"),
        Button("Namiddag", "namiddag"),
        Button("Maakt niet uit", "maakt niet uit"),
    ),
)
FIX_QUESTION = Reply(
    "Wat wil je aanpassen?",
    (
        Button("Nummer", "nummer"),
        Button("Naam", "naam"),
        Button("Moment", "moment"),
        Button("Onderwerp", "onderwerp"),
    ),
)


# Channels that know the resident's number for certain (the channel is read from the
# conversation id our channels make; the web channel passes only a referral code).
CHANNELS_THAT_KNOW_THE_NUMBER = {SMS, TELEGRAM}
# Channels with a button that shares the resident's own number.
CHANNELS_THAT_SHARE_CONTACTS = {TELEGRAM}
# A referring organisation's code: from a Telegram deep link (Telegram's own rule for what may
# follow ?start=), a shared web link (?via=) or an SMS that starts with "START CODE".
REFERRAL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
OTHER_NUMBER = "ander nummer"


def known_phone(channel: str, metadata: dict[str, object] | None) -> str | None:
    """The number the channel vouches for (an SMS sender, a shared Telegram contact)."""
    if channel not in CHANNELS_THAT_KNOW_THE_NUMBER or not metadata:
        return None
    value = metadata.get("phone")
    return find_phone(value) if isinstance(value, str) else None


def phone_question(known: str | None, channel: str = "") -> Reply:
    if known is None:
        return SHARE_PHONE_QUESTION if channel in CHANNELS_THAT_SHARE_CONTACTS else PHONE_QUESTION
    return Reply(
        f"Mogen we je bellen op {display(known)}?",
        (Button("Ja", "ja"), Button("Ander nummer", OTHER_NUMBER)),
    )


def read_phone(text: str, known: str | None) -> str | None:
    """A number typed by the resident, or the known one confirmed with "ja"."""
    if known is not None and yes_or_no(text) is True:
        return known
    return find_phone(text)


def valid_referral(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and REFERRAL_CODE.match(value) is not None


def referral_code(metadata: Iterable[dict[str, object] | None]) -> str | None:
    """The newest valid referral code the channel attached to the resident's messages."""
    for item in metadata:
        value = (item or {}).get("referral_code")
        if valid_referral(value):
            return value
    return None


def topic_question(catalogue: Catalogue, suggested: str | None) -> Reply:
    buttons = topic_buttons(catalogue)
    if suggested:
        name = topic_name(catalogue, suggested)
        return Reply(f"Gaat het over {name}?", (Button("Ja", "ja"), *buttons))
    return Reply("Waarover gaat het?", buttons)


def summary_question(
    catalogue: Catalogue,
    phone: str,
    name: str | None,
    moment: str,
    topic: str,
    words: str | None = None,
) -> Reply:
    return Reply(summary(catalogue, phone, name, moment, topic, words), YES_NO_BUTTONS)


def summary(
    catalogue: Catalogue,
    phone: str,
    name: str | None,
    moment: str,
    topic: str,
    words: str | None = None,
) -> str:
    """What we will save; a topic told in the resident's own words is shown in those words."""
    lines = [
        "Klopt dit?",
        f"Nummer: {display(phone)}.",
        f"Naam: {name}." if name else "Naam: niet gegeven.",
        f"Moment: {moment}.",
        f"Onderwerp: {words or topic_name(catalogue, topic)}.",
    ]
    return "\n".join(lines)


def own_words(text: str) -> str:
    """A topic as the resident typed it, one line and short enough for the summary."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_TOPIC_WORDS else line[: MAX_TOPIC_WORDS - 1] + "…"


def excerpt(user_texts: Iterable[str]) -> str:
    """The last few things the resident wrote before asking, for the staff member who calls."""
    kept = [t.strip() for t in user_texts if t and t.strip() and not t.startswith("/")]
    return " | ".join(kept[-EXCERPT_MESSAGES:])[:EXCERPT_LENGTH]


# The intent the safety net gives a message about danger, suicide, violence or no place to sleep
# (an intent name is a contract, see the README), and the action that answers it.
URGENT_INTENT = "urgent_help"
URGENT_ACTION = "action_urgent_help"


def followed_urgent_help(events: Iterable[Mapping[str, Any]], topic: str | None) -> bool:
    """The conversation went through urgent help before the request: staff call first.

    Read from Rasa's events of the conversation (a message read as urgent help, or the urgent
    answer given, this session: a new session starts clean) and the `topic` slot, which
    urgent help sets to URGENT until another question replaces it.
    """
    urgent = topic == URGENT
    for event in events:
        kind = event.get("event")
        if kind == "session_started":
            urgent = topic == URGENT
        elif kind == "user":
            intent = (event.get("parse_data") or {}).get("intent") or {}
            urgent = urgent or intent.get("name") == URGENT_INTENT
        elif kind == "action":
            urgent = urgent or event.get("name") == URGENT_ACTION
    return urgent


def expected_call(hours: Hours, moment: str, now: datetime) -> str:
    """When we will call, never outside office hours; an honest vaguer answer when unknown."""
    slot = call_slot(hours, moment, now)
    if slot is None:
        return "We bellen je zo snel als we kunnen, op een werkdag."
    when = "vandaag" if slot.day == now.date() else day_phrase(slot.day, now.date())
    return f"We bellen je {when.split(',')[0].lower()} in de {slot.part}."
