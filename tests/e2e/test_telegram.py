"""Telegram end to end: real Update JSON posted to Rasa's webhook, replies read at the fake API.

The Rasa server runs the Telegram channel with python-telegram-bot pointed at a local fake
Bot API (tests/fakes/telegram.py); each test is its own Telegram user with its own chat.
"""

from __future__ import annotations

import itertools
import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from bot.channels.telegram import NON_TEXT, NOT_YOUR_NUMBER, SHARE_PHONE
from bot.channels.text import TRIMMED
from bot.senders import telegram_sender
from bot.store.db import make_engine
from bot.store.repository import CallbackRecord, CallbackRepository
from tests.e2e.conftest import RASA_LOG, TELEGRAM_SECRET, TELEGRAM_TOKEN, Assistant
from tests.fakes.telegram import BOT_USER, FakeTelegram

pytestmark = pytest.mark.e2e

UPDATE_IDS = itertools.count(random.randint(10_000, 10_000_000))
OTHER_MEDIA: dict[str, Any] = {
    "voice": {"file_id": "v", "file_unique_id": "v1", "duration": 3},
    "photo": [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 90}],
    "sticker": {
        "file_id": "s",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "location": {"latitude": 51.028, "longitude": 4.48},
    "document": {"file_id": "d", "file_unique_id": "d1", "file_name": "brief.pdf"},
    "video": {"file_id": "m", "file_unique_id": "m1", "width": 1, "height": 1, "duration": 1},
}


def post_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(
        f"{url}/webhooks/telegram/webhook", data=json.dumps(update).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class TelegramUser:
    """One resident in a private chat with the bot (chat id = user id, as Telegram does)."""

    assistant: Assistant
    id: int

    @property
    def fake(self) -> FakeTelegram:
        return self.assistant.telegram

    def _person(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": "Test", "language_code": "nl"}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(UPDATE_IDS),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"},
            "from": self._person(),
            **content,
        }

    def post(self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET) -> int:
        return post_update(self.assistant.url, update, secret)

    def says(self, text: str, update_id: int | None = None) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self.post(
            {"update_id": update_id or next(UPDATE_IDS), "message": self._message(**content)}
        )

    def sends(self, **content: Any) -> int:
        return self.post({"update_id": next(UPDATE_IDS), "message": self._message(**content)})

    def presses(self, title: str, data: str, message_id: int) -> int:
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": "Test"},
            "from": BOT_USER,
            "text": "…",
            "reply_markup": {"inline_keyboard": [[{"text": title, "callback_data": data}]]},
        }
        query = {
            "id": f"q{next(UPDATE_IDS)}",
            "from": self._person(),
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        return self.post({"update_id": next(UPDATE_IDS), "callback_query": query})

    def shares_contact(self, phone: str, owner: int | None = None) -> int:
        contact = {"phone_number": phone, "first_name": "Test", "user_id": owner or self.id}
        return self.sends(contact=contact)

    def texts(self, count: int) -> list[str]:
        return self.fake.wait_for_texts(self.id, count)

    def last_message(self) -> dict[str, Any]:
        return self.fake.made("sendMessage", self.id)[-1].params

    def says_and_waits(self, text: str) -> list[str]:
        before = len(self.fake.texts(self.id))
        assert self.says(text) == 200
        return self.texts(before + 1)[before:]


@pytest.fixture
def user(assistant: Assistant) -> TelegramUser:
    return TelegramUser(assistant, random.randint(10**8, 10**9))


def request_of(assistant: Assistant, chat_id: int) -> CallbackRecord | None:
    engine = make_engine(assistant.database_url)
    try:
        return CallbackRepository(engine).open_request("telegram", telegram_sender(chat_id))
    finally:
        engine.dispose()


def inline_buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = params.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def test_a_question_gets_an_answer_with_typing_and_buttons(user: TelegramUser) -> None:
    answer = user.says_and_waits("waar kan ik gratis maandverband krijgen")
    assert any("gratis" in t.lower() for t in answer)
    assert any(
        c.params.get("action") == "typing" for c in user.fake.made("sendChatAction", user.id)
    )
    greeting = user.says_and_waits("/start")
    assert greeting[0] == "Dag! Ik ben de Hulpbot van de stad Mechelen."
    assert ("Bel mij terug", "/request_callback") in inline_buttons(user.last_message())


def test_a_pressed_button_is_acknowledged_and_its_keyboard_removed(user: TelegramUser) -> None:
    user.says_and_waits("/start")
    menu = user.fake.made("sendMessage", user.id)[-1]
    before = len(user.fake.texts(user.id))
    assert user.presses("Woonclub: een huis zoeken", "/ask_woonclub", message_id=777) == 200
    answer = user.texts(before + 1)[before:]
    assert any("Woonclub" in t for t in answer), menu
    assert user.fake.made("answerCallbackQuery")
    edits = [c for c in user.fake.made("editMessageReplyMarkup", user.id)]
    assert edits and edits[-1].params["message_id"] == 777
    assert "reply_markup" not in edits[-1].params or not edits[-1].params["reply_markup"]


def fill_form_until_phone(user: TelegramUser) -> dict[str, Any]:
    user.says_and_waits("/start CAW-Mechelen")
    user.says_and_waits("bel mij terug")
    user.says_and_waits("ja")
    return user.last_message()


def test_sharing_ones_own_contact_fills_the_phone_and_the_code_reaches_the_request(
    user: TelegramUser, assistant: Assistant
) -> None:
    phone_question = fill_form_until_phone(user)
    keyboard = phone_question["reply_markup"]["keyboard"]
    assert keyboard == [[{"text": SHARE_PHONE, "request_contact": True}]]
    before = len(user.fake.texts(user.id))
    assert user.shares_contact("32470123456") == 200
    assert user.texts(before + 1)[-1].startswith("Wat is je voornaam?")
    user.says_and_waits("Fatima")
    user.says_and_waits("voormiddag")
    user.says_and_waits("iets anders")
    done = user.says_and_waits("ja")
    assert any(t.startswith("Gelukt! Je code is MB-") for t in done)
    # The contact keyboard goes away with the first message that has no buttons of its own.
    markups = [c.params.get("reply_markup") for c in user.fake.made("sendMessage", user.id)]
    assert {"remove_keyboard": True} in markups[-len(done) :]
    record = request_of(assistant, user.id)
    assert record is not None
    assert (record.channel, record.phone, record.referral_code) == (
        "telegram",
        "+32470123456",
        "CAW-Mechelen",
    )


def test_someone_elses_contact_is_refused(user: TelegramUser) -> None:
    fill_form_until_phone(user)
    before = len(user.fake.texts(user.id))
    assert user.shares_contact("32499887766", owner=user.id + 1) == 200
    assert user.texts(before + 1)[before:] == [NOT_YOUR_NUMBER]
    typed = user.says_and_waits("0470 12 34 56")
    assert typed[-1].startswith("Wat is je voornaam?")


@pytest.mark.parametrize("kind", sorted(OTHER_MEDIA))
def test_anything_but_text_gets_a_plain_reply_with_the_callback_button(
    user: TelegramUser, kind: str
) -> None:
    assert user.sends(**{kind: OTHER_MEDIA[kind]}) == 200
    assert user.texts(1) == [NON_TEXT]
    assert inline_buttons(user.last_message()) == [("Bel mij terug", "/request_callback")]


def test_a_repeated_update_is_handled_once(user: TelegramUser) -> None:
    update_id = next(UPDATE_IDS)
    assert user.says("dag", update_id) == 200
    first = user.texts(1)
    assert user.says("dag", update_id) == 200
    time.sleep(1.5)
    assert user.fake.texts(user.id) == first


@pytest.mark.parametrize("secret", [None, "wrong", TELEGRAM_SECRET + "x"])
def test_a_wrong_or_missing_secret_is_refused(user: TelegramUser, secret: str | None) -> None:
    update = {"update_id": next(UPDATE_IDS), "message": user._message(text="dag")}
    assert user.post(update, secret=secret) == 403
    time.sleep(0.5)
    assert user.fake.made("sendMessage", user.id) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"update_id": "12"},
        {"update_id": 12, "message": "geen bericht"},
        {"update_id": 12, "message": {"chat": 5}},
        ["update_id", 12],
    ],
)
def test_a_body_with_the_right_secret_that_is_no_update_gets_400(
    user: TelegramUser, body: Any
) -> None:
    assert user.post(body) == 400
    assert user.fake.made("sendMessage", user.id) == []


def test_a_very_long_message_is_trimmed_with_a_note(user: TelegramUser) -> None:
    assert user.says("waar is den abeel " + "alstublieft " * 500) == 200
    assert user.texts(2)[0] == TRIMMED


def test_flood_limit_429_is_waited_out_and_the_reply_still_arrives(user: TelegramUser) -> None:
    user.fake.limit("sendMessage", 1, retry_after=1)
    assert user.says("dag") == 200
    assert user.texts(1)
    assert len(user.fake.made("sendMessage", user.id)) >= len(user.fake.texts(user.id))


def test_help_and_stop(user: TelegramUser) -> None:
    assert (
        user.says_and_waits("/help")[0]
        == "Ik beantwoord vragen over een paar diensten in Mechelen."
    )
    user.says_and_waits("bel mij terug")
    assert (
        user.says_and_waits("/stop")[0]
        == "Oké, ik stop. Je kan altijd opnieuw vragen dat we je bellen."
    )


def test_the_bot_token_never_reaches_the_log(user: TelegramUser) -> None:
    user.says_and_waits("dag")
    assert TELEGRAM_TOKEN not in RASA_LOG.read_text()  # the Bot API URLs hold it
