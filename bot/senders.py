"""Conversation ids: which channel a conversation came from, and never a phone number.

Our channels set the id; no caller chooses it. Each channel has its own prefix, so a web
visitor can never post into a Telegram or SMS conversation by guessing its id. An SMS
conversation is keyed by a keyed hash of the number: the number itself is kept only where
it is needed (the call-back request, the SMS sending table).
"""

from __future__ import annotations

import hashlib
import hmac
import re

# The only channel names stored on a request or shown to staff.
WEB, TELEGRAM, SMS = "web", "telegram", "sms"
OTHER = "anders"
CHANNELS = (WEB, TELEGRAM, SMS)
PREFIXES = {WEB: "web:", TELEGRAM: "tg:", SMS: "sms:"}
# The random id a browser makes for its conversation (chat.js), checked by the web app and
# again by the web channel.
BROWSER_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class MissingKey(RuntimeError):
    """HULPBOT_SENDER_KEY is not set, so SMS conversations cannot be keyed."""


def web_sender(local_id: str) -> str:
    return PREFIXES[WEB] + local_id


def telegram_sender(chat_id: int) -> str:
    return f"{PREFIXES[TELEGRAM]}{chat_id}"


def telegram_chat(sender_id: str) -> int:
    """The chat id behind a Telegram conversation id (a bare number from before the prefix)."""
    return int(sender_id.removeprefix(PREFIXES[TELEGRAM]))


def sms_sender(phone_e164: str, key: str | None) -> str:
    if not key:
        raise MissingKey("HULPBOT_SENDER_KEY is not set: SMS conversations need it (see .env)")
    digest = hmac.new(key.encode(), phone_e164.encode(), hashlib.sha256).hexdigest()
    return PREFIXES[SMS] + digest[:40]


def channel_of(sender_id: str) -> str:
    """The channel a conversation id belongs to; OTHER for ids our channels never make."""
    return next((name for name, p in PREFIXES.items() if sender_id.startswith(p)), OTHER)
