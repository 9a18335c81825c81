"""SMS end to end: Twilio-signed webhook posts to the real Rasa server, replies read at the fake
gateway (tests/fakes/sms.py), where the real twilio client sends them."""

from __future__ import annotations

import itertools
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms import CAP_REACHED, STOPPED
from bot.channels.sms_text import segments
from bot.senders import sms_sender
from bot.store.db import make_engine
from bot.store.repository import CallbackRecord, CallbackRepository
from tests.e2e.conftest import (
    RASA_LOG,
    SENDER_KEY,
    SMS_DAILY_CAP,
    SMS_NUMBER,
    TWILIO_SID,
    TWILIO_TOKEN,
    Assistant,
)

pytestmark = pytest.mark.e2e

MESSAGE_IDS = itertools.count(random.randint(1, 10**9))


@dataclass
class Texter:
    """A resident with a basic phone texting our number."""

    assistant: Assistant
    number: str

    def post(self, body: str, sid: str | None = None, signature: str | None = None) -> int:
        url = f"{self.assistant.url}/webhooks/sms/webhook"
        params = {
            "From": self.number,
            "To": SMS_NUMBER,
            "Body": body,
            "MessageSid": sid or f"SM{next(MESSAGE_IDS):032d}",
            "AccountSid": TWILIO_SID,
        }
        if signature is None:
            signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode(),
            headers={"X-Twilio-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def received(self) -> list[str]:
        return self.assistant.sms.to(self.number)

    def texts(self, body: str) -> list[str]:
        """Send `body`; the messages that came back for it."""
        before = len(self.received())
        assert self.post(body) == 200
        return self.assistant.sms.wait_for(self.number, before + 1)[before:]


@pytest.fixture
def texter(assistant: Assistant) -> Texter:
    return Texter(assistant, f"+32470{random.randint(0, 999999):06d}")


def test_a_question_is_answered_in_gsm_parts_of_at_most_two_segments(texter: Texter) -> None:
    answer = texter.texts("minder mobielen centrale")
    assert any("Minder Mobielen Centrale" in t for t in answer)
    assert len(answer) >= 2  # a long answer, split at sentence ends
    for text in answer:
        assert segments(text).encoding == "gsm" and segments(text).count <= 2
        assert text.rstrip().endswith((".", "?", "!", ")"))


def test_numbered_options_answered_by_number_or_by_word(texter: Texter) -> None:
    menu = texter.texts("hallo")[-1]
    assert "1 = Dienstencentrum" in menu and menu.endswith("Antwoord met 1, 2, 3, 4 of 5.")
    assert any("Woonclub" in t for t in texter.texts("4"))
    texter.texts("hallo")
    assert any("Woonclub" in t for t in texter.texts("woonclub"))


def ask_callback(texter: Texter) -> CallbackRecord:
    """Ask to be called back on the sender's own number; the stored request."""
    texter.texts("bel mij terug")
    question = texter.texts("1")[-1]  # consent: 1 = Ja
    shown = f"0{texter.number[3:6]} {texter.number[6:8]} {texter.number[8:10]} {texter.number[10:]}"
    assert question.startswith(f"Mogen we je bellen op {shown}?")
    assert "1 = Ja, 2 = Ander nummer." in question
    assert texter.texts("1")[-1].startswith("Wat is je voornaam?")
    texter.texts("Fatima")
    texter.texts("2")  # namiddag
    texter.texts("iets anders")
    done = texter.texts("1")  # Klopt dit? 1 = Ja
    assert any(t.startswith("Gelukt! Je code is MB-") for t in done)
    engine = make_engine(texter.assistant.database_url)
    record = CallbackRepository(engine).open_request("sms", sms_sender(texter.number, SENDER_KEY))
    engine.dispose()
    assert record is not None and record.phone == texter.number
    return record


def test_a_callback_confirmed_with_the_senders_own_number(texter: Texter) -> None:
    record = ask_callback(texter)
    assert record.preferred_moment == "namiddag" and record.referral_code is None


def test_start_with_an_organisations_code_marks_the_request(texter: Texter) -> None:
    """What the share page's SMS link fills in: "START CODE"; the code ends on the request."""
    assert texter.texts("START CAW-Test")[0].startswith("Dag! Ik ben de Hulpbot")
    texter.texts("wanneer is de woonclub")
    assert ask_callback(texter).referral_code == "CAW-Test"


def test_stop_ends_all_messages_until_start(texter: Texter) -> None:
    assert texter.texts("STOP") == [STOPPED]
    assert texter.post("hallo") == 200
    time.sleep(1.5)
    assert texter.received() == [STOPPED]
    assert texter.texts("start")[0].startswith("Dag! Ik ben de Hulpbot van de stad Mechelen.")
    assert texter.texts("Stop alles") == [STOPPED]


def test_a_repeated_message_id_is_answered_once(texter: Texter) -> None:
    assert texter.post("hallo", sid="SMrepeated" + texter.number[1:]) == 200
    first = texter.assistant.sms.wait_for(texter.number, 1)
    assert texter.post("hallo", sid="SMrepeated" + texter.number[1:]) == 200
    time.sleep(1.5)
    assert texter.received() == first


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_a_bad_signature_is_refused(texter: Texter, signature: str) -> None:
    assert texter.post("hallo", signature=signature) == 403
    time.sleep(0.5)
    assert texter.received() == []


def test_the_daily_cap_ends_with_one_message(texter: Texter) -> None:
    for _ in range(SMS_DAILY_CAP):
        texter.post("dag")
        time.sleep(0.3)
    received = texter.assistant.sms.wait_for(texter.number, SMS_DAILY_CAP)
    assert len(received) == SMS_DAILY_CAP and received[-1] == CAP_REACHED
    assert texter.post("hallo") == 200
    time.sleep(1.5)
    assert len(texter.received()) == SMS_DAILY_CAP


def test_phone_numbers_are_masked_in_the_log(texter: Texter) -> None:
    texter.texts("hallo")
    assert texter.number not in RASA_LOG.read_text()
