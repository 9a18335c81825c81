"""Conversation ids from before they carried their channel, renamed once by `bot migrate`.

Before issue 12 the web app's conversations were "web-<browser id>" on Rasa's REST channel,
Telegram's were the bare chat id and SMS's the phone number itself. Renaming them in Rasa's
tracker store and on the requests lets residents carry on where they were (the same
conversation, their open request found again) under ids no caller can choose. Running it
again changes nothing.
"""

from __future__ import annotations

import re

from sqlalchemy import inspect, select, text, update
from sqlalchemy.engine import Engine

from bot.phone import find_phone
from bot.senders import OTHER, channel_of, sms_sender, telegram_sender, web_sender
from bot.store.tables import audit_event, callback_request

OLD_WEB = re.compile(r"^web-([A-Za-z0-9-]{8,64})$")
OLD_TELEGRAM = re.compile(r"^[1-9][0-9]{0,15}$")
RESIDENT_ACTOR = "inwoner"


def new_id(old: str, sender_key: str | None) -> str | None:
    """The id an old conversation has now; None when it is new already or no channel's."""
    if channel_of(old) != OTHER:
        return None
    if match := OLD_WEB.match(old):
        return web_sender(match.group(1))
    if OLD_TELEGRAM.match(old):
        return telegram_sender(int(old))
    phone = find_phone(old) if old.startswith("+") else None
    if phone is not None and sender_key:
        return sms_sender(phone, sender_key)
    return None


def rename_conversations(database: Engine, tracker: Engine, sender_key: str | None) -> int:
    """Rename old ids in both databases; returns how many conversations were renamed."""
    has_events = "events" in inspect(tracker).get_table_names()
    with database.connect() as connection:
        ids = set(connection.execute(select(callback_request.c.sender_id).distinct()).scalars())
    if has_events:
        with tracker.connect() as connection:
            ids |= set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())
    renames = {old: new for old in ids if (new := new_id(old, sender_key))}
    if not renames:
        return 0
    with database.begin() as connection:
        for old, new in renames.items():
            connection.execute(
                update(callback_request)
                .where(callback_request.c.sender_id == old)
                .values(sender_id=new, channel=channel_of(new))
            )
            connection.execute(
                update(audit_event).where(audit_event.c.actor == old).values(actor=RESIDENT_ACTOR)
            )
    if has_events:
        with tracker.begin() as connection:
            for old, new in renames.items():
                connection.execute(
                    text("UPDATE events SET sender_id = :new WHERE sender_id = :old"),
                    {"new": new, "old": old},
                )
    return len(renames)
