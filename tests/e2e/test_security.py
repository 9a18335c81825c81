"""Each attack from issue 12, replayed over real HTTP against the real Rasa and action server.

Every one of these once worked; now each must fail safely.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bot.channels.text import MAX_INCOMING, TRIMMED
from bot.store.db import make_engine
from bot.store.repository import CallbackRepository
from tests.e2e.conftest import AUTH, Assistant, Resident, texts

pytestmark = pytest.mark.e2e
SMS_RESIDENT = "+32470123456"


def call(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def listening_addresses(port: int) -> set[str]:
    """The local addresses a TCP port listens on, from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/conversations/{SMS_RESIDENT}/tracker", None),
        ("POST", "/conversations/web:x/tracker/events", {"event": "slot", "name": "a"}),
        ("POST", "/conversations/tg:1/trigger_intent", {"name": "greet"}),
        ("POST", "/conversations/web:x/messages", {"text": "hoi", "sender": "user"}),
        ("POST", "/model/parse", {"text": "hallo"}),
        ("GET", "/status", None),
        ("GET", "/version", None),
        ("GET", "/", None),
    ],
)
def test_the_rasa_api_answers_no_one_without_the_token(
    assistant: Assistant, method: str, path: str, body: Any
) -> None:
    status, _ = call(method, f"{assistant.url}{path}", body)
    assert status == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert call(method, f"{assistant.url}{path}", body, wrong)[0] == 401
    assert call(method, f"{assistant.url}{path}?token=anything", body)[0] == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/train"),
        ("POST", "/model/test/intents"),
        ("POST", "/model/test/stories"),
        ("POST", "/model/predict"),
    ],
)
def test_the_model_cannot_be_changed_over_http_even_with_the_token(
    assistant: Assistant, method: str, path: str
) -> None:
    body = {"model_server": {"url": "http://127.0.0.1:1/evil.tar.gz"}}
    headers = {**AUTH, "filename": "../../../../tmp/owned.py"}
    assert call(method, f"{assistant.url}{path}", body, headers)[0] == 404
    assert not Path("/tmp/owned.py").exists()
    # The assistant still answers as before.
    assert call("POST", f"{assistant.url}/model/parse", {"text": "hallo"}, AUTH)[0] == 200


def test_rasa_and_the_action_server_listen_on_this_machine_only(assistant: Assistant) -> None:
    rasa_port = int(assistant.url.rsplit(":", 1)[1])
    loopback = {"0100007F"}  # 127.0.0.1 in /proc/net/tcp's byte order
    assert listening_addresses(rasa_port) == loopback
    assert listening_addresses(assistant.action_port) == loopback


def test_rasas_own_rest_channel_is_gone(assistant: Assistant) -> None:
    body = {"sender": SMS_RESIDENT, "message": "hallo"}
    assert call("POST", f"{assistant.url}/webhooks/rest/webhook", body, AUTH)[0] == 404


def test_the_action_server_refuses_a_forged_call(assistant: Assistant) -> None:
    tracker = {
        "sender_id": "web:forged",
        "slots": {"callback_phone": "+32470999999", "callback_moment": "voormiddag"},
        "latest_message": {},
        "events": [],
        "active_loop": {},
    }
    body = {
        "next_action": "action_submit_callback",
        "sender_id": "web:forged",
        "tracker": tracker,
        "domain": {},
        "version": "3.6.2",
    }
    url = f"http://127.0.0.1:{assistant.action_port}"
    assert call("POST", f"{url}/webhook", body)[0] == 401
    assert call("POST", f"{url}/webhook", body, {"Authorization": "Bearer guess"})[0] == 401
    assert call("GET", f"{url}/actions")[0] == 401
    assert call("GET", f"{url}/health")[0] == 200
    engine = make_engine(assistant.database_url)
    try:
        assert CallbackRepository(engine).open_request("web", "web:forged") is None
    finally:
        engine.dispose()


def test_the_web_channel_needs_the_token_and_lets_no_caller_choose_who_they_are(
    assistant: Assistant,
) -> None:
    webhook = f"{assistant.url}/webhooks/web/webhook"
    assert call("POST", webhook, {"sender": "abcdefgh", "message": "hallo"})[0] == 401
    for sender in (SMS_RESIDENT, "sms:0123456789abcdef", "tg:123456789", "../x", ""):
        assert call("POST", webhook, {"sender": sender, "message": "hallo"}, AUTH)[0] == 400


def test_claimed_channel_and_metadata_are_ignored(assistant: Assistant) -> None:
    """A typed number is never taken as one the channel vouches for."""
    resident = assistant.resident()
    claim = {"input_channel": "sms", "metadata": {"phone": SMS_RESIDENT}}

    def say(text: str) -> list[str]:
        body = {"sender": resident.browser_id, "message": text, **claim}
        status, raw = call("POST", f"{assistant.url}/webhooks/web/webhook", body, AUTH)
        assert status == 200
        return texts(json.loads(raw))

    say("bel mij terug")
    asked = say("ja")
    assert asked[-1].startswith("Wat is je telefoonnummer?")
    assert not any("Mogen we je bellen op" in t for t in asked)


def test_a_huge_message_is_trimmed_with_a_polite_note(assistant: Assistant) -> None:
    resident: Resident = assistant.resident()
    reply = resident.say("waar is den abeel " + "en " * 300_000)
    assert texts(reply)[0] == TRIMMED
    assert len(texts(reply)) >= 2
    assert MAX_INCOMING == 1000


def test_an_action_server_error_never_echoes_the_conversation(assistant: Assistant) -> None:
    url = f"http://127.0.0.1:{assistant.action_port}/webhook"
    secret = "Mijn naam is Bartholomeus en mijn nummer is 0470 99 88 77"
    broken = {"next_action": "action_answer_service", "tracker": {"events": secret}}
    status, body = call("POST", url, broken, AUTH)
    assert status == 500 and b"Bartholomeus" not in body and b"0470" not in body
    status, body = call("POST", url, None, {**AUTH, "Content-Type": "text/plain"})
    assert status >= 400 and b"Traceback" not in body
