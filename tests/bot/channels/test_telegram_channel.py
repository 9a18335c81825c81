"""The Telegram input channel in a Sanic app of its own, against the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from telegram import Bot

from bot.apology import SORRY
from bot.channels.telegram import (
    MAX_MESSAGE,
    Payloads,
    Sender,
    TelegramInput,
    TelegramOutput,
)
from bot.settings import Settings
from tests.fakes.telegram import FakeTelegram
from tests.helpers import run_cli, serving

TOKEN = "777:channel-test"
CHAT = 5550002


def channel_app(settings: Settings, received: list[UserMessage], name: str) -> Sanic:
    """The channel's blueprint as Rasa mounts it, with a list standing in for Rasa."""

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    app = Sanic(name)
    channel = TelegramInput(settings)
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/telegram")
    return app


def test_without_a_token_the_channel_is_off_with_one_clear_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    received: list[UserMessage] = []
    settings = replace(Settings.from_env({}), telegram_token=None)
    with caplog.at_level(logging.INFO), serving(channel_app(settings, received, "tg_off")) as url:
        assert httpx.get(f"{url}/webhooks/telegram/").json()["telegram"] == "off"
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
        assert httpx.post(f"{url}/webhooks/telegram/webhook", json=update).status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.channels.telegram"]
    assert lines == [
        "Telegram channel off: HULPBOT_TELEGRAM_TOKEN is not set (other channels work)"
    ]
    assert received == []


def test_webhook_without_a_usable_secret_refuses_everything(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    received: list[UserMessage] = []
    settings = replace(
        Settings.from_env({}),
        telegram_token=TOKEN,
        telegram_secret=None,
        telegram_api_url=fake.url(),
        database_url=f"sqlite:///{tmp_path / 'hulpbot.db'}",
    )
    with serving(channel_app(settings, received, "tg_nosecret")) as url:
        response = httpx.post(
            f"{url}/webhooks/telegram/webhook",
            json={"update_id": 1},
            headers={"X-Telegram-Bot-Api-Secret-Token": ""},
        )
        assert response.status_code == 403


def test_a_long_answer_is_split_at_sentence_ends(fake: FakeTelegram) -> None:
    output = TelegramOutput(Bot(TOKEN, base_url=fake.url()), Sender(0), Payloads(), set())
    sentence = "Dit is een zin over de dienstencentra in Mechelen. "
    text = sentence * 200  # about 10,000 characters
    buttons: list[dict[str, Any]] = [{"title": "Bel mij terug", "payload": "/request_callback"}]
    asyncio.run(output.send_text_with_buttons(str(CHAT), text, buttons))
    sent = fake.made("sendMessage", CHAT)
    assert len(sent) == 3
    assert all(len(c.params["text"]) <= MAX_MESSAGE for c in sent)
    assert all(c.params["text"].endswith(".") for c in sent)
    assert " ".join(c.params["text"] for c in sent) == text.strip()
    assert [bool(c.params.get("reply_markup")) for c in sent] == [False, False, True]


def test_set_webhook_command_sends_the_url_and_the_secret(fake: FakeTelegram) -> None:
    env = {
        "HULPBOT_TELEGRAM_TOKEN": TOKEN,
        "HULPBOT_TELEGRAM_SECRET": "s3cret_value",
        "HULPBOT_TELEGRAM_API_URL": fake.url(),
    }
    url = "https://hulpbot.example/webhooks/telegram/webhook"
    result = run_cli("telegram", "set-webhook", url, env=env)
    assert result.returncode == 0, result.stderr
    [call] = fake.made("setWebhook")
    assert call.params["url"] == url and call.params["secret_token"] == "s3cret_value"
    assert TOKEN not in result.stdout + result.stderr
    no_secret = run_cli("telegram", "set-webhook", url, env={**env, "HULPBOT_TELEGRAM_SECRET": ""})
    assert no_secret.returncode == 1 and "HULPBOT_TELEGRAM_SECRET" in no_secret.stderr


def test_when_handling_fails_the_resident_still_gets_an_answer(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("Rasa could not handle this")

    settings = replace(
        Settings.from_env({}),
        telegram_token=TOKEN,
        telegram_secret="secret_1",
        telegram_api_url=fake.url(),
        # Handled update ids are kept here: a database of this test's own.
        database_url=f"sqlite:///{tmp_path / 'hulpbot.db'}",
    )
    app = Sanic("tg_broken")
    app.blueprint(TelegramInput(settings).blueprint(broken), url_prefix="/webhooks/telegram")
    update = {
        "update_id": 9,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "T"},
            "text": "dag",
        },
    }
    with serving(app) as url:
        response = httpx.post(
            f"{url}/webhooks/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "secret_1"},
        )
        assert response.status_code == 200
        fake.wait_for(lambda: bool(fake.texts(CHAT)), what="an apology")
    assert fake.texts(CHAT) == [f"{SORRY} Of bel gratis 0800 20 800."]
