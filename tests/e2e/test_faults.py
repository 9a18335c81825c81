"""Fail out loud: with the action server stopped or killed, the database gone or Rasa paused,
a resident on every channel still gets an answer — the apology with the city's number, and
their call-back code when one was saved.

These servers are this module's own (the test breaks them), with the real Telegram and SMS
channels against the local fakes and the real web app in front.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.apology import SORRY
from bot.servers import Server, action_server, free_port, rasa_server, web_server, write_endpoints
from tests.e2e.conftest import (
    ARTIFACTS,
    MODEL,
    Assistant,
    environment,
    fill_form,
    sms_env,
    telegram_env,
    texts,
)
from tests.e2e.test_sms import Texter
from tests.e2e.test_telegram import TelegramUser
from tests.fakes.sms import FakeSms
from tests.fakes.telegram import FakeTelegram
from tests.helpers import content_copy

pytestmark = pytest.mark.e2e
TOKEN = "654321:TEST-faults"
CITY = "0800 20 800"


@dataclass
class Fragile:
    assistant: Assistant
    actions: Server
    rasa: Server
    web: Server
    database: Path


@pytest.fixture(scope="module")
def fragile(
    tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram, sms: FakeSms
) -> Iterator[Fragile]:
    base = tmp_path_factory.mktemp("fragile")
    database = base / "hulpbot.db"
    env = {
        **environment(content_copy(base / "content", with_hours=True), database),
        **telegram_env(telegram, TOKEN),
        **sms_env(sms),
        "HULPBOT_ACTION_TIMEOUT": "3",
        "HULPBOT_RASA_TIMEOUT": "4",
    }
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    endpoints = write_endpoints(base / "endpoints.yml", action_port, base / "tracker.db")
    with (
        action_server(action_port, ARTIFACTS / "faults-actions.log", env) as actions,
        rasa_server(MODEL, rasa_port, endpoints, ARTIFACTS / "faults-rasa.log", env) as rasa,
        web_server(
            web_port,
            ARTIFACTS / "faults-web.log",
            {**env, "HULPBOT_RASA_URL": rasa.url},
        ) as web,
    ):
        assistant = Assistant(
            rasa.url, base / "tracker.db", f"sqlite:///{database}", env, action_port, telegram, sms
        )
        yield Fragile(assistant, actions, rasa, web, database)


def is_apology(text: str, reference: str | None = None) -> bool:
    return text.startswith(SORRY) and CITY in text and (reference is None or reference in text)


def web_app_says(web: Server, browser_id: str, text: str) -> list[str]:
    started = time.monotonic()
    reply = httpx.post(
        f"{web.url}/api/bericht", json={"sender": browser_id, "message": text}, timeout=30
    )
    assert reply.status_code == 200
    assert time.monotonic() - started < 15
    return [m["text"] for m in reply.json()["messages"]]


def every_channel_apologises(fragile: Fragile, question: str) -> None:
    assistant = fragile.assistant
    assert any(is_apology(t) for t in texts(assistant.resident().say(question)))
    assert any(is_apology(t) for t in web_app_says(fragile.web, "faults-web-1", question))
    user = TelegramUser(assistant, random.randint(10**8, 10**9))
    assert any(is_apology(t) for t in user.says_and_waits(question))
    texter = Texter(assistant, f"+32471{random.randint(0, 999999):06d}")
    assert any(is_apology(t) for t in texter.texts(question))


def test_every_channel_apologises_when_actions_fail(fragile: Fragile) -> None:
    """In order: a saved request, the action server hanging, then killed, then the database
    gone as well."""
    resident = fragile.assistant.resident()
    resident.say("ik zoek een huis om te huren")
    resident.say("bel mij terug")
    fill_form(resident)
    saved = texts(resident.say("ja"))[0]
    reference = re.search(r"MB-[A-Z0-9]{4}", saved)
    assert reference is not None

    os.kill(fragile.actions.process.pid, signal.SIGSTOP)  # hangs: Rasa's timeout must fire
    try:
        started = time.monotonic()
        reply = texts(resident.say("waar is den abeel"))
        assert time.monotonic() - started < 10
        assert any(is_apology(t, reference.group()) for t in reply)
    finally:
        os.kill(fragile.actions.process.pid, signal.SIGCONT)

    fragile.actions.process.kill()
    fragile.actions.process.wait()
    every_channel_apologises(fragile, "is den abeel vandaag open")
    # The apology is said once per turn, however many actions fail in it.
    assert sum(is_apology(t) for t in texts(resident.say("woonclub"))) == 1

    # The database gone too (a file that can no longer be opened): still an answer everywhere.
    shutil.move(fragile.database, fragile.database.with_suffix(".weg"))
    fragile.database.mkdir()
    every_channel_apologises(fragile, "wat is de woonclub")


def test_the_web_app_apologises_when_rasa_does_not_answer(fragile: Fragile) -> None:
    os.kill(fragile.rasa.process.pid, signal.SIGSTOP)
    try:
        reply = web_app_says(fragile.web, "faults-web-2", "hallo")
    finally:
        os.kill(fragile.rasa.process.pid, signal.SIGCONT)
    assert len(reply) == 1 and is_apology(reply[0])
