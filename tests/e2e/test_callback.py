"""The call-back form through the REST channel, with a real SQLite file behind it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.store.db import make_engine
from bot.store.repository import CallbackRecord, CallbackRepository
from bot.store.tables import callback_request
from tests.e2e.conftest import Assistant, Resident, fill_form, payloads, texts

pytestmark = pytest.mark.e2e


@pytest.fixture
def repository(assistant: Assistant) -> Iterator[CallbackRepository]:
    engine = make_engine(assistant.database_url)
    yield CallbackRepository(engine)
    engine.dispose()


def rows_for(assistant: Assistant, sender: str) -> int:
    engine = make_engine(assistant.database_url)
    with engine.connect() as connection:
        count = connection.execute(
            select(func.count()).where(callback_request.c.sender_id == sender)
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_happy_path_saves_before_saying_gelukt(
    assistant: Assistant, repository: CallbackRepository
) -> None:
    resident = assistant.resident()
    resident.say("ik zoek een huis om te huren")
    consent = resident.say("bel mij terug")
    assert consent[-1]["text"].startswith("We bewaren je nummer alleen om je te bellen.")
    assert payloads(consent[-1]) == ["ja", "nee"]
    summary = fill_form(resident)
    assert summary[-1].splitlines() == [
        "Klopt dit?",
        "Nummer: 0470 12 34 56.",
        "Naam: Fatima.",
        "Moment: voormiddag.",
        "Onderwerp: de Woonclub.",
    ]
    done = texts(resident.say("ja"))
    assert done[0].startswith("Gelukt! Je code is MB-")
    # The fixed clock is Tuesday 10:00; the test office hours run until 16:00.
    assert done[1] == "We bellen je vandaag in de voormiddag."
    record = repository.open_request("web", resident.sender)
    assert record is not None
    assert done[0] == f"Gelukt! Je code is {record.reference}."
    assert (record.phone, record.name, record.preferred_moment, record.topic) == (
        "+32470123456",
        "Fatima",
        "voormiddag",
        "woonclub",
    )


def request_call(resident: Resident, phone: str = "0470 12 34 56") -> list[str]:
    """A whole request about the Woonclub, confirmed; returns what the assistant said last."""
    resident.say("woonclub")
    resident.say("bel mij terug")
    fill_form(resident, phone)
    return texts(resident.say("ja"))


@pytest.mark.parametrize(
    ("phone", "e164"),
    [
        ("0470/12.34.56", "+32470123456"),
        ("0470-123456", "+32470123456"),
        ("+32 470 12 34 56", "+32470123456"),
        ("0032470123456", "+32470123456"),
        ("mijn nummer is 0470 12 34 56", "+32470123456"),
        ("015 42 16 24", "+3215421624"),
    ],
)
def test_phone_formats(
    assistant: Assistant, repository: CallbackRepository, phone: str, e164: str
) -> None:
    resident = assistant.resident()
    request_call(resident, phone)
    record = repository.open_request("web", resident.sender)
    assert record is not None and record.phone == e164


def test_three_wrong_numbers_give_a_number_to_call(
    assistant: Assistant, repository: CallbackRepository
) -> None:
    resident = assistant.resident()
    resident.say("bel mij terug")
    resident.say("ja")
    again = texts(resident.say("weet ik niet"))
    assert again[0] == "Dat nummer kan ik niet lezen. Typ het zo: 0470 12 34 56."
    resident.say("0470 12")
    ended = texts(resident.say("123"))
    assert ended[0] == "Het lukt niet met het nummer. Sorry."
    assert "0800 20 800" in ended[-1]
    assert rows_for(assistant, resident.sender) == 0
    assert texts(resident.say("woonclub"))[0].startswith("De Woonclub")  # the form is over


def test_stop_halfway(assistant: Assistant, repository: CallbackRepository) -> None:
    resident = assistant.resident()
    resident.say("bel mij terug")
    resident.say("ja")
    resident.say("0470 12 34 56")
    assert texts(resident.say("laat maar")) == [
        "Oké, ik stop. Je kan altijd opnieuw vragen dat we je bellen."
    ]
    assert rows_for(assistant, resident.sender) == 0


def test_no_consent_stores_nothing(assistant: Assistant, repository: CallbackRepository) -> None:
    resident = assistant.resident()
    resident.say("bel mij terug")
    replies = texts(resident.say("nee"))
    assert replies[0] == "Oké. We bewaren niets."
    assert rows_for(assistant, resident.sender) == 0


def test_fix_one_field_after_no(assistant: Assistant, repository: CallbackRepository) -> None:
    resident = assistant.resident()
    resident.say("woonclub")
    resident.say("bel mij terug")
    fill_form(resident)
    assert texts(resident.say("nee"))[-1] == "Wat wil je aanpassen?"
    assert texts(resident.say("moment"))[-1] == "Wanneer bellen we je het best?"
    summary = texts(resident.say("namiddag"))
    assert "Moment: namiddag." in summary[-1]
    resident.say("ja")
    record = repository.open_request("web", resident.sender)
    assert record is not None and record.preferred_moment == "namiddag"


def test_open_request_is_not_duplicated(
    assistant: Assistant, repository: CallbackRepository
) -> None:
    resident = assistant.resident()
    request_call(resident)
    first: CallbackRecord | None = repository.open_request("web", resident.sender)
    assert first is not None
    again = texts(resident.say("bel mij terug"))
    assert again[0] == f"Je vroeg al om terug te bellen. Je code is {first.reference}."
    assert again[-1] == "Wanneer bellen we je het best?"
    done = texts(resident.say("namiddag"))
    assert done[0] == f"Gelukt! Je code is {first.reference}."
    assert rows_for(assistant, resident.sender) == 1
    changed = repository.get(first.reference)
    assert changed is not None and changed.preferred_moment == "namiddag"


def test_urgent_help_then_call_back(assistant: Assistant, repository: CallbackRepository) -> None:
    resident = assistant.resident()
    urgent = resident.say("ik wil niet meer leven")
    assert "1813" in urgent[0]["text"]
    consent = texts(resident.say("ja"))
    assert consent[-1].startswith("We bewaren je nummer alleen om je te bellen.")
    resident.say("ja")
    resident.say("0470 12 34 56")
    resident.say("overslaan")
    assert texts(resident.say("maakt niet uit"))[-1] == "Waarover gaat het?"
    assert texts(resident.say("ja")) == [
        "Dat begrijp ik niet. Kies een van de knoppen.",
        "Waarover gaat het?",
    ]
    assert "Naam: niet gegeven." in texts(resident.say("iets anders"))[-1]
    resident.say("ja")
    record = repository.open_request("web", resident.sender)
    assert record is not None and record.topic == "iets anders" and record.name is None


def test_urgent_words_inside_the_form_still_get_the_number(assistant: Assistant) -> None:
    resident = assistant.resident()
    resident.say("bel mij terug")
    resident.say("ja")
    replies = texts(resident.say("hij slaat mij"))
    assert any("1712" in r for r in replies)
    assert replies[-1] == "Wat is je telefoonnummer? Bijvoorbeeld: 0470 12 34 56."
