"""Conversations through the REST channel against the running servers."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant, payloads, texts

pytestmark = pytest.mark.e2e


def test_free_pads(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("waar kan ik gratis maandverband krijgen"))
    joined = "\n".join(replies)
    assert "gratis maandverband" in joined
    for address in ("Reuzenstraat 1", "Vleeshouwersstraat 6", "Lange Schipstraat 27"):
        assert address in joined


def test_minder_mobielen(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("ik kan nie met de bus naar het ziekenhuis"))
    assert replies[0].startswith("De Minder Mobielen Centrale brengt je met de auto.")
    assert "Vraag een rit minstens twee werkdagen op voorhand." in replies


def test_woonclub(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("woonclub"))
    assert replies[0].startswith("De Woonclub helpt je een huis te huren.")
    assert any(reply.startswith("Bel De Lage Drempel op 0468 01 38 29.") for reply in replies)


def test_dienstencentrum_without_a_name_asks_which(assistant: Assistant) -> None:
    messages = assistant.resident().say("dienstencentrum")
    assert messages[-1]["text"] == "Over welk centrum gaat het?"
    assert '/ask_dienstencentrum{"location":"den_abeel"}' in payloads(messages[-1])
    assert "/request_callback" in payloads(messages[-1])


def test_hours_today(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("is den abel vandaag open"))
    assert replies[0] == "Vandaag, dinsdag, is Den Abeel open van 9 tot 16 uur."


def test_hours_tomorrow(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("is den abeel morgen open"))
    assert (
        replies[0]
        == "Morgen, woensdag, is Den Abeel open:\nVan 9 tot 12 uur.\nVan 13.30 tot 16 uur."
    )


def test_open_right_now(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("is den abeel nu open"))
    assert replies[0] == "Ja, Den Abeel is nu open. Het sluit om 16 uur."


def test_unknown_hours_give_a_person(assistant: Assistant) -> None:
    messages = assistant.resident().say("is de schijf vandaag open")
    assert messages[0]["text"] == "Ik weet de openingsuren van De Schijf niet."
    assert "0800 20 800" in messages[-1]["text"]
    assert payloads(messages[-1]) == ["/request_callback"]


def test_button_for_a_centre_and_day(assistant: Assistant) -> None:
    resident = assistant.resident()
    resident.say("is het dienstencentrum morgen open")
    replies = texts(resident.say('/ask_dienstencentrum{"location":"den_abeel","day":"2026-11-25"}'))
    assert replies[0].startswith("Morgen, woensdag, is Den Abeel open")


def test_every_service_answer_offers_a_call_back(assistant: Assistant) -> None:
    for question in ("maandverband", "mmc", "woonclub", "den abeel vandaag"):
        messages = assistant.resident().say(question)
        assert "/request_callback" in payloads(messages[-1]), question


def test_fallback_twice_offers_a_call_back(assistant: Assistant) -> None:
    """Messages without words are always misunderstood, so the test does not hang on DIET."""
    resident = assistant.resident()
    first = resident.say("???")
    assert texts(first)[0] == "Ik begrijp je niet goed."
    assert "/ask_woonclub" in payloads(first[-1])
    second = resident.say("🤷")
    assert texts(second) == [
        "Sorry, ik begrijp je nog altijd niet.",
        "Wil je met een mens praten? Dan bellen we je.",
    ]
    assert payloads(second[-1]) == ["/request_callback", "/deny"]
    after_yes = texts(resident.say("ja"))
    assert after_yes[-1].startswith("We bewaren je nummer alleen om je te bellen.")


def test_no_to_the_offer(assistant: Assistant) -> None:
    resident = assistant.resident()
    resident.say("???")
    resident.say("...")
    assert texts(resident.say("nee")) == ["Oké. Je kan altijd een nieuwe vraag typen."]


def test_out_of_scope(assistant: Assistant) -> None:
    messages = assistant.resident().say("wie wint de voetbal zondag")
    assert messages[0]["text"].startswith("Daar kan ik je niet mee helpen.")
    # The way to a person, not the menu of services that cannot answer it.
    assert "0800 20 800" in messages[-1]["text"]
    assert payloads(messages[-1]) == ["/request_callback"]


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("ik ben in gevaar", "112"),
        ("ik denk aan zelfmoord", "1813"),
        ("mijn man slaat mij", "1712"),
        ("ik heb vannacht geen plek om te slapen", "078 150 300"),
    ],
)
def test_urgent_help_gives_the_number_first(
    assistant: Assistant, message: str, number: str
) -> None:
    messages = assistant.resident().say(message)
    assert number in messages[0]["text"]
    assert messages[-1]["text"] == "Wil je met een mens praten? Dan bellen we je."


def test_safety_net_overrides_the_classifier(assistant: Assistant) -> None:
    """Asked as a Woonclub question, but the words about ending one's life come first."""
    message = "ik zoek een huis want ik wil niet meer leven zo"
    assert assistant.parse(message)["intent"]["name"] == "urgent_help"
    assert "1813" in assistant.resident().say(message)[0]["text"]


def test_greeting_shows_the_menu(assistant: Assistant) -> None:
    messages = assistant.resident().say("hallo")
    assert messages[0]["text"] == "Dag! Ik ben de Hulpbot van de stad Mechelen."
    assert payloads(messages[-1])[-1] == "/request_callback"


def test_goodbye_and_thanks(assistant: Assistant) -> None:
    resident = assistant.resident()
    assert texts(resident.say("merci veel")) == [
        "Graag gedaan!",
        "Heb je nog een vraag? Typ ze gerust.",
    ]
    assert texts(resident.say("salukes")) == ["Dag! Tot een volgende keer."]


def test_bot_challenge(assistant: Assistant) -> None:
    replies = texts(assistant.resident().say("zijt gij een mens"))
    assert replies == [
        "Ik ben een computerprogramma. Ik ben geen mens.",
        "Wil je met een mens praten? Dan bellen we je.",
    ]
