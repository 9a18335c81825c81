"""Turn a resident's question about a service into short, plain Dutch replies.

Every sentence is built from the catalogue. When a fact is unknown the reply
says so and gives a way to reach a person; when a fact is old the reply says
how old it is. Each Reply is one message with one idea.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum

from bot.content.hours import open_now, schedule_on
from bot.content.loader import Catalogue
from bot.content.matching import find_term
from bot.content.models import (
    Fact,
    General,
    Location,
    Service,
    ServiceId,
    Sourced,
    TimeRange,
    Weekday,
)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    # Offer the channel's own way to share a phone number (Telegram's contact button).
    share_phone: bool = False


CALLBACK_BUTTON = Button("Bel mij terug", "/request_callback")


class Aspect(str, Enum):
    hours = "hours"
    address = "address"
    price = "price"
    who = "who"
    signup = "signup"
    phone = "phone"


NOW = "nu"

# Words residents use for a day; values are the `day` entity's canonical values.
DAY_TERMS: dict[str, str] = {
    "vandaag": "vandaag",
    "vndg": "vandaag",
    "vanmiddag": "vandaag",
    "deze middag": "vandaag",
    "vanavond": "vandaag",
    "straks": "vandaag",
    "morgen": "morgen",
    "overmorgen": "overmorgen",
    "nu": NOW,
    "nu nog": NOW,
    "momenteel": NOW,
    "op dit moment": NOW,
    "zatterdag": "zaterdag",
    **{day.value: day.value for day in Weekday},
}

ASPECT_TERMS: dict[str, Aspect] = {
    **dict.fromkeys(
        [
            "open",
            "opent",
            "gesloten",
            "toe",
            "dicht",
            "uur",
            "uren",
            "openingsuren",
            "hoe laat",
            "wanneer open",
            "openingstijden",
        ],
        Aspect.hours,
    ),
    **dict.fromkeys(
        [
            "adres",
            "straat",
            "waar is",
            "waar ligt",
            "waar zit",
            "waar vind",
            "hoe kom ik",
            "hoe geraak",
            "route",
        ],
        Aspect.address,
    ),
    **dict.fromkeys(
        [
            "kost",
            "kosten",
            "prijs",
            "betalen",
            "betaal",
            "euro",
            "geld",
            "hoeveel",
            "duur",
            "eten",
            "maaltijd",
            "middagmaal",
        ],
        Aspect.price,
    ),
    **dict.fromkeys(
        [
            "voor wie",
            "wie mag",
            "mag ik",
            "mag iedereen",
            "voorwaarden",
            "recht op",
            "kan iedereen",
            "wie kan",
        ],
        Aspect.who,
    ),
    **dict.fromkeys(
        [
            "inschrijven",
            "inschrijving",
            "schrijf ik in",
            "schrijf ik me in",
            "schrijf ik mij in",
            "schrijf me in",
            "schrijf mij in",
            "aanmelden",
            "meld ik",
            "lid worden",
            "aanvragen",
            "reserveren",
            "boeken",
            "hoe vraag",
            "bestellen",
        ],
        Aspect.signup,
    ),
    **dict.fromkeys(
        ["telefoon", "telefoonnummer", "nummer", "bellen", "tel"],
        Aspect.phone,
    ),
}

_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


@dataclass(frozen=True)
class Question:
    """What the resident asked, as far as the NLU understood it."""

    service: ServiceId
    text: str = ""
    location: str | None = None
    day: str | None = None
    aspect: str | None = None


@dataclass(frozen=True)
class When:
    """A day to answer for, or `now` for "is it open right now?"."""

    day: date
    now: bool = False


def resolve_when(question: Question, now: datetime) -> When | None:
    word = None
    if question.day:
        word = find_term(question.day, DAY_TERMS) or question.day.lower()
    word = word or find_term(question.text, DAY_TERMS)
    if word is None:
        return None
    today = now.date()
    try:  # buttons carry an exact date
        return When(date.fromisoformat(word))
    except ValueError:
        pass
    if word == NOW:
        return When(today, now=True)
    offsets = {"vandaag": 0, "morgen": 1, "overmorgen": 2}
    if word in offsets:
        return When(today + timedelta(days=offsets[word]))
    if word in Weekday.__members__:
        ahead = (list(Weekday.__members__).index(word) - today.weekday()) % 7
        return When(today + timedelta(days=ahead))
    return None


def resolve_aspect(question: Question) -> Aspect | None:
    if question.aspect:
        if question.aspect in Aspect.__members__:
            return Aspect(question.aspect)
        found = find_term(question.aspect, ASPECT_TERMS)
        if found:
            return found
    return find_term(question.text, ASPECT_TERMS)


def find_location(service: Service, value: str | None, text: str = "") -> Location | None:
    """The location the resident means: by entity value (id or name), else named in the text."""
    terms: dict[str, Location] = {}
    for loc in service.locations:
        for name in (loc.id.replace("_", " "), loc.name, *loc.aliases):
            terms[name] = loc
    for candidate in (value, text):
        if candidate:
            by_id = next((loc for loc in service.locations if loc.id == candidate), None)
            found = by_id or find_term(candidate, terms)
            if found:
                return found
    return None


def format_time(t: time) -> str:
    return f"{t.hour}" if t.minute == 0 else f"{t.hour}.{t.minute:02d}"


def format_ranges(ranges: Iterable[TimeRange]) -> str:
    parts = [f"van {format_time(r.start)} tot {format_time(r.end)} uur" for r in ranges]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def format_date(day: date) -> str:
    return f"{Weekday.of(day).value} {day.day} {_MONTHS[day.month - 1]}"


def day_phrase(day: date, today: date) -> str:
    """How to name `day` at the start of a sentence."""
    if day == today:
        return f"Vandaag, {Weekday.of(day).value},"
    if day == today + timedelta(days=1):
        return f"Morgen, {Weekday.of(day).value},"
    return f"Op {format_date(day)}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def contact_reply(general: General, today: date, staleness_days: int) -> Reply:
    """How to reach a person, always with the call-back button.

    An old number says how old it is right there, so the warning cannot be taken
    for one about the answer above it.
    """
    phone = general.contact.phone
    if not phone.known:
        return Reply("Vraag dat we je bellen. Dan helpt iemand je verder.", (CALLBACK_BUTTON,))
    text = f"Bel gratis naar {general.contact.name}: {phone.text}."
    if is_stale(phone, today, staleness_days):
        text += f" Dat nummer is van {phone.checked.year}."
    return Reply(f"{text} Of vraag dat we je bellen.", (CALLBACK_BUTTON,))


def is_stale(fact: Sourced, today: date, staleness_days: int) -> bool:
    return (today - fact.checked).days > staleness_days


def stale_note(facts: Iterable[Sourced], today: date, staleness_days: int) -> Reply | None:
    """A warning when the oldest fact used was checked longer ago than the window."""
    oldest = min(facts, key=lambda f: f.checked, default=None)
    if oldest is None or not is_stale(oldest, today, staleness_days):
        return None
    return Reply(f"Let op: deze info is van {oldest.checked.year}. Ze kan veranderd zijn.")


@dataclass
class _Answer:
    """Collects replies and the facts behind them, then adds the closing touches."""

    general: General
    today: date
    staleness_days: int
    replies: list[Reply] = field(default_factory=list)
    facts: list[Sourced] = field(default_factory=list)
    needs_contact: bool = False

    def say(self, text: str, *facts: Sourced, buttons: tuple[Button, ...] = ()) -> None:
        self.replies.append(Reply(text, buttons))
        self.facts.extend(facts)

    def fact(self, fact: Fact, unknown: str) -> None:
        if fact.known:
            assert fact.text is not None
            self.say(fact.text, fact)
        else:
            self.say(unknown)
            self.needs_contact = True

    def finish(self) -> list[Reply]:
        replies = list(self.replies)
        note = stale_note(self.facts, self.today, self.staleness_days)
        if note:
            # A question with buttons stays the last message, right above the buttons.
            replies.insert(len(replies) - 1 if replies[-1].buttons else len(replies), note)
        if self.needs_contact:
            replies.append(contact_reply(self.general, self.today, self.staleness_days))
        last = replies[-1]
        if CALLBACK_BUTTON not in last.buttons:
            replies[-1] = replace(last, buttons=(*last.buttons, CALLBACK_BUTTON))
        return replies


def answer(
    catalogue: Catalogue, question: Question, now: datetime, staleness_days: int
) -> list[Reply]:
    """The replies to a question about one of the four services."""
    service = catalogue.service(question.service)
    out = _Answer(catalogue.general, now.date(), staleness_days)
    location = find_location(service, question.location, question.text)
    when = resolve_when(question, now)
    aspect = resolve_aspect(question) or (Aspect.hours if when else None)

    if question.location and location is None and service.locations:
        place = question.location
        out.say(f"Over {place.title() if place.islower() else place} weet ik niets.")
        _ask_location(out, service, when)
    elif location is not None and location.closed is not None:
        out.say(location.closed.text, location.closed)
        _ask_location(out, service, when)
    elif aspect is Aspect.hours:
        _hours(out, service, location, when or When(now.date()), now)
    elif aspect is Aspect.address:
        _address(out, service, location)
    elif aspect is not None:
        _detail(out, service, location, aspect)
    else:
        _overview(out, service, location, now)
    return out.finish()


def _ask_location(out: _Answer, service: Service, when: When | None) -> None:
    day = {"day": NOW if when and when.now else when.day.isoformat()} if when else {}
    buttons = []
    for loc_id in service.main_locations or [loc.id for loc in service.locations]:
        loc = next(x for x in service.locations if x.id == loc_id)
        entities = {"location": loc.id, **day}
        payload = f"/ask_{service.id.value}" + _json(entities)
        buttons.append(Button(_cap(loc.name), payload))
    out.say(f"Over welk {service.place_word} gaat het?", buttons=tuple(buttons))


def _json(entities: dict[str, str]) -> str:
    inner = ",".join(f'"{k}":"{v}"' for k, v in entities.items())
    return "{" + inner + "}"


def _hours(
    out: _Answer, service: Service, location: Location | None, when: When, now: datetime
) -> None:
    if location is None and len(service.locations) == 1:
        location = service.locations[0]
    if location is None and service.locations:
        _ask_location(out, service, when)
        return
    if location is None:
        out.say(f"Ik weet de openingsuren van {service.name} niet.")
        out.needs_contact = True
        return
    hours = location.hours
    if when.now:
        state = open_now(hours, now)
        if state is None:
            _unknown_hours(out, location)
        elif state.open:
            assert state.until is not None
            out.say(
                f"Ja, {location.name} is nu open. Het sluit om "
                f"{format_time(state.until.time())} uur.",
                hours,
            )
        else:
            text = f"Nee, {location.name} is nu gesloten."
            if state.until is not None:
                day = state.until.date()
                phrase = day_phrase(day, now.date()).rstrip(",").lower()
                text += f" Het gaat weer open {phrase} om {format_time(state.until.time())} uur."
            out.say(text, hours)
        return
    schedule = schedule_on(hours, when.day)
    start = day_phrase(when.day, now.date())
    if schedule is None:
        _unknown_hours(out, location)
    elif schedule.holiday:
        plain = start.split(",")[0]
        out.say(f"{plain} is het {schedule.holiday}. Dan is {location.name} gesloten.", hours)
    elif len(schedule.ranges) == 1:
        out.say(f"{start} is {location.name} open {format_ranges(schedule.ranges)}.", hours)
    elif schedule.open:
        # Two or more blocks: one short line each, easier to read than one long sentence.
        lines = [_cap(format_ranges([r])) + "." for r in schedule.ranges]
        out.say("\n".join([f"{start} is {location.name} open:", *lines]), hours)
    else:
        out.say(f"{start} is {location.name} gesloten.", hours)


def _unknown_hours(out: _Answer, location: Location) -> None:
    out.say(f"Ik weet de openingsuren van {location.name} niet.", location.hours)
    out.needs_contact = True


def _location_address(out: _Answer, location: Location) -> None:
    if location.address.known:
        out.say(f"{_cap(location.name)} ligt in de {location.address.text}.", location.address)
    else:
        out.say(f"Ik weet het adres van {location.name} niet.", location.address)
        out.needs_contact = True


def _address_line(location: Location) -> tuple[str, Fact]:
    if location.address.known:
        return f"{_cap(location.name)} in de {location.address.text}.", location.address
    return f"{_cap(location.name)}: adres niet bekend.", location.address


def _address(out: _Answer, service: Service, location: Location | None) -> None:
    if location is not None:
        _location_address(out, location)
        return
    if not service.locations:
        out.say(f"{_cap(service.name)} heeft geen vast adres dat ik ken.")
        out.needs_contact = True
        return
    _list_locations(out, service)


def _list_locations(out: _Answer, service: Service) -> None:
    lines = [_address_line(loc) for loc in service.locations if loc.closed is None]
    out.say("\n".join(text for text, _ in lines), *(fact for _, fact in lines))
    if any(not fact.known for _, fact in lines):
        out.needs_contact = True


def _detail(out: _Answer, service: Service, location: Location | None, aspect: Aspect) -> None:
    name = service.name
    if aspect is Aspect.phone:
        phone = location.phone if location is not None and location.phone.known else service.phone
        who = location.name if location is not None else name
        if phone.known:
            out.say(f"Het nummer van {who} is {phone.text}.", phone)
        else:
            out.say(f"Ik ken het nummer van {who} niet.", phone)
            out.needs_contact = True
        return
    unknown = {
        Aspect.price: f"Ik weet niet wat {name} kost.",
        Aspect.who: f"Ik weet niet voor wie {name} is.",
        Aspect.signup: f"Ik weet niet hoe je je aanmeldt bij {name}.",
    }
    fact = {Aspect.price: service.price, Aspect.who: service.who, Aspect.signup: service.signup}
    out.fact(fact[aspect], unknown[aspect])


def _overview(out: _Answer, service: Service, location: Location | None, now: datetime) -> None:
    if location is not None:
        _location_address(out, location)
        for note in location.notes:
            out.say(note.text, note)
        _hours(out, service, location, When(now.date()), now)
        return
    out.fact(service.about, f"Ik weet nog weinig over {service.name}.")
    out.fact(service.who, f"Ik weet niet voor wie {service.name} is.")
    for note in service.notes:
        out.say(note.text, note)
    if service.main_locations:
        _ask_location(out, service, None)
    elif service.locations:
        _list_locations(out, service)
    elif not service.signup.known and service.phone.known:
        out.say(f"Het telefoonnummer is {service.phone.text}.", service.phone)
    else:
        out.fact(service.signup, f"Ik weet niet hoe je je aanmeldt bij {service.name}.")
