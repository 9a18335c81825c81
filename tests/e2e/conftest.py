"""Start the real Rasa server and action server once for the end-to-end tests.

The processes are shared (starting Rasa takes half a minute); every test talks
to them as its own resident, with its own sender id, so no test sees another's
conversation. The catalogue is a copy with Den Abeel's hours filled in and the
clock is fixed on Tuesday 24 November 2026, 10:00, so answers are exact.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bot.senders import web_sender
from bot.servers import Server, action_server, free_port, rasa_server, web_server, write_endpoints
from bot.settings import PROJECT_ROOT
from tests.e2e.browser import AXE, CHROMIUM, CHROMIUM_ARGS
from tests.fakes.sms import FakeSms, fake_sms
from tests.fakes.telegram import FakeTelegram, fake_telegram
from tests.helpers import content_copy

MODEL = PROJECT_ROOT / "models" / "hulpbot.tar.gz"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CLOCK = "2026-11-24T10:00"
RASA_LOG = ARTIFACTS / "rasa-server.log"
TELEGRAM_TOKEN = "123456:TEST-webhook"
TELEGRAM_SECRET = "test-secret_42"
SMS_NUMBER = "+32460000001"
# The web app's browser tests: a phone's size, the bot's Telegram name on the share page, and
# the one other site (origin) allowed to embed the widget.
PHONE = {"width": 360, "height": 740}
BOT_USERNAME = "hulpbot_test_bot"
EMBED_PORT = free_port()
EMBED_ORIGIN = f"http://127.0.0.1:{EMBED_PORT}"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-test-auth-token"
SMS_DAILY_CAP = 14
ACTION_LOG = ARTIFACTS / "action-server.log"
# What our processes show each other, and the key of the SMS conversation ids, in the tests.
INTERNAL_TOKEN = "test-internal-token-" + "x" * 24
SENDER_KEY = "test-sender-key"
AUTH = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}


def post_json(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **AUTH, **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        return json.load(response)


@dataclass(frozen=True)
class Resident:
    """One resident talking to the assistant over the web channel, as the web app does."""

    url: str
    # What the browser sends; the conversation id in Rasa is `sender_id`.
    browser_id: str

    @property
    def sender(self) -> str:
        return web_sender(self.browser_id)

    def say(self, text: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = post_json(
            f"{self.url}/webhooks/web/webhook", {"sender": self.browser_id, "message": text}
        )
        return messages


@dataclass(frozen=True)
class Assistant:
    url: str
    tracker_db: Path
    database_url: str
    # The settings the servers run with, for other processes that share their data.
    env: dict[str, str]
    action_port: int
    # The local fake Telegram Bot API the Rasa server's Telegram channel talks to.
    telegram: FakeTelegram
    # The local fake SMS gateway (Twilio's API) the SMS channel sends through.
    sms: FakeSms

    def resident(self) -> Resident:
        return Resident(self.url, f"test-{uuid.uuid4().hex[:12]}")

    def parse(self, text: str) -> dict[str, Any]:
        result: dict[str, Any] = post_json(f"{self.url}/model/parse", {"text": text})
        return result


def environment(content: Path, database: Path | None = None) -> dict[str, str]:
    env = {
        "HULPBOT_CONTENT_DIR": str(content),
        "HULPBOT_CLOCK": CLOCK,
        "HULPBOT_INTERNAL_TOKEN": INTERNAL_TOKEN,
        "HULPBOT_SENDER_KEY": SENDER_KEY,
    }
    if database is not None:
        env["HULPBOT_DATABASE_URL"] = f"sqlite:///{database}"
    return env


def telegram_env(fake: FakeTelegram, token: str, mode: str = "webhook") -> dict[str, str]:
    """The Telegram channel on, against the fake; a short pause between messages to one chat."""
    return {
        "HULPBOT_TELEGRAM_TOKEN": token,
        "HULPBOT_TELEGRAM_SECRET": TELEGRAM_SECRET,
        "HULPBOT_TELEGRAM_MODE": mode,
        "HULPBOT_TELEGRAM_API_URL": fake.url(),
        "HULPBOT_TELEGRAM_CHAT_INTERVAL": "0.05",
    }


def sms_env(fake: FakeSms) -> dict[str, str]:
    """The SMS channel on with the Twilio provider, against the fake; a small daily cap."""
    return {
        "HULPBOT_SMS_PROVIDER": "twilio",
        "HULPBOT_SMS_NUMBER": SMS_NUMBER,
        "HULPBOT_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "HULPBOT_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "HULPBOT_TWILIO_API_URL": fake.twilio_url(),
        "HULPBOT_SMS_DAILY_CAP": str(SMS_DAILY_CAP),
    }


@pytest.fixture(scope="session")
def sms() -> Iterator[FakeSms]:
    with fake_sms() as fake:
        yield fake


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegram]:
    with fake_telegram() as fake:
        yield fake


@dataclass
class Servers:
    """The processes of one assistant, and where it keeps its data and logs."""

    assistant: Assistant
    actions: Server
    rasa: Server
    database: Path
    logs: list[Path]


@contextmanager
def assistant_servers(
    base: Path,
    telegram: FakeTelegram,
    sms: FakeSms,
    telegram_token: str,
    logs: tuple[Path, Path],
    extra_env: dict[str, str] | None = None,
    *,
    debug: bool = False,
) -> Iterator[Servers]:
    """The action server and Rasa, with the Telegram and SMS channels against the fakes."""
    database = base / "hulpbot.db"
    env = {
        **environment(content_copy(base / "content", with_hours=True), database),
        **telegram_env(telegram, telegram_token),
        **sms_env(sms),
        "HULPBOT_TRACKER_DB_URL": f"sqlite:///{base / 'tracker.db'}",
        **(extra_env or {}),
    }
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(base / "endpoints.yml", action_port, base / "tracker.db")
    with (
        action_server(action_port, logs[0], env, debug=debug) as actions,
        rasa_server(MODEL, rasa_port, endpoints, logs[1], env, debug=debug) as rasa,
    ):
        assistant = Assistant(
            rasa.url, base / "tracker.db", f"sqlite:///{database}", env, action_port, telegram, sms
        )
        yield Servers(assistant, actions, rasa, database, list(logs))


@pytest.fixture(scope="session")
def assistant(
    tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram, sms: FakeSms
) -> Iterator[Assistant]:
    base = tmp_path_factory.mktemp("assistant")
    # Debug logging, so the test that no phone number reaches a log sees everything logged.
    logs = (ACTION_LOG, RASA_LOG)
    with assistant_servers(base, telegram, sms, TELEGRAM_TOKEN, logs, debug=True) as servers:
        yield servers.assistant


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text", "") for m in messages]


def payloads(message: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in message.get("buttons", [])]


def fill_form(resident: Resident, phone: str = "0470 12 34 56") -> list[str]:
    """From the consent question to the summary; returns the summary messages."""
    assert texts(resident.say("ja"))[-1] == "Wat is je telefoonnummer? Bijvoorbeeld: 0470 12 34 56."
    assert texts(resident.say(phone))[-1].startswith("Wat is je voornaam?")
    assert texts(resident.say("Fatima"))[-1] == "Wanneer bellen we je het best?"
    topic = resident.say("voormiddag")
    assert topic[-1]["text"] == "Gaat het over de Woonclub?"
    return texts(resident.say("ja"))


@dataclass
class OwnServers(Servers):
    """A whole assistant of a test's own (web app in front), for tests that break or inspect
    it: its processes, data and logs are nobody else's."""

    web: Server


@contextmanager
def own_servers(
    base: Path,
    name: str,
    telegram: FakeTelegram,
    sms: FakeSms,
    telegram_token: str,
    extra_env: dict[str, str] | None = None,
) -> Iterator[OwnServers]:
    logs = (ARTIFACTS / f"{name}-actions.log", ARTIFACTS / f"{name}-rasa.log")
    web_log = ARTIFACTS / f"{name}-web.log"
    with (
        assistant_servers(base, telegram, sms, telegram_token, logs, extra_env) as servers,
        web_server(
            free_port(), web_log, {**servers.assistant.env, "HULPBOT_RASA_URL": servers.rasa.url}
        ) as web,
    ):
        yield OwnServers(
            servers.assistant,
            servers.actions,
            servers.rasa,
            servers.database,
            [*servers.logs, web_log],
            web,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium (never a browser downloaded by a test tool)."""
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail("Browser tests need Chromium and axe-core: make test installs them")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(assistant: Assistant) -> Iterator[Server]:
    """The residents' web app in front of the session's assistant (one per test module)."""
    port = free_port()
    env = {
        **assistant.env,
        "HULPBOT_RASA_URL": assistant.url,
        "HULPBOT_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "HULPBOT_WEB_EMBED_ORIGINS": EMBED_ORIGIN,
        "HULPBOT_TELEGRAM_BOT_USERNAME": BOT_USERNAME,
    }
    with web_server(port, ARTIFACTS / "web.log", env) as server:
        yield server


@pytest.fixture
def phone_page(browser: Browser, site: Server) -> Iterator[tuple[Page, list[str]]]:
    """A fresh phone-sized browser; every URL it requests is collected."""
    context = browser.new_context(viewport=PHONE, locale="nl-BE")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    yield page, requested
    context.close()
