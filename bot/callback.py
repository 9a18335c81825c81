"""The call-back conversation: reading the resident's answers and the texts we send.

Kept apart from Rasa so every rule is tested directly; `actions/callback.py`
only moves values between these functions and the form's slots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from bot.content.answers import Button, Reply, day_phrase
from bot.content.hours import public_holiday, schedule_on
from bot.content.matching import find_term, normalise
from bot.content.models import Hours, ServiceId, TimeRange
from bot.phone import display, find_phone
from bot.senders import SMS, TELEGRAM

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
EXCERPT_MESSAGES = 3
EXCERPT_LENGTH = 500
NOON = time(12, 0)
# A call "in de namiddag" needs office hours after lunch.
AFTERNOON = time(13, 0)


class Moment(str, Enum):
    voormiddag = "voormiddag"
    namiddag = "namiddag"
    maakt_niet_uit = "maakt niet uit"


MOMENT_TERMS = {
    "voormiddag": Moment.voormiddag,
    "ochtend": Moment.voormiddag,
    "s morgens": Moment.voormiddag,
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

OTHER_TOPIC = "iets anders"
TOPIC_NAMES = {
    ServiceId.dienstencentrum.value: "een dienstencentrum",
    ServiceId.minder_mobielen.value: "vervoer",
    ServiceId.menstruatie.value: "gratis maandverband",
    ServiceId.woonclub.value: "de Woonclub",
    OTHER_TOPIC: "iets anders",
}
TOPIC_TERMS = {
    "dienstencentrum": ServiceId.dienstencentrum.value,
    "vervoer": ServiceId.minder_mobielen.value,
    "minder mobielen": ServiceId.minder_mobielen.value,
    "mmc": ServiceId.minder_mobielen.value,
    "maandverband": ServiceId.menstruatie.value,
    "menstruatie": ServiceId.menstruatie.value,
    "tampons": ServiceId.menstruatie.value,
    "woonclub": ServiceId.woonclub.value,
    "huis": ServiceId.woonclub.value,
    "iets anders": OTHER_TOPIC,
    "anders": OTHER_TOPIC,
}
TOPIC_BUTTONS = (
    Button("Dienstencentrum", "dienstencentrum"),
    Button("Vervoer", "vervoer"),
    Button("Maandverband", "maandverband"),
    Button("Woonclub", "woonclub"),
    Button("Iets anders", "iets anders"),
)
YES_NO_BUTTONS = (Button("Ja", "ja"), Button("Nee", "nee"))

FIELDS = {
    "nummer": "callback_phone",
    "telefoon": "callback_phone",
    "naam": "callback_name",
    "voornaam": "callback_name",
    "moment": "callback_moment",
    "wanneer": "callback_moment",
    "onderwerp": "callback_topic",
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
    return f"Gelukt! Je nummer is {reference}."


def already_open_text(reference: str) -> str:
    return f"Je vroeg al om terug te bellen. Je nummer is {reference}."


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


def read_topic(text: str, suggested: str | None) -> str | None:
    """A topic id; a topic told in the resident's own words is "iets anders" unless it names a
    service (their words reach staff in the request's excerpt)."""
    text = numbered(text, topic_question(suggested).buttons) or text
    answer = yes_or_no(text)
    if suggested and answer is True:
        return suggested
    found = find_term(text, TOPIC_TERMS)
    if found or answer is not None:
        return found
    own_words = [w for w in _plain(text).split() if len(w) > 1]
    return OTHER_TOPIC if len(own_words) >= 2 else None


def read_field(text: str) -> str | None:
    return find_term(text, FIELDS)


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
# conversation id our channels make; the web channel passes no metadata at all).
CHANNELS_THAT_KNOW_THE_NUMBER = {SMS, TELEGRAM}
# Channels with a button that shares the resident's own number.
CHANNELS_THAT_SHARE_CONTACTS = {TELEGRAM}
# A referring organisation's code (from a Telegram deep link or a shared web link).
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


def referral_code(metadata: Iterable[dict[str, object] | None]) -> str | None:
    """The newest valid referral code the channel attached to the resident's messages."""
    for item in metadata:
        value = (item or {}).get("referral_code")
        if isinstance(value, str) and REFERRAL_CODE.match(value):
            return value
    return None


def topic_question(suggested: str | None) -> Reply:
    if suggested:
        return Reply(
            f"Gaat het over {TOPIC_NAMES[suggested]}?", (Button("Ja", "ja"), *TOPIC_BUTTONS)
        )
    return Reply("Waarover gaat het?", TOPIC_BUTTONS)


def summary_question(phone: str, name: str | None, moment: str, topic: str) -> Reply:
    return Reply(summary(phone, name, moment, topic), YES_NO_BUTTONS)


def summary(phone: str, name: str | None, moment: str, topic: str) -> str:
    lines = [
        "Klopt dit?",
        f"Nummer: {display(phone)}.",
        f"Naam: {name}." if name else "Naam: niet gegeven.",
        f"Moment: {moment}.",
        f"Onderwerp: {TOPIC_NAMES.get(topic, topic)}.",
    ]
    return "\n".join(lines)


def excerpt(user_texts: Iterable[str]) -> str:
    """The last few things the resident wrote before asking, for the staff member who calls."""
    kept = [t.strip() for t in user_texts if t and t.strip() and not t.startswith("/")]
    return " | ".join(kept[-EXCERPT_MESSAGES:])[:EXCERPT_LENGTH]


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def _in_part(part: str, r: TimeRange) -> bool:
    """Whether office hours `r` reach into the morning or the afternoon."""
    return r.start < NOON if part == Moment.voormiddag.value else r.end > AFTERNOON


@dataclass(frozen=True)
class CallSlot:
    """The half-day we promise to call in, and when that promise runs out."""

    day: date
    part: str
    deadline: time


def call_slot(hours: Hours, moment: str, now: datetime) -> CallSlot | None:
    """The first office half-day from `now` that suits the resident; None when hours are unknown."""
    parts = (
        [Moment.voormiddag.value, Moment.namiddag.value]
        if moment == Moment.maakt_niet_uit.value
        else [moment]
    )
    if not hours.known:
        return None
    for offset in range(15):
        day = now.date() + timedelta(days=offset)
        schedule = schedule_on(hours, day)
        if schedule is None or not _is_working_day(day):
            continue
        for part in parts:
            ranges = [
                r
                for r in schedule.ranges
                if _in_part(part, r) and (offset > 0 or r.end > now.time())
            ]
            if ranges:
                last = max(r.end for r in ranges)
                limit = NOON if part == Moment.voormiddag.value and len(parts) == 1 else last
                return CallSlot(day, part, min(last, limit))
    return None


def expected_call(hours: Hours, moment: str, now: datetime) -> str:
    """When we will call, never outside office hours; an honest vaguer answer when unknown."""
    slot = call_slot(hours, moment, now)
    if slot is None:
        return "We bellen je zo snel als we kunnen, op een werkdag."
    when = "vandaag" if slot.day == now.date() else day_phrase(slot.day, now.date())
    return f"We bellen je {when.split(',')[0].lower()} in de {slot.part}."


def promised_by(hours: Hours, moment: str, created_at: datetime) -> datetime:
    """When the call we promised at `created_at` is late, for the dashboard's overdue flag.

    With unknown office hours we promised "on a working day": late after the
    next working day has ended.
    """
    slot = call_slot(hours, moment, created_at)
    if slot is not None:
        return datetime.combine(slot.day, slot.deadline, tzinfo=created_at.tzinfo)
    day = created_at.date() + timedelta(days=1)
    while not _is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=created_at.tzinfo)
