"""Wat vragen inwoners: what residents asked, what the assistant did not understand, and the
labels staff give those messages for the next training (never the model itself)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot import senders
from bot.adjacent import TOPICS
from bot.content.matching import normalise
from bot.content.models import ServiceId
from bot.content.review import FIELD_NAMES
from bot.conversation import OTHER, URGENT
from bot.dashboard.present import TOPIC_LABELS, channel_label, channel_name, topic_label
from bot.dashboard.web import actor, off_loop, render, services, staff_page
from bot.settings import PROJECT_ROOT
from bot.store.insight import NOT_OURS, Reviewed, ReviewRepository, Said, read_messages
from bot.store.repository import CallbackRecord

WEEKS = 8
# Rasa's own default, for a pipeline whose FallbackClassifier names no threshold.
RASA_FALLBACK_THRESHOLD = 0.3
# The newest groups of unclear messages compared for near-duplicates, and how many are shown.
MAX_GROUPS = 300
SHOWN_GROUPS = 100
# Two wordings this alike (difflib's ratio on the normalised text) are one group.
NEAR = 0.88
COMPARED_CHARS = 200
MAX_CODES = 50
GROUP_ID = re.compile(r"[0-9a-f]{16}")
# Intents in plain Dutch for staff; an intent missing here shows its own name.
INTENT_LABELS = {
    # The service questions by the services' own names, as in the inbox.
    **{f"ask_{service.value}": TOPIC_LABELS[service.value] for service in ServiceId},
    "ask_followup": "Nog een vraag over hetzelfde (en morgen? wat kost dat?)",
    "other_language": "Andere taal",
    "request_callback": "Wil met een mens spreken",
    "urgent_help": "Dringende hulp nodig",
    "greet": "Groet (hallo)",
    "goodbye": "Afscheid (dag)",
    "thank": "Bedankt",
    "affirm": "Ja",
    "deny": "Nee",
    "bot_challenge": "Vraagt of dit een robot is",
    "help": "Vraagt wat de hulpbot kan",
    "out_of_scope": "Andere vraag (geld, huur, dokter …)",
    NOT_OURS: "Niet voor ons: niet leren",
}


def intent_label(intent: str | None) -> str:
    return "geen" if intent is None else INTENT_LABELS.get(intent, intent)


@dataclass(frozen=True)
class Project:
    """What the page needs from the Rasa project: the intents staff can choose, the forms
    (answers to them are not questions), and the confidence below which Rasa falls back."""

    intents: tuple[str, ...]
    forms: frozenset[str]
    threshold: float


def read_project(root: Path = PROJECT_ROOT) -> Project:
    yaml = YAML(typ="safe")
    domain = yaml.load((root / "domain.yml").read_text(encoding="utf-8"))
    config = yaml.load((root / "config.yml").read_text(encoding="utf-8"))
    intents = tuple(
        str(next(iter(item))) if isinstance(item, dict) else str(item)
        for item in domain.get("intents") or []
    )
    fallback: dict[str, Any] = next(
        (c for c in config.get("pipeline") or [] if c.get("name") == "FallbackClassifier"), {}
    )
    return Project(
        intents,
        frozenset(domain.get("forms") or {}),
        float(fallback.get("threshold", RASA_FALLBACK_THRESHOLD)),
    )


@dataclass(frozen=True)
class Variant:
    """Messages with the same wording once lower case, accents and punctuation are gone."""

    key: str
    messages: tuple[Said, ...]

    @property
    def id(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Group:
    """Messages worded alike, newest first, and the label staff gave them (if any)."""

    variants: tuple[Variant, ...]
    label: str | None

    @property
    def id(self) -> str:
        return self.variants[0].id

    @property
    def messages(self) -> list[Said]:
        found = (m for v in self.variants for m in v.messages)
        return sorted(found, key=lambda m: m.at, reverse=True)

    @property
    def text(self) -> str:
        return self.messages[0].text

    @property
    def count(self) -> int:
        return sum(len(v.messages) for v in self.variants)

    @property
    def last_seen(self) -> datetime:
        return self.messages[0].at

    @property
    def other_wordings(self) -> list[str]:
        return [v.messages[0].text for v in self.variants[1:]]

    @property
    def guess(self) -> tuple[str | None, float | None]:
        """The intent the assistant guessed most often, with its newest confidence."""
        messages = self.messages
        guessed, _ = Counter(m.guessed for m in messages).most_common(1)[0]
        newest = next(m for m in messages if m.guessed == guessed)
        return guessed, newest.guessed_confidence

    @property
    def stored(self) -> list[Said]:
        """What a label stores: the newest message of each wording."""
        return [v.messages[0] for v in self.variants]


def wording(text: str) -> str:
    """What groups messages: the normalised text, or the text itself when it has no letters
    or digits at all ("???", an emoji)."""
    return normalise(text) or text.strip()


def _alike(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a[:COMPARED_CHARS], b[:COMPARED_CHARS], autojunk=False)
    return (
        matcher.real_quick_ratio() >= NEAR
        and matcher.quick_ratio() >= NEAR
        and matcher.ratio() >= NEAR
    )


def labels_of(reviewed: Iterable[Reviewed]) -> dict[str, tuple[datetime, str]]:
    """Per wording, its newest label and when it was given."""
    found: dict[str, tuple[datetime, str]] = {}
    for row in reviewed:
        key = wording(row.text)
        if key not in found or found[key][0] <= row.reviewed_at:
            found[key] = (row.reviewed_at, row.intent)
    return found


def group_messages(
    unclear: Iterable[Said], labels: Mapping[str, tuple[datetime, str]]
) -> list[Group]:
    """The newest MAX_GROUPS wordings, near-duplicates together, newest first.

    A wording joins the first group whose newest wording is alike, so a chain of small
    changes never pulls unrelated messages together.
    """
    by_key: dict[str, list[Said]] = {}
    for said in sorted(unclear, key=lambda m: m.at, reverse=True):
        by_key.setdefault(wording(said.text), []).append(said)
    grouped: list[list[Variant]] = []
    for key, messages in list(by_key.items())[:MAX_GROUPS]:
        variant = Variant(key, tuple(messages))
        home = next((g for g in grouped if _alike(key, g[0].key)), None)
        if home is None:
            grouped.append([variant])
        else:
            home.append(variant)
    groups = []
    for variants in grouped:
        given = [labels[v.key] for v in variants if v.key in labels]
        groups.append(Group(tuple(variants), max(given)[1] if given else None))
    return groups


@dataclass(frozen=True)
class Weeks:
    """The weeks on the page, Monday to Sunday in the city's time zone, newest first."""

    mondays: tuple[date, ...]
    zone: tzinfo

    @classmethod
    def ending(cls, now: datetime, zone: tzinfo, count: int = WEEKS) -> Weeks:
        today = now.astimezone(zone).date()
        monday = today - timedelta(days=today.weekday())
        return cls(tuple(monday - timedelta(weeks=n) for n in range(count)), zone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.mondays[-1], time(), self.zone)

    def index(self, at: datetime) -> int | None:
        position = -((at.astimezone(self.zone).date() - self.mondays[0]).days // 7)
        return position if 0 <= position < len(self.mondays) else None

    def labels(self) -> list[str]:
        return [f"{monday:%d/%m}" for monday in self.mondays]


@dataclass(frozen=True)
class WeekRow:
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


def topic_name(topic: str) -> str:
    if topic in TOPICS:
        return TOPICS[topic].name
    return "iets anders" if topic == OTHER else topic


@dataclass(frozen=True)
class Rate:
    label: str
    conversations: int
    requests: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.requests / self.conversations) if self.conversations else None


def callback_rates(
    said: Iterable[Said], records: Iterable[CallbackRecord]
) -> tuple[list[Rate], list[Rate]]:
    """Conversations with a resident's message, and call-back requests made, per channel and
    per referral code (a conversation's newest code)."""
    channel_by_sender: dict[str, str] = {}
    code_by_sender: dict[str, str] = {}
    for message in said:  # newest first
        channel_by_sender.setdefault(message.sender_id, message.channel)
        if message.referral_code:
            code_by_sender.setdefault(message.sender_id, message.referral_code)
    records = list(records)
    started = Counter(channel_by_sender.values())
    asked = Counter(channel_name(r.channel) for r in records)
    per_channel = [
        Rate(channel_label(c), started[c], asked[c])
        for c in (*senders.CHANNELS, senders.OTHER)
        if started[c] or asked[c]
    ]
    started = Counter(code_by_sender.get(sender, "") for sender in channel_by_sender)
    asked = Counter(r.referral_code or "" for r in records)
    codes = sorted((set(started) | set(asked)) - {""}, key=lambda c: (-started[c], -asked[c], c))
    per_code = [Rate(c, started[c], asked[c]) for c in codes[:MAX_CODES]]
    return per_channel, [*per_code, Rate("niemand (geen code)", started[""], asked[""])]


def week_row(label: str, moments: Iterable[datetime], weeks: Weeks) -> WeekRow:
    counts = [0] * len(weeks.mondays)
    for at in moments:
        index = weeks.index(at)
        if index is not None:
            counts[index] += 1
    return WeekRow(label, tuple(counts))


def week_rows(items: Iterable[tuple[str, datetime]], weeks: Weeks) -> list[WeekRow]:
    """Counts per label per week, the most frequent label first."""
    moments: dict[str, list[datetime]] = {}
    for label, at in items:
        moments.setdefault(label, []).append(at)
    rows = [week_row(label, ats, weeks) for label, ats in moments.items()]
    return sorted(rows, key=lambda r: (-r.total, r.label))


@dataclass(frozen=True)
class Overview:
    weeks: list[str]
    per_week: list[WeekRow]
    services: list[WeekRow]
    aspects: list[WeekRow]
    topics: list[WeekRow]
    # The messages that made the assistant give the urgent numbers, newest first.
    urgent: list[Said]
    to_check: list[Group]
    checked: list[Group]
    per_channel: list[Rate]
    per_code: list[Rate]


def overview(
    said: list[Said], reviewed: list[Reviewed], records: list[CallbackRecord], weeks: Weeks
) -> Overview:
    """Everything on the page from the messages (newest first), labels and requests."""
    conversations = {(s.sender_id, weeks.index(s.at)): s.at for s in said}
    unclear = [s for s in said if s.unclear]
    urgent = [s for s in said if s.urgent]
    groups = group_messages(unclear, labels_of(reviewed))
    per_channel, per_code = callback_rates(said, records)
    return Overview(
        weeks=weeks.labels(),
        per_week=[
            week_row("Gesprekken", conversations.values(), weeks),
            week_row("Berichten van inwoners", (s.at for s in said), weeks),
            week_row("Niet begrepen", (s.at for s in unclear), weeks),
            week_row("Dringende hulp gegeven", (s.at for s in urgent), weeks),
        ],
        services=week_rows(((topic_label(s.service), s.at) for s in said if s.service), weeks),
        aspects=week_rows(
            (
                (f"{topic_label(s.service)}: {FIELD_NAMES.get(aspect, aspect)}", s.at)
                for s in said
                if s.service
                for aspect in s.aspects
            ),
            weeks,
        ),
        topics=week_rows(
            ((topic_name(s.topic), s.at) for s in said if s.topic and s.topic != URGENT), weeks
        ),
        urgent=urgent,
        to_check=[g for g in groups if g.label is None][:SHOWN_GROUPS],
        checked=[g for g in groups if g.label is not None][:SHOWN_GROUPS],
        per_channel=per_channel,
        per_code=per_code,
    )


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)} %"


def blueprint(project: Project | None = None) -> Blueprint:
    """The page; `project` (the intents, forms and fallback threshold) is read from the Rasa
    project files when not given."""
    known = project or read_project()
    choices = [(intent, intent_label(intent)) for intent in (*known.intents, NOT_OURS)]
    allowed = {intent for intent, _ in choices}
    bp = Blueprint("questions")

    def gone(request: Request) -> HTTPResponse:
        message = "Dit bericht staat niet meer in de lijst. Herlaad de pagina."
        return render(request, "error.html", 404, message=message)

    def reviews(request: Request) -> ReviewRepository:
        return ReviewRepository(request.app.ctx.engine)

    async def messages(request: Request, weeks: Weeks) -> tuple[list[Said], list[Reviewed]]:
        found = services(request)
        return await asyncio.gather(
            off_loop(read_messages, found.tracker, weeks.start, known.threshold, known.forms),
            off_loop(reviews(request).all),
        )

    @bp.get("/vragen")
    @staff_page()
    async def questions(request: Request) -> HTTPResponse:
        found = services(request)
        weeks = Weeks.ending(found.clock(), found.settings.timezone)
        (said, reviewed), records = await asyncio.gather(
            messages(request, weeks), off_loop(found.requests.since, weeks.start)
        )
        return render(
            request,
            "questions.html",
            page=overview(said, reviewed, records, weeks),
            choices=choices,
            intent_label=intent_label,
            percent=percent,
            threshold=known.threshold,
            message="Opgeslagen." if request.args.get("bericht") == "opgeslagen" else None,
        )

    @bp.post("/vragen")
    @staff_page()
    async def mark(request: Request) -> HTTPResponse:
        intent = request.form.get("onderwerp")
        if intent not in allowed:
            return render(request, "error.html", 400, message="Kies een onderwerp uit de lijst.")
        chosen = request.form.get("groep") or ""
        if not GROUP_ID.fullmatch(chosen):
            return gone(request)
        found = services(request)
        now = found.clock()
        said, reviewed = await messages(request, Weeks.ending(now, found.settings.timezone))
        groups = group_messages([s for s in said if s.unclear], labels_of(reviewed))
        group = next((g for g in groups if any(v.id == chosen for v in g.variants)), None)
        if group is None:
            return gone(request)
        who = actor(request)
        await off_loop(reviews(request).mark, group.stored, intent, who, now)
        await off_loop(
            found.requests.record_event,
            who,
            "bericht nagekeken",
            now,
            f"{intent_label(intent)} ({group.count} bericht{'en' if group.count != 1 else ''})",
        )
        return response.redirect("/vragen?bericht=opgeslagen", status=303)

    return bp
