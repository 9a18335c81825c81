"""The fact forms: what staff type becomes a fact the catalogue accepts, or a plain message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.content import forms
from bot.content.editing import check, value_at, with_value
from bot.content.forms import Kind, form_for, read_form
from bot.content.loader import read_documents
from tests.helpers import CONTENT

TODAY = date(2026, 11, 24)
DOCUMENTS = read_documents(CONTENT)
ABEEL = "locations/den_abeel/hours"
UNKNOWN_HOURS = value_at(DOCUMENTS["dienstencentrum"], ABEEL)
SOURCE = "telefonisch nagevraagd bij Den Abeel"


def hours_form(**fields: str) -> dict[str, str]:
    typed = {
        "maandag": "9:00-12:00, 13:00-16:30",
        "dinsdag": "9-12",
        "woensdag": "",
        "donderdag": "9u-12u30",
        "vrijdag": "gesloten",
        "zaterdag": "",
        "zondag": "",
        "feestdagen": "gesloten",
        "bron": SOURCE,
        "nagekeken": "2026-11-24",
    }
    return {**typed, **fields}


def read_hours(**fields: str) -> tuple[forms.Form, dict[str, Any] | None]:
    return read_form(Kind.hours, hours_form(**fields), UNKNOWN_HOURS, TODAY)


def test_a_weekly_grid_becomes_the_stored_hours_the_catalogue_accepts() -> None:
    form, value = read_hours(
        **{"uitzondering-0-van": "24/12/2026", "uitzondering-0-tot": "2/1/2027"},
        **{"uitzondering-1-van": "2027-01-05", "uitzondering-1-uren": "9-12"},
    )
    assert not form.errors and value is not None
    assert value["weekly"] == {
        "maandag": ["09:00-12:00", "13:00-16:30"],
        "dinsdag": ["09:00-12:00"],
        "donderdag": ["09:00-12:30"],
    }
    assert value["closed_on_public_holidays"] is True
    assert len(value["exceptions"]) == 11
    assert value["exceptions"]["2026-12-24"] == value["exceptions"]["2027-01-02"] == []
    assert value["exceptions"]["2027-01-05"] == ["09:00-12:00"]
    assert value["source"] == SOURCE and value["checked"] == "2026-11-24"
    document = with_value(DOCUMENTS["dienstencentrum"], ABEEL, value)
    check("dienstencentrum", document)


def test_two_exceptions_on_the_same_day_are_refused() -> None:
    form, value = read_hours(
        **{"uitzondering-0-van": "24/12/2026", "uitzondering-0-tot": "2/1/2027"},
        **{"uitzondering-1-van": "2026-12-31", "uitzondering-1-uren": "9-12"},
    )
    assert value is None
    assert "31/12/2026" in form.errors["uitzondering-1-van"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9:00-12:00, 13:00-16:30", ["09:00-12:00", "13:00-16:30"]),
        ("13u-16u30 en 9u-12u", ["09:00-12:00", "13:00-16:30"]),
        ("9.30 - 12.00", ["09:30-12:00"]),
        ("9h tot 17h", ["09:00-17:00"]),
        ("09:00-12:00; 14:00-18:00", ["09:00-12:00", "14:00-18:00"]),
        ("", []),
        ("Gesloten", []),
    ],
)
def test_hours_are_read_the_way_staff_type_them(typed: str, stored: list[str]) -> None:
    form, value = read_hours(maandag=typed, dinsdag="9-12")
    assert not form.errors and value is not None
    assert value["weekly"].get("maandag", []) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("16:00-9:00", "Het uur 16:00-9:00 eindigt voor het begint."),
        ("9:00-12:00, 11:00-13:00", "De uren 9:00-12:00 en 11:00-13:00 overlappen."),
        ("25:00-26:00", "Het uur 25:00 bestaat niet."),
        ("'s morgens", "Ik kan ''s morgens' niet lezen."),
    ],
)
def test_wrong_hours_get_a_plain_message_and_stay_as_typed(typed: str, message: str) -> None:
    form, value = read_hours(dinsdag=typed)
    assert value is None
    assert form.errors["dinsdag"].startswith(message)
    assert form.get("dinsdag") == typed and form.get("maandag") == "9:00-12:00, 13:00-16:30"


def test_what_staff_changed_wins_over_the_box_unknown_hours() -> None:
    # The box starts ticked for unknown hours: typing hours is enough to make them known.
    form, value = read_hours(uren_onbekend="ja")
    assert not form.errors and value is not None and value["weekly"]["dinsdag"] == ["09:00-12:00"]
    # For known hours the days start filled in: ticking the box is enough to make them unknown.
    assert value is not None
    form, unknown = read_form(Kind.hours, {**hours_form(), "uren_onbekend": "ja"}, value, TODAY)
    assert not form.errors and unknown is not None and unknown["weekly"] is None


def test_unknown_hours_keep_the_exceptions_and_an_empty_week_is_refused() -> None:
    empty = dict.fromkeys(forms.DAYS, "")
    form, value = read_hours(**empty, uren_onbekend="ja")
    assert not form.errors and value is not None and value["weekly"] is None
    form, value = read_hours(**empty)
    assert value is None and "uren nog niet gekend" in form.errors[forms.WEEK]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"uitzondering-0-van": "2/1/2027", "uitzondering-0-tot": "24/12/2026"},
            "uitzondering-0-tot",
            "De laatste dag ligt voor de eerste dag.",
        ),
        ({"uitzondering-0-tot": "24/12/2026"}, "uitzondering-0-van", "Vul de eerste dag in."),
        (
            {"uitzondering-0-van": "31/2/2027"},
            "uitzondering-0-van",
            "De datum 31/2/2027 bestaat niet.",
        ),
        ({"uitzondering-0-van": "kerstmis"}, "uitzondering-0-van", "Schrijf de datum zo"),
        (
            {"uitzondering-0-van": "1/1/2027", "uitzondering-0-tot": "1/6/2028"},
            "uitzondering-0-tot",
            "Een uitzondering duurt hoogstens een jaar.",
        ),
        ({"bron": " "}, "bron", "Vul de bron in"),
        ({"nagekeken": "2026-11-25"}, "nagekeken", "Die datum ligt in de toekomst."),
        ({"nagekeken": ""}, "nagekeken", "Vul de datum in"),
    ],
)
def test_exception_dates_source_and_check_date_are_checked(
    fields: dict[str, str], field: str, message: str
) -> None:
    form, value = read_hours(**fields)
    assert value is None
    assert form.errors[field].startswith(message)
    assert all(form.get(name) == typed for name, typed in fields.items())


def test_a_removed_exception_is_left_out() -> None:
    form, value = read_hours(
        **{"uitzondering-0-van": "24/12/2026", "uitzondering-0-weg": "ja"},
    )
    assert not form.errors and value is not None and value["exceptions"] == {}


def test_stored_exceptions_are_shown_as_the_ranges_staff_entered() -> None:
    _, value = read_hours(
        **{"uitzondering-0-van": "24/12/2026", "uitzondering-0-tot": "2/1/2027"},
        **{"uitzondering-1-van": "3/1/2027", "uitzondering-1-uren": "9-12"},
        feestdagen="open",
    )
    assert value is not None
    form = form_for(Kind.hours, value)
    assert form.rows == [0, 1, 2]
    assert [form.get(f"uitzondering-0-{part}") for part in ("van", "tot", "uren")] == [
        "2026-12-24",
        "2027-01-02",
        "",
    ]
    assert form.get("uitzondering-1-tot") == "2027-01-03"
    assert form.get("uitzondering-1-uren") == "9:00-12:00"
    assert form.get("uitzondering-2-van") == ""
    assert form.get("maandag") == "9:00-12:00, 13:00-16:30" and form.get("vrijdag") == ""
    assert form.get("feestdagen") == "open" and not form.get("uren_onbekend")
    again, same = read_form(Kind.hours, form.fields, value, TODAY)
    assert same == value and not again.errors


def test_the_form_of_unknown_hours_asks_for_a_new_source_and_todays_date() -> None:
    form = form_for(Kind.hours, UNKNOWN_HOURS, TODAY)
    assert form.get("uren_onbekend") and form.get("maandag") == ""
    assert form.get("bron") == "" and form.get("nagekeken") == "2026-11-24"
    assert form.rows == [0]
    assert form_for(Kind.hours, UNKNOWN_HOURS).get("nagekeken") == UNKNOWN_HOURS["checked"]


def test_filling_in_an_unknown_fact_needs_a_new_source() -> None:
    form, value = read_hours(bron="Niet gevonden in openbare bronnen; nog in te vullen")
    assert value is None and "gevonden" in form.errors["bron"]


def test_a_source_left_as_shown_keeps_the_stored_words() -> None:
    stored = value_at(DOCUMENTS["general"], "contact/phone")
    form = form_for(Kind.fact, stored)
    _, value = read_form(Kind.fact, {**form.fields, "nagekeken": "2026-11-24"}, stored, TODAY)
    assert value is not None and value["source"] == stored["source"]
    assert value["text"] == stored["text"]


def test_an_empty_text_makes_a_fact_unknown_but_a_note_needs_one() -> None:
    stored = value_at(DOCUMENTS["woonclub"], "phone")
    fields = {"tekst": " ", "bron": "telefonisch nagevraagd", "nagekeken": "24/11/2026"}
    form, value = read_form(Kind.fact, fields, stored, TODAY)
    assert value is not None and value["text"] is None and value["checked"] == "2026-11-24"
    note = value_at(DOCUMENTS["woonclub"], "notes/0")
    form, value = read_form(Kind.note, fields, note, TODAY)
    assert value is None and form.errors["tekst"] == "Vul de tekst in."


def test_an_urgent_number_must_be_in_its_text() -> None:
    stored = value_at(DOCUMENTS["general"], "urgent/homeless")
    fields = {**form_for(Kind.urgent, stored).fields, "nummer": "078 150 301"}
    form, value = read_form(Kind.urgent, fields, stored, TODAY)
    assert value is None and form.errors["tekst"] == "Zet het nummer 078 150 301 ook in de tekst."


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("locations/den_abeel/hours", Kind.hours),
        ("locations/den_abeel/address", Kind.fact),
        ("locations/de_smis/closed", Kind.note),
        ("notes/0", Kind.note),
        ("price", Kind.fact),
    ],
)
def test_each_fact_has_its_kind_of_form(path: str, kind: Kind) -> None:
    assert forms.kind_of(path, value_at(DOCUMENTS["dienstencentrum"], path)) is kind
    assert forms.kind_of("urgent/danger", value_at(DOCUMENTS["general"], "urgent/danger")) is (
        Kind.urgent
    )


def test_a_change_is_described_line_by_line() -> None:
    _, value = read_hours(**{"uitzondering-0-van": "24/12/2026", "uitzondering-0-tot": "2/1/2027"})
    lines = forms.differences(Kind.hours, UNKNOWN_HOURS, value)
    assert lines[0] == (
        "Uren",
        "nog niet gekend",
        "maandag 9:00-12:00, 13:00-16:30; dinsdag 9:00-12:00; donderdag 9:00-12:30; "
        "andere dagen gesloten",
    )
    assert ("Uitzonderingen", "geen", "24/12/2026 tot 2/1/2027 gesloten") in lines
    assert [label for label, *_ in lines] == ["Uren", "Uitzonderingen", "Bron", "Nagekeken op"]
    assert forms.checked_today(UNKNOWN_HOURS, TODAY)["checked"] == "2026-11-24"
