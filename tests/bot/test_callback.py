from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot import callback as cb
from bot.content.loader import Catalogue, load_catalogue
from bot.content.models import Hours
from bot.topics import services
from tests.helpers import CONTENT, TEST_HOURS

BRUSSELS = ZoneInfo("Europe/Brussels")
OFFICE = Hours.parse_obj(TEST_HOURS)  # Mon-Fri from 9, Wednesday with a lunch break


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CONTENT)


@pytest.mark.parametrize(
    ("text", "stop"),
    [("stop", True), ("Annuleer", True), ("laat maar", True), ("STOP!", True), ("ja", False)],
)
def test_wants_to_stop(text: str, stop: bool) -> None:
    assert cb.wants_to_stop(text) is stop


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ja", True),
        ("Oké", True),
        ("/affirm", True),
        ("neen", False),
        ("misschien", None),
        ("ja da is goed", True),
        ("ja klopt", True),
        ("ja aub", True),
        ("jah", True),
        ("Natuurlijk!", True),
        ("yes", True),
        ("1", True),
        ("2", False),
        ("ja maar het nummer klopt niet", False),
        ("nee hoor", False),
        ("klopt niet", False),
        ("wie zijt gij", None),
        ("liever niet", False),
        ("dat klopt", True),
        ("is goed", True),
    ],
)
def test_yes_or_no(text: str, answer: bool | None) -> None:
    assert cb.yes_or_no(text) is answer


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("fatima", "Fatima"),
        ("Ik ben Jan", "Jan"),
        ("overslaan", ""),
        ("0470 12 34 56", None),
        ("dit is veel te lang voor een naam", None),
        ("hoeft ni", ""),
        ("liever niet", ""),
        ("nee", ""),
        ("Anne-Marie", "Anne-Marie"),
        ("mijn naam is el hadj", "El hadj"),
        ("waarom wil je da weten", None),
        ("ik wil dat niet zeggen", None),
        ("jan!!!", None),
    ],
)
def test_read_name(text: str, name: str | None) -> None:
    assert cb.read_name(text) == name


def test_button_numbers_and_own_words_in_the_form(catalogue: Catalogue) -> None:
    assert cb.read_moment("2") is cb.Moment.namiddag
    assert cb.read_moment("4") is None
    assert cb.read_topic(catalogue, "1", "woonclub") == "woonclub"  # 1 = Ja
    # Ja, Dienstencentrum, Vervoer: the buttons keep the menu's order.
    assert cb.read_topic(catalogue, "3", "woonclub") == "minder_mobielen"
    assert cb.read_topic(catalogue, "4", None) == "woonclub"
    assert cb.read_topic(catalogue, "5", None) == cb.OTHER_TOPIC
    assert cb.read_topic(catalogue, "mijn brief van de belastingen", None) == cb.OTHER_TOPIC
    assert cb.read_topic(catalogue, "euh", None) is None


def test_read_moment_and_topic(catalogue: Catalogue) -> None:
    assert cb.read_moment("liefst in de voormidag") is cb.Moment.voormiddag
    assert cb.read_moment("maakt nie uit") is cb.Moment.maakt_niet_uit
    assert cb.read_topic(catalogue, "ja", "woonclub") == "woonclub"
    assert cb.read_topic(catalogue, "vervoer", "woonclub") == "minder_mobielen"
    assert cb.read_topic(catalogue, "ja", None) is None
    assert cb.read_detail("ik wil mijn nummer aanpassen") is cb.Detail.phone
    assert cb.read_detail("de naam klopt ni") is cb.Detail.name
    assert cb.read_detail("euh") is None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # A service's own words from the catalogue, typed the way residents do.
        ("nee, over een appartementje huren", "woonclub"),
        ("iemand die mij naar t ziekenhuis voert", "minder_mobielen"),
        ("over de tampons", "menstruatie"),
        ("warm eten in de buurt", "dienstencentrum"),
        # The service's name, and a button's label.
        ("de minder mobielen centrale", "minder_mobielen"),
        ("Woonclub: een huis zoeken", "woonclub"),
        ("iets anders", cb.OTHER_TOPIC),
    ],
)
def test_topic_in_own_words_maps_to_a_service(catalogue: Catalogue, text: str, topic: str) -> None:
    assert cb.read_topic(catalogue, text, None) == topic


def test_every_topic_button_reads_back_as_its_topic(catalogue: Catalogue) -> None:
    question = cb.topic_question(catalogue, None)
    topics = [cb.read_topic(catalogue, b.payload, None) for b in question.buttons]
    assert topics == [*(s.id.value for s in services(catalogue)), cb.OTHER_TOPIC]


def test_topic_question_names_the_suggested_service(catalogue: Catalogue) -> None:
    question = cb.topic_question(catalogue, "minder_mobielen")
    assert question.text == "Gaat het over vervoer?"
    assert [b.title for b in question.buttons][:2] == ["Ja", "Dienstencentrum"]
    assert question.buttons[-1].title == "Iets anders"
    assert cb.topic_question(catalogue, None).text == "Waarover gaat het?"


def test_summary_reads_the_number_back(catalogue: Catalogue) -> None:
    text = cb.summary(catalogue, "+32470123456", "", "namiddag", "woonclub")
    assert text.splitlines() == [
        "Klopt dit?",
        "Nummer: 0470 12 34 56.",
        "Naam: niet gegeven.",
        "Moment: namiddag.",
        "Onderwerp: de Woonclub.",
    ]


def test_excerpt_keeps_the_last_messages_without_buttons() -> None:
    assert cb.excerpt(["hallo", "/greet", "ik zoek een huis", "", "dringend"]) == (
        "hallo | ik zoek een huis | dringend"
    )


@pytest.mark.parametrize(
    ("moment", "now", "expected"),
    [
        ("voormiddag", at(2026, 11, 24, 10, 0), "We bellen je vandaag in de voormiddag."),
        ("voormiddag", at(2026, 11, 24, 17, 0), "We bellen je morgen in de voormiddag."),
        (
            "namiddag",
            at(2026, 11, 27, 10, 0),
            "We bellen je op maandag 30 november in de namiddag.",
        ),
        (
            "maakt niet uit",
            at(2026, 11, 28, 10, 0),
            "We bellen je op maandag 30 november in de voormiddag.",
        ),
        ("voormiddag", at(2026, 4, 3, 15, 0), "We bellen je op dinsdag 7 april in de voormiddag."),
    ],
    ids=["today", "after-hours", "friday-morning-only", "weekend", "easter-monday"],
)
def test_expected_call_stays_within_office_hours(moment: str, now: datetime, expected: str) -> None:
    assert cb.expected_call(OFFICE, moment, now) == expected


def test_expected_call_without_known_hours_promises_no_moment() -> None:
    unknown = Hours.parse_obj({**TEST_HOURS, "weekly": None})
    assert cb.expected_call(unknown, "voormiddag", at(2026, 11, 24, 10, 0)) == (
        "We bellen je zo snel als we kunnen, op een werkdag."
    )


def test_known_phone_only_from_channels_that_know_it() -> None:
    assert cb.known_phone("sms", {"phone": "+32470123456"}) == "+32470123456"
    assert cb.known_phone("telegram", {"phone": "0470 12 34 56"}) == "+32470123456"
    assert cb.known_phone("rest", {"phone": "+32470123456"}) is None
    assert cb.known_phone("sms", None) is None


def test_confirming_a_known_number() -> None:
    assert cb.phone_question("+32470123456").text == "Mogen we je bellen op 0470 12 34 56?"
    assert cb.read_phone("ja", "+32470123456") == "+32470123456"
    assert cb.read_phone("ander nummer", "+32470123456") is None
    assert cb.read_phone("0499 11 22 33", "+32470123456") == "+32499112233"
    assert cb.read_phone("ja", None) is None


def said(text: str, intent: str) -> dict[str, object]:
    """A resident's message as Rasa stores it in the tracker."""
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


SESSION = {"event": "session_started"}
URGENT_ANSWER = {"event": "action", "name": "action_urgent_help"}


@pytest.mark.parametrize(
    ("events", "topic", "urgent"),
    [
        ([said("ik wil er een einde aan maken", "urgent_help"), URGENT_ANSWER], "dringend", True),
        # Another question replaced the topic since: the urgent message still counts.
        (
            [
                said("hij slaat mij", "urgent_help"),
                URGENT_ANSWER,
                said("wanneer is den abeel open", "ask_dienstencentrum"),
            ],
            "dienstencentrum",
            True,
        ),
        # Urgent words typed while the form asked for a number: the safety net's intent.
        (
            [said("bel mij terug", "request_callback"), said("ik ben in gevaar", "urgent_help")],
            None,
            True,
        ),
        ([URGENT_ANSWER], None, True),
        ([], "dringend", True),
        ([said("bel mij terug", "request_callback")], None, False),
        ([said("hoeveel kost een rit", "ask_minder_mobielen"), {"event": "user"}], None, False),
        # A session that ended long ago does not make today's request urgent.
        (
            [
                SESSION,
                said("ik wil dood", "urgent_help"),
                URGENT_ANSWER,
                SESSION,
                said("woonclub", "ask_woonclub"),
            ],
            None,
            False,
        ),
    ],
)
def test_followed_urgent_help(
    events: list[dict[str, object]], topic: str | None, urgent: bool
) -> None:
    assert cb.followed_urgent_help(events, topic) is urgent
