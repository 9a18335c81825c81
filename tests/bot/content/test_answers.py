from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.answers import (
    CALLBACK_BUTTON,
    Aspect,
    Question,
    Reply,
    answer,
    format_ranges,
)
from bot.content.loader import Catalogue, load_catalogue
from bot.content.models import ServiceId, TimeRange
from tests.helpers import content_copy

BRUSSELS = ZoneInfo("Europe/Brussels")
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=BRUSSELS)


def with_hours(tmp_path: Path) -> Catalogue:
    return load_catalogue(content_copy(tmp_path / "content", with_hours=True))


def real() -> Catalogue:
    return load_catalogue(Path("data/content"))


def texts(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies]


def ask(
    catalogue: Catalogue,
    service: str,
    text: str = "",
    now: datetime = TUESDAY_MORNING,
    **entities: str,
) -> list[Reply]:
    question = Question(ServiceId(service), text, entities.get("location"), entities.get("day"))
    return answer(catalogue, question, now, staleness_days=180)


def test_open_today(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "is den abel vandaag open")
    assert replies[0].text == "Vandaag, dinsdag, is Den Abeel open van 9 tot 16 uur."
    assert replies[-1].buttons == (CALLBACK_BUTTON,)


def test_tomorrow_with_a_lunch_break(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "morgen open?", location="den_abeel")
    assert replies[0].text == (
        "Morgen, woensdag, is Den Abeel open:\nVan 9 tot 12 uur.\nVan 13.30 tot 16 uur."
    )


def test_weekday_name_and_closed_day(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "den abeel zatterdag")
    assert replies[0].text == "Op zaterdag 28 november is Den Abeel gesloten."


def test_public_holiday(tmp_path: Path) -> None:
    monday_before = datetime(2026, 4, 5, 12, 0, tzinfo=BRUSSELS)  # Easter Sunday
    replies = ask(with_hours(tmp_path), "dienstencentrum", "abeel morgen", now=monday_before)
    assert replies[0].text == "Morgen is het Paasmaandag. Dan is Den Abeel gesloten."


def test_open_right_now_and_closing_time(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "is den abeel nu open")
    assert replies[0].text == "Ja, Den Abeel is nu open. Het sluit om 16 uur."


def test_closed_now_says_when_it_opens(tmp_path: Path) -> None:
    friday_night = datetime(2026, 11, 27, 21, 0, tzinfo=BRUSSELS)
    replies = ask(
        with_hours(tmp_path), "dienstencentrum", "nu open", location="den_abeel", now=friday_night
    )
    assert replies[0].text == (
        "Nee, Den Abeel is nu gesloten. Het gaat weer open op maandag 30 november om 9 uur."
    )


def test_unknown_hours_say_so_and_give_a_person() -> None:
    replies = ask(real(), "dienstencentrum", "is de schijf vandaag open")
    assert replies[0].text == "Ik weet de openingsuren van De Schijf niet."
    assert "0800 20 800" in replies[-1].text
    assert replies[-1].buttons == (CALLBACK_BUTTON,)
    assert not any("uur" in t and "van" in t for t in texts(replies))


def test_no_centre_named_asks_which_with_buttons(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "is het dienstencentrum morgen open")
    assert replies[-1].text == "Over welk centrum gaat het?"
    payloads = [b.payload for b in replies[-1].buttons]
    # The button asks the same question again, for that centre.
    expected = '/ask_dienstencentrum{"location":"den_abeel","day":"2026-11-25","aspect":"hours"}'
    assert expected in payloads
    assert payloads[-1] == "/request_callback"


def test_button_payload_with_a_date_is_understood(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", location="den_abeel", day="2026-11-25")
    assert replies[0].text.startswith("Morgen, woensdag, is Den Abeel open")


def test_unknown_neighbourhood_is_honest() -> None:
    replies = ask(real(), "dienstencentrum", "nekkerspoel", location="nekkerspoel")
    assert replies[0].text == "Over Nekkerspoel weet ik niets."
    assert replies[-1].text == "Over welk centrum gaat het?"


def test_closed_centre() -> None:
    replies = ask(real(), "dienstencentrum", "is de smis open")
    assert replies[0].text == "Dienstencentrum De Smis is gesloten sinds 2019."


def test_free_pads_list_all_places() -> None:
    replies = ask(real(), "menstruatie", "waar kan ik gratis maandverband krijgen")
    joined = "\n".join(texts(replies))
    for address in ("Reuzenstraat 1", "Vleeshouwersstraat 6", "Lange Schipstraat 27"):
        assert address in joined


def test_unknown_price_is_not_invented() -> None:
    replies = ask(real(), "woonclub", "wat kost da")
    assert replies[0].text == "Ik weet niet wat de Woonclub kost."
    assert "euro" not in " ".join(texts(replies))


def test_signup_question_for_woonclub() -> None:
    replies = ask(real(), "woonclub", "hoe schrijf ik mij in")
    assert replies[0].text.startswith("Bel De Lage Drempel op 0468 01 38 29.")


def test_an_old_changing_fact_carries_one_warning_in_its_own_bubble() -> None:
    replies = ask(real(), "minder_mobielen", "wat kost de mmc")
    assert texts(replies)[0] == (
        "Je betaalt lidgeld per jaar. Je betaalt ook de chauffeur per kilometer. "
        "Hoeveel dat in Mechelen is, weet ik niet.\n"
        "Let op: deze info is van 2024. Ze kan veranderd zijn."
    )
    assert " ".join(texts(replies)).count("Let op") == 1


def test_facts_that_do_not_change_carry_no_warning() -> None:
    replies = ask(real(), "minder_mobielen", "mmc")
    assert not any("Let op" in t for t in texts(replies))
    assert len(replies) <= 3


def test_a_closure_carries_no_warning() -> None:
    replies = ask(real(), "dienstencentrum", "is de smis nog open")
    assert texts(replies)[0] == "Dienstencentrum De Smis is gesloten sinds 2019."
    assert not any("Let op" in t for t in texts(replies))


def test_fresh_facts_carry_no_warning(tmp_path: Path) -> None:
    replies = ask(with_hours(tmp_path), "dienstencentrum", "den abeel vandaag")
    assert not any(t.startswith("Let op") for t in texts(replies))


def test_format_ranges() -> None:
    ranges = [TimeRange.parse(r) for r in ("09:00-10:00", "11:15-12:00", "13:00-14:00")]
    assert format_ranges(ranges) == "van 9 tot 10 uur, van 11.15 tot 12 uur en van 13 tot 14 uur"


def test_the_city_number_carries_no_age_note() -> None:
    replies = ask(real(), "dienstencentrum", "is den abel vandaag open")
    assert texts(replies) == [
        "Ik weet de openingsuren van Den Abeel niet.",
        "Bel gratis naar het Huis van de Mechelaar: 0800 20 800. Of vraag dat we je bellen.",
    ]


def test_every_answer_is_at_most_three_bubbles_with_at_most_one_age_note() -> None:
    catalogue = real()
    asked = [(), *((a,) for a in Aspect), tuple(Aspect)]
    for service in ServiceId:
        places = [None, *(loc.id for loc in catalogue.service(service).locations)]
        for place, aspects in itertools.product(places, asked):
            question = Question(service, "", place, None, aspects)
            replies = answer(catalogue, question, TUESDAY_MORNING, staleness_days=180)
            shown = texts(replies)
            assert len(replies) <= 3, shown
            assert " ".join(shown).count("Let op") <= 1, shown
            assert "van 2015" not in " ".join(shown), shown
