"""Keep personal data only as long as promised: the purge (`bot purge` and the daily worker)
and `bot forget` for one resident, across both databases (ours and Rasa's tracker store)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.phone import find_phone
from bot.senders import OTHER, MissingKey, channel_of, sms_sender
from bot.settings import Settings
from bot.store.conversations import delete_conversations, idle_conversations
from bot.store.db import compact, make_engine
from bot.store.insight import ReviewRepository, message_keys
from bot.store.repository import CallbackRepository
from bot.store.seen import drop_old
from bot.store.sms import SmsRepository
from bot.store.tables import sms_seen, telegram_seen

# What a phone number typed by staff may contain besides digits.
_NUMBER_ONLY = re.compile(r"[\d\s+()./-]+")


@dataclass(frozen=True)
class Removed:
    """What a purge or `bot forget` removed (requests: purged or deleted)."""

    requests: int
    conversation_events: int
    sms_numbers: int
    # Messages staff labelled for the training (reviewed_message).
    reviewed_messages: int = 0


@contextmanager
def tracker_store(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.tracker_db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def purge_personal_data(engine: Engine, settings: Settings, now: datetime) -> Removed:
    """Everything the daily purge removes, in one go.

    - requests closed longer than `retention_days` ago lose what identifies the resident,
      and their conversations go at once (they hold the number);
    - conversations silent for `conversation_retention_days`, call-back or not, are deleted,
      unless a request of theirs is open or not purged yet (staff may still read them);
    - SMS numbers we sent nothing to for as long are forgotten (opt-outs stay);
    - messages staff labelled go when they are as old (by when the resident sent them);
    - webhook delivery ids older than a week are dropped.

    Should the tracker store fail after the requests were purged, those conversations are
    still caught by the idle rule at a later run.
    """
    repository, sms = CallbackRepository(engine), SmsRepository(engine)
    purged = repository.purge(settings.retention_days, now)
    keep = repository.senders_with_personal_data()
    silent_since = now - timedelta(days=settings.conversation_retention_days)
    numbers = sms.purge(silent_since.date())
    reviewed = ReviewRepository(engine).purge(silent_since)
    with engine.begin() as connection:
        for table in (sms_seen, telegram_seen):
            drop_old(connection, table, now)
    with tracker_store(settings) as tracker:
        gone = ({sender for _, sender in purged} | idle_conversations(tracker, silent_since)) - keep
        events = delete_conversations(tracker, gone)
        if events:
            compact(tracker)
    if purged or numbers or reviewed:
        compact(engine)
    return Removed(len(purged), events, numbers, reviewed)


def identify(who: str, sender_key: str | None) -> tuple[set[str], str | None]:
    """The conversation ids and the phone number (E.164) that `who` stands for.

    `who` is a conversation id ("web:…", "tg:123", "sms:…", or an id from before the
    channel prefixes) or a phone number in any format. A number's SMS conversation is
    keyed with the sender key; before the keyed ids it was the number itself.
    """
    phone = find_phone(who) if _NUMBER_ONLY.fullmatch(who.strip()) else None
    if channel_of(who) != OTHER or phone is None:
        return {who}, None
    return {who, phone, *_sms_ids([phone], sender_key)}, phone


def _sms_ids(phones: Collection[str], sender_key: str | None) -> set[str]:
    try:
        return {sms_sender(phone, sender_key) for phone in phones}
    except MissingKey:
        return set()  # without a key the SMS channel cannot run: no such conversations


def forget_resident(engine: Engine, settings: Settings, who: str) -> Removed:
    """Remove every trace of one resident from both databases (`bot forget`).

    Their requests (notes and outbox rows go with them), audit rows naming their
    conversation, what the SMS channel remembers of their number (the opt-out too), and
    their conversations and the labels staff gave their messages. A number leads to every
    request with that number, and a request to its conversation; a keyed SMS conversation id
    is matched to its number.
    """
    senders, phone = identify(who, settings.sender_key)
    sms = SmsRepository(engine)
    requests = CallbackRepository(engine).forget(*senders, phone=phone)
    phones = set(requests.phones)
    phones |= {n for n in sms.numbers() if _sms_ids({n}, settings.sender_key) & senders}
    numbers = sms.forget(phones)
    conversations = set(requests.senders) | phones | _sms_ids(phones, settings.sender_key)
    with tracker_store(settings) as tracker:
        reviewed = ReviewRepository(engine).forget(message_keys(tracker, conversations))
        events = delete_conversations(tracker, conversations)
        compact(tracker)
    compact(engine)
    return Removed(requests.requests, events, numbers, reviewed)
