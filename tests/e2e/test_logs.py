"""Phone numbers never reach the logs, even at debug level."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import ACTION_LOG, RASA_LOG, Assistant

pytestmark = pytest.mark.e2e


def test_no_phone_number_in_server_logs(assistant: Assistant) -> None:
    resident = assistant.resident()
    resident.say("bel mij op 0470 12 34 56 aub")
    resident.say("of op +32 15 42 16 24")
    deadline = time.monotonic() + 10  # the servers write their logs on their own time
    while "[telefoonnummer]" not in RASA_LOG.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    rasa_log, action_log = RASA_LOG.read_text(), ACTION_LOG.read_text()
    assert "[telefoonnummer]" in rasa_log  # the message was logged, masked
    for log in (rasa_log, action_log):
        for fragment in ("0470", "12 34 56", "470123456", "15 42 16 24", "42 16 24"):
            # As a whole token: a memory address such as 0x7f6a50204700 is no phone number.
            assert re.search(rf"\b{fragment}\b", log) is None, fragment
