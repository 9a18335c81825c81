"""The preview: the assistant's own replies to typical questions, on the edited catalogue."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.content.answers import Question, answer
from bot.content.editing import value_at
from bot.content.loader import ContentError, catalogue_from_documents, read_documents
from bot.content.models import ServiceId
from bot.content.preview import edited_catalogue, examples
from bot.content.review import review
from tests.helpers import CONTENT, TEST_HOURS

# A Tuesday morning in Mechelen.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
DOCUMENTS = read_documents(CONTENT)
ABEEL = "locations/den_abeel/hours"


def texts(document: str, path: str, value: object) -> dict[str, str]:
    catalogue = edited_catalogue(DOCUMENTS, document, path, value)
    return {
        example.question: "\n".join(reply.text for reply in example.replies)
        for example in examples(catalogue, document, path, NOW, 180)
    }


def test_new_hours_show_in_the_answers_before_anything_is_stored() -> None:
    before = texts("dienstencentrum", ABEEL, value_at(DOCUMENTS["dienstencentrum"], ABEEL))
    assert "Ik weet de openingsuren van Den Abeel niet." in before["is den abeel vandaag open"]
    after = texts("dienstencentrum", ABEEL, TEST_HOURS)
    assert list(after) == [
        "is den abeel vandaag open",
        "wanneer is den abeel open op zaterdag",
        "is den abeel nu open",
    ]
    assert (
        "Vandaag, dinsdag, is Den Abeel open van 9 tot 16 uur."
        in after["is den abeel vandaag open"]
    )
    assert (
        "Op zaterdag 28 november is Den Abeel gesloten."
        in after["wanneer is den abeel open op zaterdag"]
    )
    assert "Ja, Den Abeel is nu open. Het sluit om 16 uur." in after["is den abeel nu open"]
    # Nothing was changed in the documents the preview was built from.
    assert value_at(DOCUMENTS["dienstencentrum"], ABEEL)["weekly"] is None


def test_the_preview_is_the_answer_code_itself() -> None:
    price = {**value_at(DOCUMENTS["woonclub"], "price"), "text": "De Woonclub is gratis."}
    shown = texts("woonclub", "price", price)
    catalogue = edited_catalogue(DOCUMENTS, "woonclub", "price", price)
    direct = answer(catalogue, Question(ServiceId.woonclub, "hoeveel kost de woonclub"), NOW, 180)
    assert shown == {"hoeveel kost de woonclub": "\n".join(reply.text for reply in direct)}
    assert "De Woonclub is gratis." in shown["hoeveel kost de woonclub"]


def test_general_facts_show_where_residents_meet_them() -> None:
    number = {
        **value_at(DOCUMENTS["general"], "urgent/homeless"),
        "number": "078 150 301",
        "text": "Geen plek om te slapen? Bel het CAW op 078 150 301.",
    }
    assert list(texts("general", "urgent/homeless", number).values()) == [number["text"]]
    hours = texts("general", "contact/hours", TEST_HOURS)
    assert all(text.startswith("We bellen je") for text in hours.values())
    assert (
        "vandaag in de voormiddag" in hours["Na een vraag om terug te bellen, moment: voormiddag"]
    )
    phone = {**value_at(DOCUMENTS["general"], "contact/phone"), "text": "0800 20 801"}
    assert any("0800 20 801" in text for text in texts("general", "contact/phone", phone).values())


def test_an_edit_the_catalogue_refuses_is_not_previewed() -> None:
    broken = {**value_at(DOCUMENTS["general"], "urgent/danger"), "text": "Bel de politie."}
    with pytest.raises(ContentError):
        edited_catalogue(DOCUMENTS, "general", "urgent/danger", broken)


def test_every_fact_of_the_catalogue_can_be_previewed() -> None:
    catalogue = catalogue_from_documents(DOCUMENTS)
    rows = review(catalogue, NOW.date(), 180)
    shown = {
        (row.document, row.path): examples(catalogue, row.document, row.path, NOW, 180)
        for row in rows
    }
    without = sorted(key for key, found in shown.items() if not found)
    # The city's address is in no reply today.
    assert without == [("general", "contact/address")]
    assert all(example.replies for found in shown.values() for example in found)
