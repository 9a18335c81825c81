"""The SMS channel with the generic JSON gateway, in a Sanic app of its own, against the fake
gateway; a small echo stands in for Rasa."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.sms import SIGNATURE_HEADER, TIMESTAMP_HEADER, SmsInput, start_code
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.sms import Allowance, SmsRepository
from tests.fakes.sms import FakeSms, fake_sms
from tests.helpers import serving

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
SECRET = "gateway-secret"
RESIDENT = "+32470111222"


@pytest.fixture
def gateway() -> Iterator[FakeSms]:
    with fake_sms() as fake:
        yield fake


def sign(timestamp: str, raw: bytes) -> str:
    """The gateway's side of the signature, written out from the README's description."""
    return hmac.new(SECRET.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()


def signed(body: dict[str, str], age: float = 0) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time() - age))
    return raw, {
        SIGNATURE_HEADER: sign(timestamp, raw),
        TIMESTAMP_HEADER: timestamp,
        "Content-Type": "application/json",
    }


def json_settings(gateway: FakeSms, tmp_path: Path) -> Settings:
    return replace(
        Settings.from_env({}),
        sms_provider="json",
        sms_number="+32460000002",
        sms_json_out_url=gateway.json_url(),
        sms_json_secret=SECRET,
        sender_key="test-sender-key",
        database_url=f"sqlite:///{tmp_path / 'hulpbot.db'}",
    )


async def echo(message: UserMessage) -> None:
    buttons = [{"title": "Ja", "payload": "ja"}, {"title": "Nee", "payload": "nee"}]
    await message.output_channel.send_text_with_buttons(
        message.sender_id, f"Je zei: {message.text}", buttons
    )


def test_json_gateway_in_and_out_signed_with_numbered_options(
    gateway: FakeSms, tmp_path: Path
) -> None:
    settings = json_settings(gateway, tmp_path)
    app = Sanic("sms_json")
    app.blueprint(SmsInput(settings).blueprint(echo), url_prefix="/webhooks/sms")
    with serving(app) as url:
        webhook = f"{url}/webhooks/sms/webhook"
        raw, headers = signed({"from": "0470 11 12 22", "to": "x", "text": "hallo", "id": "g1"})
        assert httpx.post(webhook, content=raw, headers=headers).status_code == 200
        [first] = gateway.wait_for(RESIDENT, 1)
        assert first == "Je zei: hallo\n1 = Ja, 2 = Nee.\nAntwoord met 1 of 2."
        sent = gateway.sent[0]
        expected = sign(sent.headers[TIMESTAMP_HEADER], sent.raw)
        assert sent.headers[SIGNATURE_HEADER] == expected and sent.sender == "+32460000002"
        assert abs(time.time() - int(sent.headers[TIMESTAMP_HEADER])) < 60
        raw, headers = signed({"from": RESIDENT, "to": "x", "text": "2", "id": "g2"})
        httpx.post(webhook, content=raw, headers=headers)
        assert gateway.wait_for(RESIDENT, 2)[1].startswith("Je zei: nee")
        raw, headers = signed({"from": RESIDENT, "to": "x", "text": "hallo", "id": "g3"})
        headers[SIGNATURE_HEADER] = "0" * 64
        assert httpx.post(webhook, content=raw, headers=headers).status_code == 403


@pytest.mark.parametrize("age", [301, -301, 7 * 24 * 3600 + 60])
def test_a_signed_message_replayed_later_is_refused(
    gateway: FakeSms, tmp_path: Path, age: float
) -> None:
    settings = json_settings(gateway, tmp_path)
    app = Sanic("sms_json_replay")
    app.blueprint(SmsInput(settings).blueprint(echo), url_prefix="/webhooks/sms")
    with serving(app) as url:
        raw, headers = signed({"from": RESIDENT, "to": "x", "text": "hallo", "id": "r1"}, age)
        reply = httpx.post(f"{url}/webhooks/sms/webhook", content=raw, headers=headers)
        assert reply.status_code == 403
        headers.pop(TIMESTAMP_HEADER)
        reply = httpx.post(f"{url}/webhooks/sms/webhook", content=raw, headers=headers)
        assert reply.status_code == 403
    assert gateway.sent == []


def test_without_a_provider_the_channel_is_off(caplog: pytest.LogCaptureFixture) -> None:
    settings = replace(Settings.from_env({}), sms_provider="")
    app = Sanic("sms_off")
    app.blueprint(SmsInput(settings).blueprint(echo), url_prefix="/webhooks/sms")
    with serving(app) as url:
        assert httpx.get(f"{url}/webhooks/sms/").json()["sms"] == "off"
        assert httpx.post(f"{url}/webhooks/sms/webhook", content=b"{}").status_code == 403
    assert "SMS channel off: HULPBOT_SMS_PROVIDER is not set (other channels work)" in [
        r.getMessage() for r in caplog.records
    ]


def test_store_counts_the_daily_cap_and_forgets_options_after_one_answer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    migrate(engine)
    store = SmsRepository(engine)
    today = NOW.date()
    assert [store.allow_message(RESIDENT, today, 3) for _ in range(4)] == [
        Allowance.send,
        Allowance.send,
        Allowance.last,
        Allowance.blocked,
    ]
    assert store.allow_message(RESIDENT, today + timedelta(days=1), 3) is Allowance.send
    store.offer_options(RESIDENT, [{"title": "Ja", "payload": "ja"}])
    assert store.take_options(RESIDENT) == [{"title": "Ja", "payload": "ja"}]
    assert store.take_options(RESIDENT) == []
    assert store.first_time("m1", NOW) and not store.first_time("m1", NOW)
    store.opt_out(RESIDENT, NOW)
    assert store.opted_out(RESIDENT)
    store.opt_in(RESIDENT)
    assert not store.opted_out(RESIDENT)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("START CAW-Mechelen", "CAW-Mechelen"),
        ("start  OCMW_2 ", "OCMW_2"),
        ("Start", None),
        ("START <b>", None),
        ("START twee woorden", None),
        ("starten CAW", None),
        ("waar is de woonclub", None),
    ],
)
def test_start_code_is_what_a_shared_sms_link_fills_in(text: str, code: str | None) -> None:
    assert start_code(text) == code
