"""Reading what residents asked from Rasa's tracker store, and the labels staff give them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from ruamel.yaml import YAML
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.nlu import components
from bot.settings import PROJECT_ROOT, Settings
from bot.store.db import make_engine
from bot.store.insight import (
    FALLBACK_INTENT,
    NOT_OURS,
    URGENT_ACTION,
    Reviewed,
    ReviewRepository,
    Said,
    message_key,
    nlu_yaml,
    read_messages,
)
from bot.store.retention import forget_resident, purge_personal_data
from bot.store.tables import reviewed_message
from tests.bot.store.rasa_store import create_store
from tests.bot.store.tracker_events import THRESHOLD, action, slot, store, unclear, user

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
WEEK_AGO = NOW - timedelta(days=7)
FORMS = {"callback_form"}


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    engine = make_engine(tracker_url)
    create_store(engine)
    yield engine
    engine.dispose()


def read(tracker: Engine, since: datetime = WEEK_AGO, **kwargs: int) -> list[Said]:
    return read_messages(tracker, since, THRESHOLD, FORMS, **kwargs)


def at(minutes: int) -> datetime:
    return NOW - timedelta(hours=2) + timedelta(minutes=minutes)


def test_the_names_are_those_of_the_rasa_project() -> None:
    yaml = YAML(typ="safe")
    rules = yaml.load((PROJECT_ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))
    urgent = [
        r["steps"][1]["action"]
        for r in rules["rules"]
        if r["steps"][0].get("intent") == components.URGENT_INTENT
    ]
    assert urgent == [URGENT_ACTION]
    assert components.FALLBACK_INTENT == FALLBACK_INTENT


def test_an_unclear_message_is_masked_with_the_intent_the_classifier_guessed(
    tracker: Engine,
) -> None:
    store(
        tracker,
        "web:aaa",
        unclear("mijn gsm is 0470 12 34 56 wanneer zijt ge open", at(0), "ask_woonclub", 0.31),
        slot("service", None, at(0)),
    )
    (said,) = read(tracker)
    assert said.unclear and said.intent == FALLBACK_INTENT
    assert said.text == "mijn gsm is [telefoonnummer] wanneer zijt ge open"
    assert (said.guessed, said.guessed_confidence) == ("ask_woonclub", 0.31)
    assert said.channel == "web"
    assert said.key == message_key(
        "web:aaa", at(0).timestamp(), "mijn gsm is 0470 12 34 56 wanneer zijt ge open"
    )


def test_clear_messages_buttons_and_form_answers_are_counted_but_not_shown(
    tracker: Engine,
) -> None:
    store(
        tracker,
        "tg:42",
        user("wa kost de minder mobielen", at(0), "ask_minder_mobielen", 0.97, ref="x"),
        action("action_answer_service", at(0)),
        slot("service", "minder_mobielen", at(0)),
        slot("aspects", ["price"], at(0)),
        slot("topic", None, at(0)),
        user("/request_callback", at(1), FALLBACK_INTENT, THRESHOLD),
        action("callback_form", at(1)),
        user("Jeanine Peeters", at(2), FALLBACK_INTENT, THRESHOLD),
        action("callback_form", at(2)),
        slot("requested_slot", "callback_moment", at(2)),
        user("ik weet het niet goed", at(3), "ask_woonclub", 0.2),
    )
    newest, name, button, question = read(tracker)
    assert not (name.unclear or button.unclear or question.unclear) and newest.unclear
    assert name.in_form and name.text == "" and question.text == ""
    assert (question.service, question.aspects, question.topic) == (
        "minder_mobielen",
        ("price",),
        None,
    )
    assert newest.service is None and newest.text == "ik weet het niet goed"


def test_urgent_help_marks_the_message_that_triggered_it(tracker: Engine) -> None:
    store(
        tracker,
        "sms:abc",
        user("ik wil er niet meer zijn, bel 0470123456", at(0), "urgent_help", 1.0),
        action(URGENT_ACTION, at(0)),
        slot("topic", "dringend", at(0)),
        user("dank u", at(1), "thank", 0.99),
    )
    thanks, urgent = read(tracker)
    assert urgent.urgent and not thanks.urgent and not urgent.unclear
    assert urgent.text == "ik wil er niet meer zijn, bel [telefoonnummer]"
    assert urgent.topic == "dringend" and urgent.channel == "sms"


def test_reading_stays_inside_the_window_and_the_limit(tracker: Engine) -> None:
    store(tracker, "web:old", unclear("oud bericht", NOW - timedelta(days=9), "greet", 0.2))
    for n in range(5):
        store(
            tracker, f"web:{n}", unclear(f"bericht {n}", at(n), "greet", 0.2, referral_code="caw")
        )
    assert [s.text for s in read(tracker)] == [f"bericht {n}" for n in range(4, -1, -1)]
    assert [s.text for s in read(tracker, limit=2)] == ["bericht 4", "bericht 3"]
    assert {s.referral_code for s in read(tracker)} == {"caw"}


def test_no_tracker_store_yet_means_no_messages(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'none.db'}")
    assert read(empty) == []


def said(text: str, minutes: int, sender: str = "web:aaa", guessed: str = "greet") -> Said:
    moment = at(minutes)
    return Said(
        message_key(sender, moment.timestamp(), text),
        sender,
        moment,
        text,
        FALLBACK_INTENT,
        THRESHOLD,
        guessed,
        0.3,
        unclear=True,
    )


def rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(reviewed_message)).scalar_one()
        )


def test_a_message_is_labelled_once_and_can_be_labelled_again(engine: Engine) -> None:
    reviews = ReviewRepository(engine)
    message = said("waar kan ik mij inschrijve", 0)
    assert reviews.mark([message], "ask_woonclub", "bram", NOW) == 1
    reviews.mark([message], "ask_dienstencentrum", "anna", NOW + timedelta(minutes=1))
    (row,) = reviews.all()
    assert rows(engine) == 1
    assert (row.text, row.guessed_intent, row.intent, row.reviewed_by) == (
        "waar kan ik mij inschrijve",
        "greet",
        "ask_dienstencentrum",
        "anna",
    )
    assert row.message_at == message.at


def reviewed(text: str, intent: str, minutes: int = 0) -> Reviewed:
    return Reviewed(text, None, intent, at(minutes), "bram", NOW + timedelta(minutes=minutes), "k")


def test_the_export_is_rasa_nlu_data_without_the_messages_not_for_us() -> None:
    text = nlu_yaml(
        [
            reviewed("hoe laat zijt ge open in\nden abeel", "ask_dienstencentrum"),
            reviewed("bel mij op [telefoonnummer](gsm)", "request_callback"),
            reviewed("koop nu goedkope schoenen", NOT_OURS),
            reviewed("Hoe laat zijt ge open in den abeel", "ask_dienstencentrum", 1),
            reviewed("wa kost da", "ask_woonclub"),
            reviewed("wa kost da", "ask_followup", 2),
        ]
    )
    data = RasaYAMLReader().reads(text)
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert examples == {
        ("ask_dienstencentrum", "Hoe laat zijt ge open in den abeel"),
        ("request_callback", "bel mij op (telefoonnummer)(gsm)"),
        ("ask_followup", "wa kost da"),
    }
    assert data.entity_examples == []
    assert "schoenen" not in text and NOT_OURS not in text
    assert text.splitlines()[2:5] == ['version: "3.1"', "", "nlu:"]
    assert RasaYAMLReader().reads(nlu_yaml([])).intent_examples == []


def settings_for(engine: Engine, tracker_url: str) -> Settings:
    return Settings.from_env(
        {
            "HULPBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "HULPBOT_TRACKER_DB_URL": tracker_url,
            "HULPBOT_CONVERSATION_RETENTION_DAYS": "30",
        }
    )


def test_the_purge_deletes_labels_of_messages_older_than_the_conversation_retention(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    reviews = ReviewRepository(engine)
    old, recent = said("oude vraag", 0), said("nieuwe vraag", 1)
    reviews.mark([replace(old, at=NOW - timedelta(days=31))], "greet", "bram", NOW)
    reviews.mark([replace(recent, at=NOW - timedelta(days=29))], "greet", "bram", NOW)
    removed = purge_personal_data(engine, settings_for(engine, tracker_url), NOW)
    assert removed.reviewed_messages == 1
    assert [r.text for r in reviews.all()] == ["nieuwe vraag"]


def test_forgetting_a_resident_deletes_the_labels_of_their_messages(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    store(tracker, "web:fatima", unclear("ik zoek ne woning", at(0), "ask_woonclub", 0.3))
    store(tracker, "web:other", unclear("ik zoek ne woning!", at(1), "ask_woonclub", 0.3))
    reviews = ReviewRepository(engine)
    reviews.mark(read(tracker), "ask_woonclub", "bram", NOW)
    gone = forget_resident(engine, settings_for(engine, tracker_url), "web:fatima")
    assert gone.reviewed_messages == 1
    assert [r.text for r in reviews.all()] == ["ik zoek ne woning!"]
