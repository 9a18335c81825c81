"""What residents asked, read from Rasa's tracker store, and the messages staff labelled for the
next training (table `reviewed_message`).

Labels never reach the model by themselves: `bot nlu export-reviewed` writes them as Rasa NLU
YAML, and a developer adds that file to data/nlu/ and retrains.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, column, delete, or_, select, table, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.callback import URGENT_ACTION, referral_code
from bot.phone import mask_phones
from bot.senders import channel_of
from bot.store.conversations import has_store
from bot.store.tables import reviewed_message

# Rasa's name for a message its FallbackClassifier (or our safety net) could not place.
FALLBACK_INTENT = "nlu_fallback"
# The label for a message that must not be learned at all.
NOT_OURS = "niet voor ons"
# The context slots the answer actions set after a question (domain.yml).
SERVICE_SLOT, ASPECTS_SLOT, TOPIC_SLOT = "service", "aspects", "topic"
# Button payloads ("/request_callback") are not typed by residents.
PAYLOAD = "/"
# Newest events read at most for one overview: the page never reads an unbounded table.
MAX_EVENTS = 100_000
# Rows per round trip while reading.
BATCH = 2_000
_SPACE = re.compile(r"\s+")

# Rasa's table, declared as far as we read it: Rasa owns and creates it.
_events = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("action_name"),
    column("data"),
)


def message_key(sender_id: str, timestamp: float, text: str) -> str:
    """One resident message, so it is labelled once, without storing who sent it."""
    return hashlib.sha256(f"{sender_id}\n{timestamp!r}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class Said:
    """One message a resident typed or tapped, and what the assistant made of it.

    `text` is masked, and only filled for the messages staff may read on the overview
    (unclear or urgent ones); it is empty for the others, which are only counted.
    """

    key: str
    sender_id: str
    at: datetime
    text: str
    intent: str | None
    confidence: float | None
    # The best real intent: under a fallback, the one the classifier ranked first.
    guessed: str | None
    guessed_confidence: float | None
    referral_code: str | None = None
    # What the answer left in the context slots (None: this turn set no service or topic).
    service: str | None = None
    aspects: tuple[str, ...] = ()
    topic: str | None = None
    urgent: bool = False
    # Answered inside a form (a name, a phone number): never a question.
    in_form: bool = False
    unclear: bool = False

    @property
    def channel(self) -> str:
        return channel_of(self.sender_id)


@dataclass
class _Turn:
    """What followed one resident message until the next one (read newest first)."""

    slots: dict[str, Any] = field(default_factory=dict)
    actions: set[str] = field(default_factory=set)


def _guess(parse_data: Mapping[str, Any]) -> tuple[str | None, float | None]:
    ranking = [
        r for r in parse_data.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT
    ]
    if not ranking:
        return None, None
    best = ranking[0]
    confidence = best.get("confidence")
    return best.get("name"), None if confidence is None else float(confidence)


def _said(
    sender_id: str,
    timestamp: float,
    event: Mapping[str, Any],
    turn: _Turn,
    threshold: float,
    forms: Collection[str],
) -> Said:
    raw = str(event.get("text") or "")
    parse_data = event.get("parse_data") or {}
    intent_data = parse_data.get("intent") or {}
    intent = intent_data.get("name")
    confidence = intent_data.get("confidence")
    confidence = None if confidence is None else float(confidence)
    guessed, guessed_confidence = (
        _guess(parse_data) if intent == FALLBACK_INTENT else (intent, confidence)
    )
    in_form = any(name in forms for name in turn.actions)
    urgent = URGENT_ACTION in turn.actions
    unclear = (
        not raw.startswith(PAYLOAD)
        and not in_form
        and (intent == FALLBACK_INTENT or (confidence is not None and confidence < threshold))
    )
    aspects = turn.slots.get(ASPECTS_SLOT) or ()
    return Said(
        key=message_key(sender_id, timestamp, raw),
        sender_id=sender_id,
        at=datetime.fromtimestamp(timestamp, timezone.utc),
        text=mask_phones(raw) if unclear or urgent else "",
        intent=intent,
        confidence=confidence,
        guessed=guessed,
        guessed_confidence=guessed_confidence,
        referral_code=referral_code([event.get("metadata")]),
        service=turn.slots.get(SERVICE_SLOT),
        aspects=tuple(str(a) for a in aspects) if isinstance(aspects, (list, tuple)) else (),
        topic=turn.slots.get(TOPIC_SLOT),
        urgent=urgent,
        in_form=in_form,
        unclear=unclear,
    )


def read_messages(
    engine: Engine,
    since: datetime,
    threshold: float,
    forms: Collection[str],
    limit: int = MAX_EVENTS,
) -> list[Said]:
    """Every resident message from `since` on, newest first, with what followed it.

    Reads only user events, our context slots, urgent help and form actions, and at most
    `limit` of them (the newest). A message is unclear when the intent is the fallback or its
    confidence is below `threshold`; a message answered by a form in `forms` never is.
    """
    if not has_store(engine):
        return []
    query = (
        select(
            _events.c.sender_id,
            _events.c.type_name,
            _events.c.timestamp,
            _events.c.action_name,
            _events.c.data,
        )
        .where(
            _events.c.timestamp >= since.timestamp(),
            or_(
                _events.c.type_name == "user",
                and_(
                    _events.c.type_name == "slot",
                    _events.c.action_name.in_([SERVICE_SLOT, ASPECTS_SLOT, TOPIC_SLOT]),
                ),
                and_(
                    _events.c.type_name == "action",
                    _events.c.action_name.in_([URGENT_ACTION, *forms]),
                ),
            ),
        )
        .order_by(_events.c.id.desc())
        .limit(limit)
    )
    found: list[Said] = []
    # Newest first: what a sender's later events did belongs to their next older message.
    turns: dict[str, _Turn] = {}
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
        for sender_id, type_name, timestamp, action_name, data in rows:
            turn = turns.setdefault(sender_id, _Turn())
            if type_name == "slot":
                # The newest value of the turn wins: it is what the answer left.
                turn.slots.setdefault(action_name, json.loads(data).get("value"))
            elif type_name == "action":
                turn.actions.add(action_name)
            else:
                event = json.loads(data)
                found.append(_said(sender_id, float(timestamp), event, turn, threshold, forms))
                turns[sender_id] = _Turn()
    return found


def message_keys(engine: Engine, sender_ids: Collection[str]) -> set[str]:
    """The keys of every message of these conversations (for `bot forget`)."""
    if not sender_ids or not has_store(engine):
        return set()
    keys = set()
    with engine.connect() as connection:
        for sender in sorted(sender_ids):
            rows = connection.execute(
                select(_events.c.timestamp, _events.c.data).where(
                    _events.c.sender_id == sender, _events.c.type_name == "user"
                )
            )
            for timestamp, data in rows:
                text = str(json.loads(data).get("text") or "")
                keys.add(message_key(sender, float(timestamp), text))
    return keys


@dataclass(frozen=True)
class Reviewed:
    text: str
    guessed_intent: str | None
    intent: str
    message_at: datetime
    reviewed_by: str
    reviewed_at: datetime
    message_key: str


class ReviewRepository:
    """The labels staff gave. Synchronous and short: async callers use a thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def mark(self, messages: Sequence[Said], intent: str, reviewer: str, now: datetime) -> int:
        """Label these messages `intent` (a message labelled before gets the new label).

        Each message is stored once, by its key; returns how many were stored or changed.
        """
        keys = [m.key for m in messages]
        for _ in range(3):
            try:
                with self._engine.begin() as connection:
                    known = set(
                        connection.execute(
                            select(reviewed_message.c.message_key).where(
                                reviewed_message.c.message_key.in_(keys)
                            )
                        ).scalars()
                    )
                    label = {"intent": intent, "reviewed_by": reviewer, "reviewed_at": now}
                    if known:
                        connection.execute(
                            update(reviewed_message)
                            .where(reviewed_message.c.message_key.in_(known))
                            .values(**label)
                        )
                    new = [
                        {
                            **label,
                            "text": m.text,
                            "guessed_intent": m.guessed,
                            "message_at": m.at,
                            "message_key": m.key,
                        }
                        for m in messages
                        if m.key not in known
                    ]
                    if new:
                        connection.execute(reviewed_message.insert(), new)
                    return len(messages)
            except IntegrityError:
                continue  # a colleague labelled the same message at the same moment: again
        raise RuntimeError("could not store the labels")

    def all(self) -> list[Reviewed]:
        """Every label, oldest message first."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(
                    *(reviewed_message.c[name] for name in Reviewed.__dataclass_fields__)
                ).order_by(reviewed_message.c.message_at, reviewed_message.c.id)
            ).all()
        return [Reviewed(*row) for row in rows]

    def purge(self, before: datetime) -> int:
        """Delete labels of messages sent before `before` (the conversation retention)."""
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(reviewed_message).where(reviewed_message.c.message_at < before)
            )
        return int(result.rowcount)

    def forget(self, keys: Collection[str]) -> int:
        if not keys:
            return 0
        deleted, ordered = 0, sorted(keys)
        with self._engine.begin() as connection:
            for start in range(0, len(ordered), 500):
                result = connection.execute(
                    delete(reviewed_message).where(
                        reviewed_message.c.message_key.in_(ordered[start : start + 500])
                    )
                )
                deleted += int(result.rowcount)
        return deleted


def training_text(text: str) -> str:
    """One line for an NLU example. Square brackets would read as an entity annotation
    ("[telefoonnummer](…)"), so they become round ones; YAML refuses control characters."""
    line = "".join(c for c in _SPACE.sub(" ", text) if c.isprintable()).strip()
    return line.replace("[", "(").replace("]", ")")


def _examples(rows: Iterable[Reviewed]) -> Iterator[tuple[str, list[str]]]:
    """(intent, examples) without "niet voor ons"; a text labelled twice keeps its newest label."""
    newest: dict[str, Reviewed] = {}
    for row in sorted(rows, key=lambda r: (r.reviewed_at, r.message_at)):
        example = training_text(row.text)
        if example and not example.startswith(PAYLOAD):
            newest.pop(example.casefold(), None)
            newest[example.casefold()] = row
    by_intent: dict[str, list[str]] = {}
    for row in newest.values():
        if row.intent != NOT_OURS:
            by_intent.setdefault(row.intent, []).append(training_text(row.text))
    for intent in sorted(by_intent):
        yield intent, by_intent[intent]


def nlu_yaml(rows: Iterable[Reviewed]) -> str:
    """The labelled messages as Rasa NLU training data (format 3.1)."""
    lines = [
        "# Messages staff labelled in the dashboard (Wat vragen inwoners), phone numbers masked.",
        "# Read them, then add this file to data/nlu/ and retrain.",
        'version: "3.1"',
        "",
        "nlu:",
    ]
    for intent, examples in _examples(rows):
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {example}" for example in examples]
    if lines[-1] == "nlu:":
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"
