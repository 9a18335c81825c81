"""Inhoud over real HTTP: the to-do list, fact forms, preview, history, undo and permission."""

from __future__ import annotations

import html
import re

import pytest

from bot.content.editing import set_fact, value_at
from bot.content.loader import read_documents
from bot.content.review import review, todo
from bot.dashboard.content import CANNOT_UNDO, CHANGED_MEANWHILE
from bot.store.content import ContentRepository
from tests.bot.dashboard.conftest import NOW, Dashboard, Visitor
from tests.helpers import CONTENT

ABEEL = "/inhoud/dienstencentrum/locations/den_abeel/hours"
HOURS = {
    "maandag": "9:00-12:00, 13:00-16:30",
    "dinsdag": "9:00-12:00, 13:00-16:30",
    "woensdag": "9:00-12:00",
    "donderdag": "9:00-12:00, 13:00-16:30",
    "vrijdag": "9:00-12:00",
    "zaterdag": "",
    "zondag": "",
    "feestdagen": "gesloten",
    "uitzondering-0-van": "2026-12-24",
    "uitzondering-0-tot": "2027-01-02",
    "uitzondering-0-uren": "",
    "bron": "telefonisch nagevraagd bij Den Abeel",
    "nagekeken": "2026-11-24",
}
DOCUMENTS = read_documents(CONTENT)


def logged_in(dashboard: Dashboard, name: str = "anna") -> Visitor:
    visitor = dashboard.visitor()
    assert visitor.log_in(name).status_code == 302
    return visitor


def history(dashboard: Dashboard, document: str, path: str) -> list[str]:
    changes = ContentRepository(dashboard.engine).history(document, path)
    return [change.author for change in changes]


def live_value(dashboard: Dashboard, document: str, path: str) -> object:
    """What this dashboard's live catalogue serves at `path` (as the assistant reads it)."""
    catalogue = dashboard.app.ctx.services.catalogue.get()
    node: object = catalogue.general if document == "general" else catalogue.service(document)
    for step in path.split("/"):
        if isinstance(node, list):
            found = (
                item for i, item in enumerate(node) if step in (str(i), getattr(item, "id", ""))
            )
            node = next(found)
        elif isinstance(node, dict):
            node = next(value for key, value in node.items() if getattr(key, "value", key) == step)
        else:
            node = getattr(node, step)
    return node


def shown_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_to_do_list_puts_unknown_facts_first_then_old_ones(dashboard: Dashboard) -> None:
    rows = review(dashboard.app.ctx.services.catalogue.get(), NOW.date(), 180)
    groups = todo(rows)
    page = logged_in(dashboard, "bram").get("/inhoud").text
    unknown = page.index(f"Nog in te vullen ({len(groups.unknown)})")
    stale = page.index(f"Na te kijken ({len(groups.stale)})")
    changes = page.index("Laatste wijzigingen")
    assert unknown < stale < changes < page.index(f"Alle andere feiten ({len(groups.rest)})")
    assert page.index("Den Abeel") > unknown and "openingsuren" in page[unknown:stale]
    assert "0800 20 800" in page[stale:changes] and "11 jaar oud" in page[stale:changes]
    assert f"<title>({groups.count}) Inhoud" not in page  # the title counts requests only
    assert f'Inhoud <span class="count">({groups.count})</span>' in page
    # Sources in Dutch, and no way to edit for staff without the permission.
    assert "Niet gevonden in openbare bronnen" in page and "FACTS.md" not in page
    assert "dag onbekend" in page and "gva.be 02-02-2017" in page
    assert ABEEL not in page and "Vandaag nagekeken" not in page
    assert "Vraag het aan een beheerder" in page
    admin = logged_in(dashboard).get("/inhoud").text
    assert f'href="{ABEEL}"' in admin and "Vandaag nagekeken" in admin


def test_content_permission_is_needed_to_open_or_change_a_fact(dashboard: Dashboard) -> None:
    bram = logged_in(dashboard, "bram")
    bram.get("/inhoud")
    assert bram.get(ABEEL).status_code == 403
    refused = bram.post(ABEEL, {**HOURS, "actie": "opslaan"})
    assert refused.status_code == 403 and "Vraag het aan een beheerder" in refused.text
    assert bram.post(ABEEL, {"actie": "nagekeken"}).status_code == 403
    assert history(dashboard, "dienstencentrum", "locations/den_abeel/hours") == []
    anna = logged_in(dashboard)
    accounts = anna.get("/accounts").text
    assert "ja (beheerder)" in accounts and "Toestaan" in accounts
    granted = anna.post("/accounts/bram/inhoud-toestaan")
    assert granted.status_code == 303
    assert "mag nu de inhoud wijzigen" in anna.get(granted.headers["location"]).text
    assert bram.get(ABEEL).status_code == 200
    assert f'href="{ABEEL}"' in bram.get("/inhoud").text
    anna.get("/accounts")
    assert anna.post("/accounts/bram/inhoud-intrekken").status_code == 303
    assert bram.get(ABEEL).status_code == 403
    log = anna.get("/accounts").text
    assert "mag inhoud wijzigen: bram" in log and "mag inhoud niet meer wijzigen: bram" in log
    assert anna.post("/accounts/niemand/inhoud-toestaan").status_code == 404


def test_filling_in_den_abeel_hours_previews_then_saves(dashboard: Dashboard) -> None:
    anna = logged_in(dashboard)
    form = anna.get(ABEEL).text
    for field in ["maandag", "zondag", "uren_onbekend", "feestdagen-open", "bron", "nagekeken"]:
        assert f'id="{field}"' in form and f'for="{field}"' in form
    assert 'id="uitzondering-0-van"' in form and 'id="bekijk"' in form
    assert 'id="uren_onbekend" name="uren_onbekend" value="ja" checked' in form

    preview = anna.post(ABEEL, {**HOURS, "actie": "bekijk"})
    assert preview.status_code == 200
    text = shown_text(preview.text)
    assert 'Een inwoner schrijft: "is den abeel vandaag open"' in text
    assert "Vandaag, dinsdag, is Den Abeel open:" in text and "Van 13 tot 16.30 uur." in text
    assert "Op zaterdag 28 november is Den Abeel gesloten." in text
    assert 'value="9:00-12:00, 13:00-16:30"' in preview.text
    assert history(dashboard, "dienstencentrum", "locations/den_abeel/hours") == []
    assert not live_value(dashboard, "dienstencentrum", "locations/den_abeel/hours").known

    # As a browser sends it: the box "uren nog niet gekend" was left ticked, the hours win.
    saved = anna.post(ABEEL, {**HOURS, "uren_onbekend": "ja", "actie": "opslaan"})
    assert saved.status_code == 303 and saved.headers["location"] == f"{ABEEL}?bericht=opgeslagen"
    assert history(dashboard, "dienstencentrum", "locations/den_abeel/hours") == ["anna"]
    hours = live_value(dashboard, "dienstencentrum", "locations/den_abeel/hours")
    assert hours.known and len(hours.exceptions) == 10  # type: ignore[attr-defined]
    page = shown_text(anna.get(saved.headers["location"]).text)
    assert "Opgeslagen." in page
    assert "maandag 9:00-12:00, 13:00-16:30" in page and "24/12/2026 tot 2/1/2027 gesloten" in page
    assert "Uren: was nog niet gekend, nu maandag 9:00-12:00" in page
    assert "Bron: was Niet gevonden in openbare bronnen; nog in te vullen, nu telefonisch" in page
    listed = anna.get("/inhoud").text
    unknown = listed[: listed.index("Na te kijken")]
    assert "locations/den_abeel/hours" not in unknown
    changes = listed[listed.index("Laatste wijzigingen") :]
    assert "De dienstencentra › Den Abeel: openingsuren" in html.unescape(changes)
    audit = shown_text(anna.get("/accounts").text)
    assert "inhoud gewijzigd: De dienstencentra › Den Abeel: openingsuren (versie 2)" in audit


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"dinsdag": "16:00-9:00"}, "dinsdag", "Het uur 16:00-9:00 eindigt voor het begint."),
        ({"woensdag": "9-12, 11-13"}, "woensdag", "De uren 9:00-12:00 en 11:00-13:00 overlappen."),
        (
            {"uitzondering-0-tot": "2026-12-20"},
            "uitzondering-0-tot",
            "De laatste dag ligt voor de eerste dag.",
        ),
        ({"bron": ""}, "bron", "Vul de bron in"),
        ({"nagekeken": "2026-12-01"}, "nagekeken", "Die datum ligt in de toekomst."),
    ],
)
def test_a_wrong_field_gets_a_dutch_message_and_keeps_what_was_typed(
    dashboard: Dashboard, fields: dict[str, str], field: str, message: str
) -> None:
    anna = logged_in(dashboard)
    anna.get(ABEEL)
    for action in ("bekijk", "opslaan"):
        response = anna.post(ABEEL, {**HOURS, **fields, "actie": action})
        assert response.status_code == 400
        assert f'<p class="error field-error" id="{field}-fout">{html.escape(message)}' in (
            response.text
        )
        assert f'id="{field}" name="{field}"' in response.text
        assert f'aria-invalid="true" aria-describedby="{field}-fout' in response.text
        typed = {**HOURS, **fields}
        assert f'value="{typed["maandag"]}"' in response.text
        assert 'id="voorbeeld"' not in response.text
    assert history(dashboard, "dienstencentrum", "locations/den_abeel/hours") == []


def test_another_exception_row_keeps_what_was_typed(dashboard: Dashboard) -> None:
    anna = logged_in(dashboard)
    anna.get(ABEEL)
    page = anna.post(ABEEL, {**HOURS, "dinsdag": "16-9", "actie": "extra"}).text
    assert 'id="uitzondering-2-van"' in page and 'id="uitzondering-3-van"' not in page
    assert 'value="16-9"' in page and "field-error" not in page
    assert history(dashboard, "dienstencentrum", "locations/den_abeel/hours") == []


@pytest.mark.parametrize(
    ("document", "path", "fields", "shown"),
    [
        ("woonclub", "price", {"tekst": "De Woonclub is gratis."}, "De Woonclub is gratis."),
        ("dienstencentrum", "notes/0", {"tekst": "Er is ook een restaurant."}, "restaurant"),
        (
            "general",
            "urgent/homeless",
            {"nummer": "078 150 301", "tekst": "Geen bed? Bel het CAW op 078 150 301."},
            "078 150 301",
        ),
    ],
)
def test_each_kind_of_fact_is_saved_and_served(
    dashboard: Dashboard, document: str, path: str, fields: dict[str, str], shown: str
) -> None:
    anna = logged_in(dashboard)
    url = f"/inhoud/{document}/{path}"
    anna.get(url)
    typed = {"bron": "https://www.mechelen.be", "nagekeken": "24/11/2026", **fields}
    preview = anna.post(url, {**typed, "actie": "bekijk"})
    assert preview.status_code == 200 and shown in shown_text(preview.text)
    assert anna.post(url, {**typed, "actie": "opslaan"}).status_code == 303
    assert history(dashboard, document, path) == ["anna"]
    assert shown in live_value(dashboard, document, path).text  # type: ignore[attr-defined]
    page = anna.get(url).text
    assert shown in page and '<a href="https://www.mechelen.be">' not in page


def test_undo_puts_the_fact_back_unless_it_changed_since(dashboard: Dashboard) -> None:
    url = "/inhoud/woonclub/price"
    anna = logged_in(dashboard)
    anna.get(url)
    for text in ("Het is gratis.", "Het kost 5 euro per jaar."):
        typed = {"tekst": text, "bron": "telefonisch nagevraagd", "nagekeken": "2026-11-24"}
        assert anna.post(url, {**typed, "actie": "opslaan"}).status_code == 303
    first, second = ContentRepository(dashboard.engine).history("woonclub", "price")[::-1]
    page = anna.get(url).text
    assert page.count('name="actie" value="ongedaan"') == 1
    assert f'name="wijziging" value="{second.id}"' in page

    refused = anna.post(url, {"actie": "ongedaan", "wijziging": str(first.id)})
    assert refused.status_code == 409 and html.escape(CANNOT_UNDO) in refused.text
    undone = anna.post(url, {"actie": "ongedaan", "wijziging": str(second.id)})
    assert undone.status_code == 303 and undone.headers["location"].endswith("bericht=ongedaan")
    assert live_value(dashboard, "woonclub", "price").text == "Het is gratis."  # type: ignore[attr-defined]
    page = shown_text(anna.get(url).text)
    assert "(ongedaan gemaakt)" in page
    assert "Tekst: was Het kost 5 euro per jaar., nu Het is gratis." in page
    assert "inhoud teruggezet: De Woonclub: prijs" in shown_text(anna.get("/accounts").text)
    assert anna.post(url, {"actie": "ongedaan", "wijziging": "99999"}).status_code == 404
    other = ContentRepository(dashboard.engine).history("woonclub", "about")
    assert anna.post(url, {"actie": "ongedaan", "wijziging": "x1"}).status_code == 404
    assert other == []


def test_a_form_shown_before_someone_else_changed_the_fact_is_not_saved_over_it(
    dashboard: Dashboard,
) -> None:
    url = "/inhoud/woonclub/price"
    anna = logged_in(dashboard)
    shown = re.search(r'name="versie" value="(\w+)"', anna.get(url).text)
    assert shown is not None
    value = {**value_at(DOCUMENTS["woonclub"], "price"), "text": "Het is gratis."}
    value["source"] = "telefonisch nagevraagd"
    ContentRepository(dashboard.engine).save(
        "woonclub", set_fact("woonclub", "price", value), "bram", NOW
    )
    typed = {"tekst": "Het kost 5 euro.", "bron": "mail van de Woonclub", "nagekeken": "2026-11-24"}
    typed["versie"] = shown.group(1)
    response = anna.post(url, {**typed, "actie": "opslaan"})
    assert response.status_code == 409 and html.escape(CHANGED_MEANWHILE) in response.text
    assert "Het kost 5 euro." in response.text
    assert history(dashboard, "woonclub", "price") == ["bram"]


def test_checked_today_only_moves_the_date(dashboard: Dashboard) -> None:
    anna = logged_in(dashboard)
    anna.get("/inhoud")
    done = anna.post("/inhoud/general/contact/phone", {"actie": "nagekeken", "terug": "lijst"})
    assert done.status_code == 303 and done.headers["location"] == "/inhoud?bericht=nagekeken"
    phone = live_value(dashboard, "general", "contact/phone")
    before = value_at(DOCUMENTS["general"], "contact/phone")
    assert phone.checked.isoformat() == "2026-11-24"  # type: ignore[attr-defined]
    assert (phone.text, phone.source) == (before["text"], before["source"])  # type: ignore[attr-defined]
    listed = anna.get(done.headers["location"]).text
    assert "Nagekeken op vandaag." in listed
    stale = listed[listed.index("Na te kijken") : listed.index("Laatste")]
    assert "/inhoud/general/contact/phone" not in stale
    again = anna.post("/inhoud/general/contact/phone", {"actie": "nagekeken"})
    assert again.headers["location"] == "/inhoud/general/contact/phone?bericht=niets"
    assert history(dashboard, "general", "contact/phone") == ["anna"]


@pytest.mark.parametrize(
    "path",
    [
        "/inhoud/niets/about",
        "/inhoud/dienstencentrum/locations/nergens/hours",
        "/inhoud/dienstencentrum/locations/den_abeel",
        "/inhoud/dienstencentrum/name",
    ],
)
def test_a_fact_that_does_not_exist_is_a_404_page(dashboard: Dashboard, path: str) -> None:
    anna = logged_in(dashboard)
    response = anna.get(path)
    assert response.status_code == 404 and "Deze pagina bestaat niet." in response.text
    assert anna.post(path, {"actie": "opslaan"}).status_code == 404
