"""Logging in and out."""

from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dashboard.auth import LoginOutcome, log_in
from bot.dashboard.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    csrf_ok,
    new_csrf,
    off_loop,
    render,
    services,
    set_cookie,
    staff_page,
)

MESSAGES = {
    LoginOutcome.wrong: "Je naam of wachtwoord klopt niet.",
    LoginOutcome.locked: "Te veel foute pogingen. Wacht een kwartier en probeer opnieuw.",
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
        result = await off_loop(log_in, found.staff, found.passwords, name, password, found.clock())
        if result.account is None:
            status = 429 if result.outcome is LoginOutcome.locked else 401
            return _login_page(request, status, MESSAGES[result.outcome], name)
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
