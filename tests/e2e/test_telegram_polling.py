"""Polling mode, for a laptop without a public address: a second Rasa server asks the fake
Bot API for updates (getUpdates) instead of waiting for a webhook."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest

from bot.servers import free_port, rasa_server, write_endpoints
from tests.e2e.conftest import ARTIFACTS, MODEL, TELEGRAM_SECRET, Assistant, telegram_env
from tests.e2e.test_telegram import UPDATE_IDS, post_update

pytestmark = pytest.mark.e2e

POLLING_TOKEN = "654321:TEST-polling"


@pytest.fixture(scope="module")
def polling(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("polling")
    endpoints = write_endpoints(base / "endpoints.yml", assistant.action_port, base / "tracker.db")
    env = {**assistant.env, **telegram_env(assistant.telegram, POLLING_TOKEN, mode="polling")}
    log = ARTIFACTS / "rasa-server-polling.log"
    with rasa_server(MODEL, free_port(), endpoints, log, env) as rasa:
        yield rasa.url


def test_polling_mode_fetches_updates_and_answers(assistant: Assistant, polling: str) -> None:
    fake = assistant.telegram
    chat = random.randint(10**8, 10**9)
    person = {"id": chat, "is_bot": False, "first_name": "Test"}
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": person,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    fake.queue(POLLING_TOKEN, {"update_id": next(UPDATE_IDS), "message": message})
    texts = fake.wait_for_texts(chat, 2, timeout=60)
    assert texts[0] == "Dag! Ik ben de Hulpbot van de stad Mechelen."
    assert any(c.token == POLLING_TOKEN for c in fake.made("deleteWebhook"))
    assert all(c.token == POLLING_TOKEN for c in fake.made("sendMessage", chat))
    # In polling mode nothing may come in through the webhook, even with the right secret.
    update = {"update_id": next(UPDATE_IDS), "message": {**message, "text": "dag"}}
    assert post_update(polling, update, TELEGRAM_SECRET) == 403
