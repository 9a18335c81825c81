"""The Telegram channel's parts against a local fake Bot API, with the real python-telegram-bot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.channels.telegram import Payloads, Sender, TelegramInput
from bot.servers import free_port
from bot.store.db import make_engine, migrate
from bot.store.seen import first_time
from bot.store.tables import telegram_seen
from tests.fakes.telegram import FakeTelegram

TOKEN = "123:test"
CHAT = 5550001
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


class Waits:
    """Records the waits the sender asks for instead of sleeping."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def send(bot: Bot, sender: Sender, text: str) -> Message | None:
    return asyncio.run(
        sender.call(CHAT, "sendMessage", lambda: bot.send_message(CHAT, text), message=True)
    )


def test_a_429_waits_the_named_time_then_succeeds(fake: FakeTelegram) -> None:
    waits = Waits()
    bot, sender = Bot(TOKEN, base_url=fake.url()), Sender(0, sleep=waits)
    fake.limit("sendMessage", 1, retry_after=3)
    sent = send(bot, sender, "Hallo")
    assert sent is not None and sent.text == "Hallo"
    assert len(fake.made("sendMessage", CHAT)) == 2 and waits.seconds == [3.0]


def test_messages_to_one_chat_are_paced(fake: FakeTelegram) -> None:
    waits = Waits()
    bot, sender = Bot(TOKEN, base_url=fake.url()), Sender(60, sleep=waits)
    for text in ("een", "twee"):
        assert send(bot, sender, text) is not None
    assert len(waits.seconds) == 1 and 55 < waits.seconds[0] <= 60


def test_network_errors_are_retried_with_backoff_then_given_up() -> None:
    waits = Waits()
    closed = f"http://127.0.0.1:{free_port()}/bot"
    bot, sender = Bot(TOKEN, base_url=closed), Sender(0, backoff=0.5, sleep=waits)
    assert send(bot, sender, "Hallo") is None  # logged, never raised
    assert waits.seconds == [0.5, 1.0, 2.0, 4.0]


def test_long_payloads_fit_callback_data_and_survive_a_restart() -> None:
    payload = '/ask_dienstencentrum{"location": "den_abeel", "day": "vandaag", "aspect": "uren"}'
    book = Payloads()
    data = book.data_for(payload)
    assert len(data.encode()) <= 64 and book.payload_of(data, None) == payload
    assert book.data_for("/request_callback") == "/request_callback"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Den Abeel", callback_data=data)]])
    message = Message(1, None, None, reply_markup=keyboard)  # type: ignore[arg-type]
    assert Payloads().payload_of(data, message) == "Den Abeel"  # memory lost: the title


def test_update_ids_are_seen_once_also_after_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hulpbot.db'}"
    engine = make_engine(url)
    migrate(engine)
    assert [first_time(engine, telegram_seen, i, NOW) for i in ("1", "1", "2")] == [
        True,
        False,
        True,
    ]
    engine.dispose()
    again = make_engine(url)  # a restarted process, or another replica
    assert not first_time(again, telegram_seen, "2", NOW + timedelta(hours=1))
    assert first_time(again, telegram_seen, "1", NOW + timedelta(days=8))  # long forgotten


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", ("/greet", {})),
        ("/start CAW_mechelen", ("/greet", {"referral_code": "CAW_mechelen"})),
        ("/start <script>", ("/greet", {})),
        ("/help", ("/help", {})),
        ("/stop@hulpbot_test_bot", ("stop", {})),
        ("/urgent_help", ("urgent_help", {})),
        ("is den abeel open", ("is den abeel open", {})),
    ],
)
def test_commands(text: str, expected: tuple[str, dict[str, str]]) -> None:
    assert TelegramInput._command(text) == expected
