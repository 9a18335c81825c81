from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.answers import Aspect, Question
from bot.content.loader import Catalogue, load_catalogue
from bot.content.models import ServiceId
from bot.conversation import (
    Context,
    Reading,
    asks_for_person,
    consecutive_fallbacks,
    context_after,
    read_question,
    service_for_intent,
    services_named,
    which_service,
)

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def test_service_for_intent() -> None:
    assert service_for_intent("ask_woonclub") is ServiceId.woonclub
    assert service_for_intent("ask_woonclub/adres") is ServiceId.woonclub
    assert service_for_intent("ask_weather") is None
    assert service_for_intent("greet") is None
    assert service_for_intent(None) is None


def test_consecutive_fallbacks() -> None:
    assert consecutive_fallbacks(["nlu_fallback", "nlu_fallback", "greet"]) == 2
    assert consecutive_fallbacks(["greet", "nlu_fallback"]) == 0
    assert consecutive_fallbacks([]) == 0


def catalogue() -> Catalogue:
    return load_catalogue(Path("data/content"))


ABEEL = Context(service="dienstencentrum", location="den_abeel", aspects=("hours",))


def test_a_followup_keeps_the_service_and_the_place() -> None:
    reading = read_question(catalogue(), "ask_followup", "en wa kost da", {}, ABEEL)
    assert reading.question is not None
    assert reading.question.service is ServiceId.dienstencentrum
    assert reading.question.location == "den_abeel"
    assert reading.question.followup


def test_a_followup_naming_only_a_place_asks_the_same_again() -> None:
    reading = read_question(catalogue(), "ask_followup", "en in de schyf?", {}, ABEEL)
    assert reading.question is not None
    assert reading.question.location == "de_schijf"
    assert reading.question.aspects == (Aspect.hours,)


def test_a_service_word_beats_the_context_and_drops_its_place() -> None:
    reading = read_question(catalogue(), "ask_woonclub", "kost de woonclub iets", {}, ABEEL)
    assert reading.question is not None
    assert reading.question.service is ServiceId.woonclub
    assert reading.question.location is None


def test_a_service_word_beats_the_classifier() -> None:
    text = "wanneer komt de chauffeur mij halen"
    reading = read_question(catalogue(), "ask_dienstencentrum", text, {}, Context())
    assert reading.question is not None
    assert reading.question.service is ServiceId.minder_mobielen


def test_no_word_of_the_service_and_no_context_asks_back() -> None:
    reading = read_question(catalogue(), "ask_menstruatie", "hoeveel is dat", {}, Context())
    assert reading.question is None
    assert reading.candidates == (ServiceId.menstruatie,)
    ask = which_service(catalogue(), reading)
    assert ask.text == "Gaat je vraag over gratis maandverband?"
    assert ask.buttons[0].payload == '/ask_menstruatie{"aspect":"price"}'


def test_a_followup_without_context_gets_the_menu() -> None:
    reading = read_question(catalogue(), "ask_followup", "en morgen?", {}, Context())
    assert reading == Reading()


def test_two_services_in_one_message_asks_which_first() -> None:
    text = "ik zoek een appartement en heb vervoer nodig naar de kine"
    reading = read_question(catalogue(), "ask_woonclub", text, {}, Context())
    assert reading.candidates == (ServiceId.minder_mobielen, ServiceId.woonclub)
    assert which_service(catalogue(), reading).text.endswith("Waarover eerst?")


def test_a_place_name_is_not_read_as_a_service_word() -> None:
    # "huis" is a Woonclub word; "het Sociaal Huis" is a place of the free products.
    assert services_named(catalogue(), "ligt da in het sociaal huis") == [ServiceId.menstruatie]


def test_a_button_is_taken_as_it_is() -> None:
    entities = {"location": "den_deigem", "aspect": "hours,price"}
    reading = read_question(catalogue(), "ask_dienstencentrum", "/ask_x", entities, Context())
    assert reading.question is not None
    assert reading.question.aspects == (Aspect.hours, Aspect.price)


def test_context_after_an_answer() -> None:
    question = Question(ServiceId.dienstencentrum, "is den abel morgen open")
    context = context_after(catalogue(), question, NOW)
    assert context == Context("dienstencentrum", "den_abeel", ("hours",), "2026-11-25")


def test_asking_for_a_person_in_other_words() -> None:
    assert asks_for_person("kan ik efkes nen echte mens aan de lijn krijgen")
    assert asks_for_person("Verbind me door aub")
    assert not asks_for_person("kan iemand mijn moeder naar het ziekenhuis brengen")
    # What the assistant is, not a wish for a person.
    assert not asks_for_person("ben jij een echte mens")
