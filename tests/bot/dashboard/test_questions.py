"""Wat vragen inwoners over real HTTP: unclear messages grouped and masked, labelling them, the
counts per week, urgent help and call-back rates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from rasa.shared.core.events import Event
from sqlalchemy import select

from bot.dashboard.questions import (
    INTENT_LABELS,
    Weeks,
    group_messages,
    read_project,
)
from bot.store.db import make_engine
from bot.store.insight import FALLBACK_INTENT, NOT_OURS, URGENT_ACTION, ReviewRepository, Said
from bot.store.tables import audit_event
from tests.bot.dashboard.conftest import NOW, Dashboard, Visitor, new_request
from tests.bot.store.rasa_store import create_store
from tests.bot.store.tracker_events import action, slot, store, unclear, user

GROUP = re.compile(r'name="groep" value="([0-9a-f]{16})"')
EARLIER = NOW - timedelta(hours=1)
ZONE = timezone(timedelta(hours=1))


def logged_in(dashboard: Dashboard) -> Visitor:
    visitor = dashboard.visitor()
    assert visitor.log_in("bram").status_code == 302
    return visitor


def tracker_of(dashboard: Dashboard, *conversations: tuple[str, list[Event]]) -> None:
    engine = make_engine(dashboard.settings.tracker_db_url)
    create_store(engine)
    for sender, events in conversations:
        store(engine, sender, *events)
    engine.dispose()


def twins(dashboard: Dashboard) -> None:
    """Two residents ask the same, one with a typo; a third asks something clear."""
    tracker_of(
        dashboard,
        (
            "web:een",
            [
                unclear(
                    "Wanneer is Den Abeel open? Mijn nummer is 0470 12 34 56",
                    EARLIER,
                    "ask_dienstencentrum",
                    0.31,
                    referral_code="caw",
                )
            ],
        ),
        (
            "tg:7",
            [
                unclear(
                    "wanneer is den abeel open, mijn nummer is 0485/11.22.33",
                    EARLIER + timedelta(minutes=5),
                    "ask_dienstencentrum",
                    0.28,
                )
            ],
        ),
        (
            "web:twee",
            [
                unclear(
                    "wanneer is den abel open mijn nummer is 0486 11 22 33",
                    EARLIER + timedelta(minutes=1),
                    "greet",
                    0.2,
                ),
                user("hoeveel kost een rit", EARLIER + timedelta(minutes=2), "ask_minder_mobielen"),
                slot("service", "minder_mobielen", EARLIER + timedelta(minutes=2)),
                slot("aspects", ["price"], EARLIER + timedelta(minutes=2)),
            ],
        ),
    )


def test_a_visitor_who_is_not_logged_in_goes_to_the_login(dashboard: Dashboard) -> None:
    visitor = dashboard.visitor()
    answer = visitor.get("/vragen")
    assert answer.status_code == 302
    assert answer.headers["location"] == "/inloggen?volgende=/vragen"
    assert visitor.post("/vragen", {"groep": "0" * 16, "onderwerp": "greet"}).status_code == 302


def test_unclear_messages_are_grouped_masked_and_show_the_guess(dashboard: Dashboard) -> None:
    twins(dashboard)
    page = logged_in(dashboard).get("/vragen")
    assert page.status_code == 200
    text = page.text
    assert "0470" not in text and "0485" not in text and "0486" not in text
    assert text.count('name="groep"') == 1
    assert "wanneer is den abeel open, mijn nummer is [telefoonnummer]" in text
    assert "3 keer" in text
    assert "Ook zo geschreven (1)" in text
    assert "wanneer is den abel open mijn nummer is [telefoonnummer]" in text
    # The guess most residents got, with the newest confidence.
    assert "De hulpbot dacht: Dienstencentrum (28 % zeker)" in text
    assert "hoeveel kost een rit" not in text
    assert "minder dan 45 %" in text
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td>\d+</td>)+)</tr>", text)
    counts = {label: re.findall(r"\d+", cells) for label, cells in rows}
    assert counts["Niet begrepen"][0] == "3" and counts["Gesprekken"][0] == "3"
    assert counts["Minder Mobielen Centrale"][0] == "1"
    assert counts["Minder Mobielen Centrale: prijs"][-1] == "1"


def test_marking_stores_the_label_once_and_the_group_shows_it(dashboard: Dashboard) -> None:
    tracker_of(
        dashboard,
        ("web:een", [unclear("Hoe laat open?", EARLIER, "ask_followup", 0.3)]),
        ("web:twee", [unclear("hoe laat open", EARLIER + timedelta(minutes=1), "greet", 0.1)]),
    )
    visitor = logged_in(dashboard)
    found = GROUP.search(visitor.get("/vragen").text)
    assert found is not None
    for _ in range(2):  # a second click stores nothing new
        saved = visitor.post("/vragen", {"groep": found.group(1), "onderwerp": "ask_followup"})
        assert saved.status_code == 303
    (row,) = ReviewRepository(dashboard.engine).all()
    assert (row.text, row.intent, row.guessed_intent, row.reviewed_by) == (
        "hoe laat open",
        "ask_followup",
        "greet",
        "bram",
    )
    page = visitor.get("/vragen?bericht=opgeslagen").text
    assert "Opgeslagen." in page and "Er is niets na te kijken." in page
    assert "Al nagekeken (1)" in page
    assert "<strong>Nagekeken:</strong> Nog een vraag over hetzelfde" in page
    with dashboard.engine.connect() as connection:
        audit = connection.execute(
            select(audit_event.c.actor, audit_event.c.action, audit_event.c.detail)
        ).all()
    label = INTENT_LABELS["ask_followup"]
    assert [tuple(a) for a in audit] == [
        ("bram", "bericht nagekeken", f"{label} (2 berichten)")
    ] * 2


def test_a_wrong_choice_or_an_unknown_message_gets_a_dutch_error(dashboard: Dashboard) -> None:
    twins(dashboard)
    visitor = logged_in(dashboard)
    found = GROUP.search(visitor.get("/vragen").text)
    assert found is not None
    for intent in ("", "nlu_fallback", "<script>"):
        wrong = visitor.post("/vragen", {"groep": found.group(1), "onderwerp": intent})
        assert wrong.status_code == 400
        assert "Kies een onderwerp uit de lijst." in wrong.text
    gone = visitor.post("/vragen", {"groep": "f" * 16, "onderwerp": NOT_OURS})
    assert gone.status_code == 404 and "staat niet meer in de lijst" in gone.text
    visitor.csrf = "fout"
    refused = visitor.post("/vragen", {"groep": found.group(1), "onderwerp": NOT_OURS})
    assert refused.status_code == 403
    assert ReviewRepository(dashboard.engine).all() == []


def test_urgent_help_and_call_back_rates(dashboard: Dashboard) -> None:
    tracker_of(
        dashboard,
        (
            "web:nood",
            [
                user("ik word thuis geslagen <script>", EARLIER, "urgent_help", 1.0),
                action(URGENT_ACTION, EARLIER),
            ],
        ),
        ("web:hallo", [user("hallo", EARLIER, "greet")]),
        ("tg:1", [user("hallo", EARLIER, "greet", 0.99, referral_code="caw")]),
    )
    dashboard.requests.save(new_request("k1", channel="telegram", referral_code="caw"), NOW)
    text = logged_in(dashboard).get("/vragen").text
    assert "De hulpbot gaf 1 keer de nummers voor dringende hulp." in text
    assert "ik word thuis geslagen &lt;script&gt;" in text and "<script>" not in text
    assert re.search(r"<th scope=\"row\">Telegram</th><td>1</td><td>1</td><td>100 %</td>", text)
    assert re.search(r"<th scope=\"row\">web</th><td>2</td><td>0</td><td>0 %</td>", text)
    assert re.search(r"<th scope=\"row\">caw</th><td>1</td><td>1</td><td>100 %</td>", text)
    assert re.search(r"\(geen code\)</th><td>2</td><td>0</td><td>0 %</td>", text)


def test_the_choices_are_the_intents_of_the_domain_in_plain_dutch() -> None:
    project = read_project()
    assert project.threshold == 0.45
    assert project.forms == {"callback_form"}
    assert "ask_woonclub" in project.intents and FALLBACK_INTENT not in project.intents
    assert set(project.intents) <= set(INTENT_LABELS)


def message(text: str, minutes: int, guessed: str = "greet") -> Said:
    return Said(
        f"k{minutes}",
        "web:x",
        NOW + timedelta(minutes=minutes),
        text,
        FALLBACK_INTENT,
        0.45,
        guessed,
        0.3,
        unclear=True,
    )


def test_near_duplicates_share_a_group_and_other_wordings_do_not() -> None:
    groups = group_messages(
        [
            message("waar is de woonclub", 0),
            message("Waar is de woonklub?", 1),
            message("waar is de woonclub!", 2),
            message("wat kost de woonclub", 3),
            message("ja", 4),
            message("je", 5),
        ],
        {},
    )
    assert [[m.text for m in g.messages] for g in groups] == [
        ["je"],
        ["ja"],
        ["wat kost de woonclub"],
        ["waar is de woonclub!", "Waar is de woonklub?", "waar is de woonclub"],
    ]
    assert [m.key for m in groups[-1].stored] == ["k2", "k1"]


@pytest.mark.parametrize(
    ("moment", "index"),
    [
        (datetime(2026, 11, 23, 0, 0), 0),  # Monday of this week
        (datetime(2026, 11, 22, 23, 59), 1),  # the Sunday before
        (datetime(2026, 11, 16, 0, 0), 1),
        (datetime(2026, 10, 5, 0, 0), 7),
        (datetime(2026, 10, 4, 23, 0), None),  # before the eight weeks
    ],
)
def test_weeks_start_on_monday_in_the_city(moment: datetime, index: int | None) -> None:
    weeks = Weeks.ending(NOW, ZONE)
    assert weeks.index(moment.replace(tzinfo=ZONE)) == index
    assert weeks.start == datetime(2026, 10, 5, tzinfo=ZONE)
