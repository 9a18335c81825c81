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

import httpx
import pytest

from bot.apology import SORRY
from bot.servers import Server
from tests.e2e.conftest import OwnServers, fill_form, own_servers, texts
from tests.e2e.test_sms import Texter
from tests.e2e.test_telegram import TelegramUser
from tests.fakes.sms import FakeSms
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.e2e
TOKEN = "654321:TEST-faults"
CITY = "0800 20 800"


@pytest.fixture(scope="module")
def fragile(
    tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram, sms: FakeSms
) -> Iterator[OwnServers]:
    timeouts = {"HULPBOT_ACTION_TIMEOUT": "3", "HULPBOT_RASA_TIMEOUT": "4"}
    base = tmp_path_factory.mktemp("fragile")
    with own_servers(base, "faults", telegram, sms, TOKEN, timeouts) as servers:
        yield servers


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


def every_channel_apologises(fragile: OwnServers, question: str) -> None:
    assistant = fragile.assistant
    assert any(is_apology(t) for t in texts(assistant.resident().say(question)))
    assert any(is_apology(t) for t in web_app_says(fragile.web, "faults-web-1", question))
    user = TelegramUser(assistant, random.randint(10**8, 10**9))
    assert any(is_apology(t) for t in user.says_and_waits(question))
    texter = Texter(assistant, f"+32471{random.randint(0, 999999):06d}")
    assert any(is_apology(t) for t in texter.texts(question))


def test_every_channel_apologises_when_actions_fail(fragile: OwnServers) -> None:
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


def test_the_web_app_apologises_when_rasa_does_not_answer(fragile: OwnServers) -> None:
    os.kill(fragile.rasa.process.pid, signal.SIGSTOP)
    try:
        reply = web_app_says(fragile.web, "faults-web-2", "hallo")
    finally:
        os.kill(fragile.rasa.process.pid, signal.SIGCONT)
    assert len(reply) == 1 and is_apology(reply[0])
