"""Odd input and a broken database: a short Dutch answer (or the API's JSON), never a 500."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from bot.dashboard.app import DATABASE_DOWN
from bot.dashboard.web import MAX_PAGE
from bot.store.sessions import ApiTokenRepository
from tests.bot.dashboard.conftest import NOW, PASSWORD, Dashboard, Visitor, new_request
from tests.bot.dashboard.test_api import check

BAD_NUMBERS = ["²", "٣", "99999999999999999999", "-1", "abc", "0", "1.5", " 1", "1e3", "0x10"]


def logged_in(dashboard: Dashboard) -> Visitor:
    visitor = dashboard.visitor()
    assert visitor.log_in("bram").status_code == 302
    return visitor


def api(dashboard: Dashboard, path: str, **kwargs: Any) -> httpx.Response:
    token = ApiTokenRepository(dashboard.engine).issue("bram", NOW)
    return httpx.get(dashboard.url + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_bad_page_numbers_are_refused_with_400(dashboard: Dashboard) -> None:
    visitor = logged_in(dashboard)
    for number in [*BAD_NUMBERS, str(MAX_PAGE + 1)]:
        response = visitor.get("/verzoeken", params={"pagina": number})
        assert response.status_code == 400, number
        assert f"Een paginanummer is een getal van 1 tot {MAX_PAGE}." in response.text
    for number in ("1", "2", str(MAX_PAGE)):
        assert visitor.get("/verzoeken", params={"pagina": number}).status_code == 200


@pytest.mark.parametrize("name", ["limit", "offset"])
def test_bad_api_numbers_are_refused_with_400(dashboard: Dashboard, name: str) -> None:
    for number in [*(n for n in BAD_NUMBERS if not (name == "offset" and n == "0")), "20000001"]:
        response = api(dashboard, "/api/requests", params={name: number})
        assert response.status_code == 400, number
        check(response, "/requests", "get")
    assert api(dashboard, "/api/requests", params={"offset": "20000000"}).status_code == 200


def test_only_known_channels_are_offered_filtered_and_shown(dashboard: Dashboard) -> None:
    odd = dashboard.requests.save(new_request("k1", channel="=HYPERLINK(1)"), NOW).record
    web = dashboard.requests.save(new_request("k2"), NOW).record
    visitor = logged_in(dashboard)
    inbox = visitor.get("/verzoeken").text
    options = inbox[inbox.index('id="f-kanaal"') :].split("</select>")[0]
    assert [line.split('"')[1] for line in options.splitlines() if "<option" in line] == [
        "",
        "web",
        "telegram",
        "sms",
    ]
    assert "HYPERLINK" not in inbox and "via anders" in inbox
    # An unknown channel in the query string is ignored rather than matched.
    assert odd.reference in visitor.get("/verzoeken?kanaal==HYPERLINK(1)").text
    assert odd.reference not in visitor.get("/verzoeken?kanaal=web").text
    assert "<dt>Kanaal</dt><dd>anders</dd>" in visitor.get(f"/verzoeken/{odd.reference}").text
    listed = check(api(dashboard, "/api/requests"), "/requests", "get")
    assert {item["channel"] for item in listed["items"]} == {"anders", "web"}
    refused = api(dashboard, "/api/requests", params={"channel": "rest"})
    assert refused.status_code == 400
    check(refused, "/requests", "get")
    only = check(api(dashboard, "/api/requests?channel=web"), "/requests", "get")
    assert [item["reference"] for item in only["items"]] == [web.reference]


def test_odd_references_and_filter_text_never_reach_the_database(dashboard: Dashboard) -> None:
    visitor = logged_in(dashboard)
    for reference in ("MB-%00AAA", "x" * 5000, "MB-aaaa", "MB-%C2%B2AAA"):
        assert visitor.get(f"/verzoeken/{reference}").status_code == 404
        response = api(dashboard, f"/api/requests/{reference}")
        assert response.status_code == 404
        check(response, "/requests/{reference}", "get")
    assert visitor.get("/verzoeken", params={"onderwerp": "a\x00b"}).status_code == 200
    response = api(dashboard, "/api/requests", params={"topic": "a\x00b"})
    assert response.status_code == 400
    check(response, "/requests", "get")


def read_only(dashboard: Dashboard) -> None:
    """Every connection of the running dashboard refuses to write, as SQLite does for a file
    it may not write (tests run as root, for whom chmod changes nothing)."""
    engine = dashboard.app.ctx.engine

    @event.listens_for(engine, "connect")
    def _query_only(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA query_only=ON")

    engine.dispose()


def gone(dashboard: Dashboard, tmp_path: Path) -> None:
    """The database file is replaced by a directory: nothing can be opened."""
    database = tmp_path / "hulpbot.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    database.mkdir()
    dashboard.app.ctx.engine.dispose()


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert DATABASE_DOWN in response.text and "Traceback" not in response.text
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("breakage", ["read-only", "gone"])
def test_a_broken_database_gives_503_on_login_pages_and_the_api(
    dashboard: Dashboard, tmp_path: Path, breakage: str, caplog: pytest.LogCaptureFixture
) -> None:
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    token = ApiTokenRepository(dashboard.engine).issue("bram", NOW)
    staff = logged_in(dashboard)
    staff.get(f"/verzoeken/{reference}")
    if breakage == "read-only":
        read_only(dashboard)
    else:
        gone(dashboard, tmp_path)

    visitor = dashboard.visitor()
    assert visitor.get("/inloggen").status_code == 200  # the form itself needs no database
    assert_unavailable(visitor.post("/inloggen", {"naam": "bram", "wachtwoord": PASSWORD}))
    visitor.get("/inloggen")
    assert_unavailable(visitor.post("/inloggen", {"naam": "bram", "wachtwoord": "fout fout fout"}))
    assert_unavailable(staff.post(f"/verzoeken/{reference}/status", {"status": "gebeld"}))
    assert_unavailable(staff.get("/verzoeken"))
    response = httpx.get(
        dashboard.url + "/api/requests", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 503 and "Traceback" not in response.text
    check(response, "/requests", "get")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Database unavailable" in logged and "+32470123456" not in logged


def test_the_database_coming_back_needs_no_restart(dashboard: Dashboard, tmp_path: Path) -> None:
    database = tmp_path / "hulpbot.db"
    copy = tmp_path / "copy.db"
    shutil.copy(database, copy)
    gone(dashboard, tmp_path)
    visitor = dashboard.visitor()
    assert_unavailable(visitor.log_in("bram"))
    database.rmdir()
    shutil.copy(copy, database)
    assert visitor.log_in("bram").status_code == 302
