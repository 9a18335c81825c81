"""Turn a resident's question about a service into short, plain Dutch replies.

Every sentence is built from the catalogue. When a fact is unknown the reply
says so and gives a way to reach a person; when a fact is old the reply says
how old it is. Each Reply is one message with one idea.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum

from bot.content.hours import open_now, schedule_on
from bot.content.loader import Catalogue
from bot.content.matching import find_term, find_terms, normalise
from bot.content.models import (
    Fact,
    General,
    Location,
    Note,
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
    """What a question asks about a service; answered in this order."""

    about = "about"
    who = "who"
    address = "address"
    hours = "hours"
    price = "price"
    signup = "signup"
    phone = "phone"


# Facts of these kinds change over time: only they get a note saying how old they are.
CHANGING = frozenset({Aspect.address, Aspect.hours, Aspect.price, Aspect.phone})
# "Een vraag, hoogstens drie berichten": more bubbles are merged (see `_compact`).
MAX_BUBBLES = 3


NOW = "nu"
WEEKEND = "weekend"

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
    "weekend": WEEKEND,
    "weekends": WEEKEND,
    "zaterdag of zondag": WEEKEND,
    "zaterdag en zondag": WEEKEND,
    **{day.value: day.value for day in Weekday},
}


def _terms(groups: dict[Aspect, list[str]]) -> dict[str, Aspect]:
    return {term: aspect for aspect, terms in groups.items() for term in terms}


# Words that ask for one kind of fact, whatever service the question is about.
ASPECT_TERMS: dict[str, Aspect] = _terms(
    {
        Aspect.about: [
            "wat is",
            "wa is da",
            "wat is dat",
            "wat is da",
            "wat doet",
            "wa doet",
            "wat doen ze",
            "wa doen ze",
            "wat doen",
            "wa doen",
            "hoe werkt",
            "hoe werk",
            "hoe gaat da",
            "hoe gaat dat",
            "wat kunnen ze",
            "wa kunnen ze",
            "wat houdt",
            "wa houdt",
            "uitleg",
            "nooit van gehoord",
            "wat bieden",
            "wat is het",
            "wat het is",
            "wat ze is",
            "wat dat is",
            "wat da is",
            "wat ze doen",
            "wat ze daar doen",
            "weten wat",
        ],
        Aspect.hours: [
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
        Aspect.address: [
            "adres",
            "straat",
            "waar is",
            "waar ligt",
            "waar ligge",
            "waar liggen",
            "waar zit",
            "waar zitten",
            "waar vind",
            "waar kan ik",
            "waar kan ze",
            "waar kunnen",
            "waar krijg",
            "waar haal",
            "waar zijn",
            "waar moet ik naartoe",
            "welke plaatsen",
            "hoe kom ik",
            "hoe geraak",
            "hoe geraken",
            "route",
        ],
        Aspect.price: [
            "kost",
            "kosten",
            "prijs",
            "betalen",
            "betaal",
            "euro",
            "hoeveel geld",
            "hoeveel kost",
            "duur",
            "echt gratis",
            "helemaal gratis",
            "eten",
            "maaltijd",
            "maaltijden",
            "middagmaal",
            "lid",
            "lidgeld",
        ],
        Aspect.who: [
            "voor wie",
            "wie mag",
            "mag ik",
            "mag iedereen",
            "mag mijn",
            "mag mijne",
            "voorwaarden",
            "recht op",
            "kan iedereen",
            "wie kan",
            "iedereen",
            "kinderen",
            "jonge mensen",
            "leeftijd",
            "te jong",
            "te oud",
        ],
        Aspect.signup: [
            "inschrijven",
            "inschrijving",
            "schrijf ik in",
            "schrijf ik me in",
            "schrijf ik mij in",
            "schrijf me in",
            "schrijf mij in",
            "aanmelden",
            "meld ik",
            "opgeven",
            "lid worden",
            "aanvragen",
            "reserveren",
            "boeken",
            "hoe vraag",
            "bestellen",
            "op voorhand",
            "voorhand",
            "afspraak",
            "aan de balie",
            "vragen aan",
        ],
        Aspect.phone: [
            "telefoon",
            "telefoonnummer",
            "nummer",
            "bellen",
            "bel ik",
            "tel",
            "gsm",
            "contact opnemen",
            "contacteren",
            "bereiken",
        ],
    }
)
# Used only for a follow-up (a message that names no service): "en voor mijn moeder?" asks who
# may come, "en waar?" asks where. In a first question these words are too vague.
FOLLOWUP_TERMS: dict[str, Aspect] = _terms(
    {
        Aspect.who: [
            "voor mijn",
            "mijn moeder",
            "mijn ma",
            "mijn vader",
            "mijn pa",
            "mijn kind",
            "mijn zoon",
            "mijn dochter",
            "kleinzoon",
            "kleindochter",
            "gebuur",
            "buurman",
            "buurvrouw",
            "oma",
            "opa",
            "ook komen",
            "mee",
        ],
        Aspect.address: ["waar", "ergens"],
        Aspect.price: ["hoeveel", "gratis"],
        Aspect.about: ["wat", "hoe"],
    }
)

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
    """What the resident asked, as far as the NLU and the conversation so far tell."""

    service: ServiceId
    text: str = ""
    location: str | None = None
    day: str | None = None
    # Chosen by a button, or carried over from the question before; else read from `text`.
    aspects: tuple[Aspect, ...] = ()
    # The message named no service: vaguer words ("en voor mijn moeder?") count as a question.
    followup: bool = False


@dataclass(frozen=True)
class When:
    """A day to answer for, `now` for "is it open right now?", or the coming weekend."""

    day: date
    now: bool = False
    weekend: bool = False

    def days(self) -> tuple[date, ...]:
        return (self.day, self.day + timedelta(days=1)) if self.weekend else (self.day,)

    def entity(self) -> str:
        """The `day` value that asks for this same moment again (on a button)."""
        if self.now:
            return NOW
        return WEEKEND if self.weekend else self.day.isoformat()


def resolve_when(question: Question, now: datetime) -> When | None:
    word = None
    if question.day:
        word = find_term(question.day, DAY_TERMS) or question.day.lower()
    word = word or find_term(question.text, DAY_TERMS)
    if word is None:
        return None
    today = now.date()
    try:  # buttons and the conversation's context carry an exact date
        return When(date.fromisoformat(word))
    except ValueError:
        pass
    if word == NOW:
        return When(today, now=True)
    if word == WEEKEND:
        return When(_next(Weekday.zaterdag, today), weekend=True)
    offsets = {"vandaag": 0, "morgen": 1, "overmorgen": 2}
    if word in offsets:
        return When(today + timedelta(days=offsets[word]))
    if word in Weekday.__members__:
        return When(_next(Weekday(word), today))
    return None


def _next(weekday: Weekday, today: date) -> date:
    ahead = (list(Weekday).index(weekday) - today.weekday()) % 7
    return today + timedelta(days=ahead)


def resolve_aspects(text: str, *, followup: bool = False) -> tuple[Aspect, ...]:
    """Every kind of fact the text asks for, in the order they are answered."""
    # Near matches only for single words: "wat kost" is one letter from "wat doet".
    single = {term: aspect for term, aspect in ASPECT_TERMS.items() if " " not in term}
    found = set(find_terms(text, ASPECT_TERMS, fuzzy=False) + find_terms(text, single))
    if not found and followup:
        found = set(find_terms(text, FOLLOWUP_TERMS, fuzzy=False))
    return tuple(aspect for aspect in Aspect if aspect in found)


def parse_aspects(value: str | None) -> tuple[Aspect, ...]:
    """Aspects written on a button ("hours,price"); unknown names are left out."""
    names = {name.strip() for name in (value or "").split(",")}
    return tuple(aspect for aspect in Aspect if aspect.value in names)


def place_terms(service: Service) -> dict[str, Location]:
    """Every way residents name a place of this service: id, name without article, aliases."""
    terms: dict[str, Location] = {}
    for loc in service.locations:
        bare = loc.name.split(" ", 1)[1] if loc.name.lower().startswith(_ARTICLES) else loc.name
        for name in (loc.id.replace("_", " "), loc.name, bare, *loc.aliases):
            terms[name] = loc
    return terms


_ARTICLES = ("de ", "den ", "het ")
# Names and service words are matched loosely only from this length: "schrijf" is not
# "Schijf", "huren" is not "uren"; common misspellings of short names are aliases instead.
NAME_FUZZY_FROM = 7


def find_location(service: Service, value: str | None, text: str = "") -> Location | None:
    """The location the resident means: by entity value (id or name), else named in the text."""
    terms = place_terms(service)
    for candidate in (value, text):
        if candidate:
            by_id = next((loc for loc in service.locations if loc.id == candidate), None)
            found = by_id or find_term(candidate, terms, fuzzy_from=NAME_FUZZY_FROM)
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


def _about_place(location: Location, text: str | None) -> str:
    """A fact of the whole service, said about the place asked for: it shows the place was heard."""
    text = text or ""
    return f"Over {location.name}: {text[:1].lower()}{text[1:]}"


def contact_reply(general: General) -> Reply:
    """How to reach a person, always with the call-back button.

    The city's own number carries no age note: it is the one number residents should trust,
    and staff confirm it in the catalogue.
    """
    phone = general.contact.phone
    if not phone.known:
        return Reply("Vraag dat we je bellen. Dan helpt iemand je verder.", (CALLBACK_BUTTON,))
    text = f"Bel gratis naar {general.contact.name}: {phone.text}."
    return Reply(f"{text} Of vraag dat we je bellen.", (CALLBACK_BUTTON,))


def is_stale(fact: Sourced, today: date, staleness_days: int) -> bool:
    return (today - fact.checked).days > staleness_days


def stale_text(fact: Sourced) -> str:
    return f"Let op: deze info is van {fact.checked.year}. Ze kan veranderd zijn."


# A fact that names a phone number changes like one, whatever kind it is.
_NUMBER = re.compile(r"\d{2}[ ./]?\d{2}")


def _text(fact: Sourced) -> str:
    return getattr(fact, "text", None) or ""


@dataclass
class _Answer:
    """Collects replies and the facts behind them, then adds the closing touches."""

    general: General
    today: date
    staleness_days: int
    replies: list[Reply] = field(default_factory=list)
    # For each reply: the facts behind it that change over time.
    changing: list[list[Sourced]] = field(default_factory=list)
    needs_contact: bool = False

    def say(
        self,
        text: str,
        *facts: Sourced,
        kind: Aspect | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        self.replies.append(Reply(text, buttons))
        city = self.general.contact.phone.text
        self.changing.append(
            [
                f
                for f in facts
                if (kind in CHANGING or _NUMBER.search(_text(f)))
                # The city's own number carries no age note (see contact_reply).
                and not (city and _text(f) == city)
            ]
        )

    def fact(self, fact: Fact, unknown: str, kind: Aspect | None = None) -> None:
        if fact.known:
            assert fact.text is not None
            self.say(fact.text, fact, kind=kind)
        else:
            self.say(unknown)
            self.needs_contact = True

    @property
    def asked_back(self) -> bool:
        return any(reply.buttons for reply in self.replies)

    def finish(self) -> list[Reply]:
        replies = self._with_stale_note()
        # A question with buttons stays the last message, right above its buttons.
        replies.sort(key=lambda reply: bool(reply.buttons))
        if self.needs_contact and not self.asked_back:
            replies.append(contact_reply(self.general))
        replies = _compact(replies)
        last = replies[-1]
        if CALLBACK_BUTTON not in last.buttons:
            replies[-1] = replace(last, buttons=(*last.buttons, CALLBACK_BUTTON))
        return replies

    def _with_stale_note(self) -> list[Reply]:
        """One age note, in the bubble of the oldest changing fact, and only when it is old."""
        replies = list(self.replies)
        dated = [(fact, i) for i, facts in enumerate(self.changing) for fact in facts]
        if not dated:
            return replies
        oldest, index = min(dated, key=lambda pair: pair[0].checked)
        if is_stale(oldest, self.today, self.staleness_days):
            reply = replies[index]
            replies[index] = replace(reply, text=f"{reply.text}\n{stale_text(oldest)}")
        return replies


def _compact(replies: list[Reply]) -> list[Reply]:
    """At most MAX_BUBBLES messages: the two shortest neighbours without buttons are joined."""
    replies = list(replies)
    while len(replies) > MAX_BUBBLES:
        pairs = [
            (len(replies[i].text) + len(replies[i + 1].text), i)
            for i in range(len(replies) - 1)
            if not replies[i].buttons and not replies[i + 1].buttons
        ]
        if not pairs:
            break
        _, i = min(pairs)
        joined = replace(replies[i + 1], text=f"{replies[i].text}\n{replies[i + 1].text}")
        replies[i : i + 2] = [joined]
    return replies


def answer(
    catalogue: Catalogue, question: Question, now: datetime, staleness_days: int
) -> list[Reply]:
    """The replies to a question about one service: every sub-question it asks, briefly."""
    service = catalogue.service(question.service)
    out = _Answer(catalogue.general, now.date(), staleness_days)
    location = find_location(service, question.location, question.text)
    when = resolve_when(question, now)
    aspects = question.aspects or resolve_aspects(question.text, followup=question.followup)
    if when and not aspects:
        aspects = (Aspect.hours,)

    if question.location and location is None and service.locations:
        place = question.location
        out.say(f"Over {place.title() if place.islower() else place} weet ik niets.")
        _ask_location(out, service, when, aspects)
    elif location is not None and location.closed is not None:
        # A closure is news, not a changing fact: it gets no age note.
        out.say(location.closed.text)
        _ask_location(out, service, when, aspects)
    elif not aspects and (notes := matching_notes(service, question.text)):
        out.say("\n".join(note.text for note in notes), *notes)
    elif not aspects:
        _overview(out, service, location, now)
    else:
        for aspect in aspects:
            asked = _Asked(service, location, when or When(now.date()), now, aspects)
            _ANSWERERS[aspect](out, asked)
    return out.finish()


# Words too common to tie a question to a note.
_COMMON = frozenset(
    [
        "altijd",
        "echt",
        "wel",
        "niet",
        "nog",
        "ook",
        "maar",
        "want",
        "omdat",
        "kunnen",
        "moeten",
        "mogen",
        "hebben",
        "zijn",
        "wordt",
        "worden",
        "iemand",
        "iets",
        "alles",
        "mensen",
    ]
)


def matching_notes(service: Service, text: str) -> list[Note]:
    """The service's notes that share a telling word with the question ("welk toilet?").

    A word counts when it is at least five letters long and one of the note's words
    contains it: "contract" finds "huurcontract".
    """
    # A service's own words say which service, not which note ("ziekenhuis" is a ride).
    own = {normalise(word) for word in service.words}
    asked = {w for w in normalise(text).split() if len(w) >= 5 and w not in _COMMON | own}
    return [
        note
        for note in service.notes
        if any(a in word for a in asked for word in normalise(note.text).split())
    ]


@dataclass(frozen=True)
class _Asked:
    """One sub-question to answer, with what the message said about place and day."""

    service: Service
    location: Location | None
    when: When
    now: datetime
    aspects: tuple[Aspect, ...] = ()


def _ask_location(
    out: _Answer, service: Service, when: When | None, aspects: tuple[Aspect, ...] = ()
) -> None:
    if out.asked_back:
        return
    extra = {"day": when.entity()} if when else {}
    if aspects:
        extra["aspect"] = ",".join(a.value for a in aspects)
    buttons = []
    for loc_id in service.main_locations or [loc.id for loc in service.locations]:
        loc = next(x for x in service.locations if x.id == loc_id)
        payload = f"/ask_{service.id.value}" + _json({"location": loc.id, **extra})
        buttons.append(Button(_cap(loc.name), payload))
    out.say(f"Over welk {service.place_word} gaat het?", buttons=tuple(buttons))


def _json(entities: dict[str, str]) -> str:
    inner = ",".join(f'"{k}":"{v}"' for k, v in entities.items())
    return "{" + inner + "}"


def _hours(out: _Answer, asked: _Asked) -> None:
    service, location, when, now = asked.service, asked.location, asked.when, asked.now
    if location is None and len(service.locations) == 1:
        location = service.locations[0]
    if location is None and service.locations:
        _ask_location(out, service, when, asked.aspects)
        return
    if location is None:
        # No place, no opening hours (a ride, a volunteer): say how to arrange it instead.
        if Aspect.signup not in asked.aspects:
            out.fact(service.signup, f"Ik weet niet wanneer {service.name} er is.")
        return
    if when.now:
        _open_now(out, location, now)
        return
    lines = [_day_hours(location, day, now) for day in when.days()]
    if any(line is None for line in lines):
        _unknown_hours(out, location)
        return
    out.say("\n".join(line for line in lines if line), location.hours, kind=Aspect.hours)


def _open_now(out: _Answer, location: Location, now: datetime) -> None:
    state = open_now(location.hours, now)
    if state is None:
        _unknown_hours(out, location)
    elif state.open:
        assert state.until is not None
        until = format_time(state.until.time())
        text = f"Ja, {location.name} is nu open. Het sluit om {until} uur."
        out.say(text, location.hours, kind=Aspect.hours)
    else:
        text = f"Nee, {location.name} is nu gesloten."
        if state.until is not None:
            phrase = day_phrase(state.until.date(), now.date()).rstrip(",").lower()
            text += f" Het gaat weer open {phrase} om {format_time(state.until.time())} uur."
        out.say(text, location.hours, kind=Aspect.hours)


def _day_hours(location: Location, day: date, now: datetime) -> str | None:
    """One day's hours as a sentence, or None when nobody knows them."""
    schedule = schedule_on(location.hours, day)
    start = day_phrase(day, now.date())
    if schedule is None:
        return None
    if schedule.holiday:
        plain = start.split(",")[0]
        return f"{plain} is het {schedule.holiday}. Dan is {location.name} gesloten."
    if len(schedule.ranges) == 1:
        return f"{start} is {location.name} open {format_ranges(schedule.ranges)}."
    if schedule.open:
        # Two or more blocks: one short line each, easier to read than one long sentence.
        lines = [_cap(format_ranges([r])) + "." for r in schedule.ranges]
        return "\n".join([f"{start} is {location.name} open:", *lines])
    return f"{start} is {location.name} gesloten."


def _unknown_hours(out: _Answer, location: Location) -> None:
    out.say(f"Ik weet de openingsuren van {location.name} niet.")
    out.needs_contact = True


def _location_address(out: _Answer, location: Location) -> None:
    if location.address.known:
        text = f"{_cap(location.name)} ligt in de {location.address.text}."
        out.say(text, location.address, kind=Aspect.address)
    else:
        out.say(f"Ik weet het adres van {location.name} niet.")
        out.needs_contact = True


def _address_line(location: Location) -> tuple[str, Fact]:
    if location.address.known:
        return f"{_cap(location.name)} in de {location.address.text}.", location.address
    return f"{_cap(location.name)}: adres niet bekend.", location.address


def _address(out: _Answer, asked: _Asked) -> None:
    service, location, aspects = asked.service, asked.location, asked.aspects
    if location is not None:
        _location_address(out, location)
    elif service.main_locations:
        # Many places, most without a known address: ask which one rather than list them all.
        _ask_location(out, service, None, aspects)
    elif service.locations:
        _list_locations(out, service)
    else:
        # No place to go to: say how to reach the service instead.
        out.say(f"Ik ken geen adres van {service.name}.")
        if not {Aspect.signup, Aspect.phone} & set(aspects):
            _reach(out, service)


def _reach(out: _Answer, service: Service) -> None:
    if service.signup.known:
        out.fact(service.signup, "", kind=Aspect.signup)
    elif service.phone.known:
        out.say(f"Het nummer is {service.phone.text}.", service.phone, kind=Aspect.phone)
    else:
        out.needs_contact = True


def _list_locations(out: _Answer, service: Service) -> None:
    lines = [_address_line(loc) for loc in service.locations if loc.closed is None]
    # Said with what is found there: a bare list of streets does not answer "waar?".
    text = "\n".join([f"{_cap(service.name)} vind je hier:", *(text for text, _ in lines)])
    out.say(text, *(f for _, f in lines), kind=Aspect.address)
    if any(not fact.known for _, fact in lines):
        out.needs_contact = True


def _phone(out: _Answer, asked: _Asked) -> None:
    service, location, aspects = asked.service, asked.location, asked.aspects
    phone = location.phone if location is not None and location.phone.known else service.phone
    who = location.name if location is not None else service.name
    if phone.known:
        out.say(f"Het nummer van {who} is {phone.text}.", phone, kind=Aspect.phone)
    elif Aspect.signup in aspects and service.signup.known:
        return  # the signup answer already says whom to call
    else:
        out.say(f"Ik ken het nummer van {who} niet.")
        out.needs_contact = True


def _fact_answerer(aspect: Aspect, unknown: str) -> _Answerer:
    """An answer that is one fact of the service, or says plainly that it is not known."""

    def answer_fact(out: _Answer, asked: _Asked) -> None:
        service, location = asked.service, asked.location
        fact: Fact = getattr(service, aspect.value)
        if location is not None and fact.known:
            # The fact is the same for every place; naming the place shows it was heard.
            out.say(_about_place(location, fact.text), fact, kind=aspect)
        else:
            out.fact(fact, unknown.format(name=service.name), kind=aspect)

    return answer_fact


def _about(out: _Answer, asked: _Asked) -> None:
    service, location = asked.service, asked.location
    if location is not None and service.about.known:
        out.say(_about_place(location, service.about.text))
    else:
        out.fact(service.about, f"Ik weet nog weinig over {service.name}.")


_Answerer = Callable[[_Answer, "_Asked"], None]
_ANSWERERS: dict[Aspect, _Answerer] = {
    Aspect.about: _about,
    Aspect.who: _fact_answerer(Aspect.who, "Ik weet niet voor wie {name} is."),
    Aspect.address: _address,
    Aspect.hours: _hours,
    Aspect.price: _fact_answerer(Aspect.price, "Ik weet niet wat {name} kost."),
    Aspect.signup: _fact_answerer(Aspect.signup, "Ik weet niet hoe je je aanmeldt bij {name}."),
    Aspect.phone: _phone,
}


def _overview(out: _Answer, service: Service, location: Location | None, now: datetime) -> None:
    if location is not None:
        _location_address(out, location)
        notes = [note.text for note in location.notes]
        if notes:
            out.say(" ".join(notes), *location.notes)
        _hours(out, _Asked(service, location, When(now.date()), now))
        return
    known = [fact.text for fact in (service.about, service.who) if fact.text]
    out.say(" ".join(known) if known else f"Ik weet nog weinig over {service.name}.")
    if service.notes:
        out.say("\n".join(note.text for note in service.notes), *service.notes)
    if service.main_locations:
        _ask_location(out, service, None)
    elif service.locations:
        _list_locations(out, service)
    else:
        _reach(out, service)
