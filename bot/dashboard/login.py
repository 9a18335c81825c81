"""Logging in and out."""

from __future__ import annotations

import math

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dashboard.auth import LoginOutcome
from bot.dashboard.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_address,
    csrf_ok,
    new_csrf,
    off_loop,
    render,
    services,
    set_cookie,
    staff_page,
)

# The same words and status whether the name exists or not.
MESSAGES = {
    LoginOutcome.wrong: (401, "Je naam of wachtwoord klopt niet."),
    LoginOutcome.wait: (429, "Te veel foute pogingen. Wacht even en probeer dan opnieuw."),
}


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the login page cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/verzoeken"


def _login_page(
    request: Request, status: int = 200, message: str | None = None, name: str = ""
) -> HTTPResponse:
    """The form, with a fresh token in a cookie and in the form (double submit against CSRF)."""
    token = new_csrf()
    notice = None
    if request.args.get("verlopen"):
        notice = "Je was een tijd niet actief. Log opnieuw in."
    elif request.args.get("uitgelogd"):
        notice = "Je bent uitgelogd."
    page = render(
        request,
        "login.html",
        status,
        csrf=token,
        message=message,
        notice=notice,
        name=name,
        next=safe_next(request.args.get("volgende")),
    )
    set_cookie(request, page, LOGIN_COOKIE, token)
    return page


def blueprint() -> Blueprint:
    bp = Blueprint("login")

    @bp.get("/inloggen")
    async def login_form(request: Request) -> HTTPResponse:
        return _login_page(request)

    @bp.post("/inloggen")
    async def login(request: Request) -> HTTPResponse:
        found = services(request)
        if not csrf_ok(request.cookies.get(LOGIN_COOKIE, ""), request.form.get("csrf")):
            return _login_page(request, 403, "Het formulier was verlopen. Probeer opnieuw.")
        name = (request.form.get("naam") or "").strip()
        password = request.form.get("wachtwoord") or ""
        result = await found.logins.attempt(name, password, client_address(request), found.clock())
        if result.account is None:
            status, message = MESSAGES[result.outcome]
            page = _login_page(request, status, message, name)
            if result.outcome is LoginOutcome.wait:
                page.headers["Retry-After"] = str(
                    max(1, math.ceil(result.retry_after.total_seconds()))
                )
            return page
        token = await off_loop(found.sessions.start, result.account.name, found.clock(), found.idle)
        page = response.redirect(safe_next(request.form.get("volgende")))
        set_cookie(request, page, SESSION_COOKIE, token)
        clear_cookie(request, page, LOGIN_COOKIE)
        return page

    @bp.post("/uitloggen")
    @staff_page()
    async def logout(request: Request) -> HTTPResponse:
        await off_loop(services(request).sessions.revoke, request.cookies[SESSION_COOKIE])
        page = response.redirect("/inloggen?uitgelogd=1")
        clear_cookie(request, page, SESSION_COOKIE)
        return page

    return bp
