"""The JSON API against its OpenAPI description: every response checked with the schema."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker, RefResolver
from openapi_spec_validator import validate_spec

from bot.dashboard.api import OPENAPI
from bot.store.repository import Status
from bot.store.sessions import ApiTokenRepository
from tests.bot.dashboard.conftest import NOW, Dashboard, new_request


def specification() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return spec


def check(response: httpx.Response, path: str, method: str) -> Any:
    """The body must match the schema the specification gives for this status code."""
    spec = specification()
    operation = spec["paths"][path][method]
    described = operation["responses"][str(response.status_code)]
    if "$ref" in described:
        described = spec["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
    schema = described["content"]["application/json"]["schema"]
    body = response.json()
    Draft202012Validator(
        schema, resolver=RefResolver.from_schema(spec), format_checker=FormatChecker()
    ).validate(body)
    return body


def api(dashboard: Dashboard, method: str, path: str, token: str | None, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.request(method, dashboard.url + path, headers=headers, **kw)


def token_for(dashboard: Dashboard, name: str = "bram") -> str:
    return ApiTokenRepository(dashboard.engine).issue(name, NOW)


def test_the_specification_is_valid_openapi() -> None:
    validate_spec(specification())


def test_served_specification_is_the_file(dashboard: Dashboard) -> None:
    response = httpx.get(dashboard.url + "/api/openapi.yaml")
    assert response.status_code == 200 and yaml.safe_load(response.text) == specification()


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_without_a_valid_token_nothing_is_shown(dashboard: Dashboard, token: str | None) -> None:
    dashboard.requests.save(new_request(), NOW)
    response = api(dashboard, "get", "/api/requests", token)
    assert response.status_code == 401 and "Bearer" in response.headers["www-authenticate"]
    check(response, "/requests", "get")


def test_list_detail_and_status_change_match_the_specification(dashboard: Dashboard) -> None:
    token = token_for(dashboard)
    first = dashboard.requests.save(new_request("k1", name=None), NOW).record
    second = dashboard.requests.save(new_request("k2", channel="telegram"), NOW).record
    dashboard.requests.add_note(first.reference, "anna", "Gebeld, geen antwoord.", NOW)

    listed = check(api(dashboard, "get", "/api/requests?limit=1", token), "/requests", "get")
    assert listed["total"] == 2 and [r["reference"] for r in listed["items"]] == [second.reference]
    only = check(
        api(dashboard, "get", "/api/requests?channel=telegram&status=nieuw", token),
        "/requests",
        "get",
    )
    assert [r["reference"] for r in only["items"]] == [second.reference]

    path = f"/api/requests/{first.reference}"
    detail = check(api(dashboard, "get", path, token), "/requests/{reference}", "get")
    assert detail["phone"] == "+32470123456" and detail["notes"][0]["author"] == "anna"

    changed = check(
        api(dashboard, "post", path + "/status", token, json={"status": "gebeld"}),
        "/requests/{reference}/status",
        "post",
    )
    assert changed["status"] == "gebeld" and changed["called_at"] is not None
    assert changed["audit"][-1]["actor"] == "bram"  # the token's staff member
    record = dashboard.requests.get(first.reference)
    assert record is not None and record.status == Status.gebeld.value


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "described"),
    [
        ("get", "/api/requests?limit=0", None, 400, ("/requests", "get")),
        ("get", "/api/requests?status=weg", None, 400, ("/requests", "get")),
        ("get", "/api/requests/MB-ZZZZ", None, 404, ("/requests/{reference}", "get")),
        (
            "post",
            "/api/requests/MB-ZZZZ/status",
            {"status": "gebeld"},
            404,
            ("/requests/{reference}/status", "post"),
        ),
    ],
)
def test_errors_match_the_specification(
    dashboard: Dashboard,
    method: str,
    path: str,
    body: dict[str, str] | None,
    status: int,
    described: tuple[str, str],
) -> None:
    token = token_for(dashboard)
    response = api(dashboard, method, path, token, **({"json": body} if body else {}))
    assert response.status_code == status
    check(response, *described)


def test_a_bad_status_body_is_refused(dashboard: Dashboard) -> None:
    token = token_for(dashboard)
    reference = dashboard.requests.save(new_request(), NOW).record.reference
    path = f"/api/requests/{reference}/status"
    for body in ({"status": "weg"}, {"toestand": "gebeld"}, ["gebeld"]):
        response = api(dashboard, "post", path, token, json=body)
        assert response.status_code == 400
        check(response, "/requests/{reference}/status", "post")


def test_a_disabled_accounts_token_stops_working(dashboard: Dashboard) -> None:
    token = token_for(dashboard)
    assert api(dashboard, "get", "/api/requests", token).status_code == 200
    dashboard.staff.set_disabled("bram", NOW)
    assert api(dashboard, "get", "/api/requests", token).status_code == 401
