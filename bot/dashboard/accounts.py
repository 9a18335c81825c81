"""Account management for admins: add, disable and enable staff accounts, and say who may
change the content."""

from __future__ import annotations

import re

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dashboard.auth import MIN_PASSWORD_LENGTH, WeakPassword
from bot.dashboard.web import actor, off_loop, render, services, staff_page
from bot.store.staff import Role, StaffExists

NAME = re.compile(r"^[\w.\- ]{2,60}$")
# Shown after a change; the query string carries only the key, never text.
DONE = {
    "toegevoegd": "Account toegevoegd.",
    "uitgeschakeld": "Account uitgeschakeld. Die persoon is meteen uitgelogd.",
    "ingeschakeld": "Account weer ingeschakeld.",
    "inhoud-toegestaan": "Die persoon mag nu de inhoud wijzigen.",
    "inhoud-ingetrokken": "Die persoon mag de inhoud niet meer wijzigen.",
}


def blueprint() -> Blueprint:
    bp = Blueprint("accounts")

    async def page(request: Request, status: int = 200, message: str | None = None) -> HTTPResponse:
        found = services(request)
        return render(
            request,
            "accounts.html",
            status,
            accounts=await off_loop(found.staff.all),
            events=await off_loop(found.requests.events),
            min_length=MIN_PASSWORD_LENGTH,
            message=message,
        )

    @bp.get("/accounts")
    @staff_page(admin=True)
    async def accounts(request: Request) -> HTTPResponse:
        return await page(request, message=DONE.get(request.args.get("bericht", "")))

    @bp.post("/accounts")
    @staff_page(admin=True)
    async def add(request: Request) -> HTTPResponse:
        found = services(request)
        name = (request.form.get("naam") or "").strip()
        password = request.form.get("wachtwoord") or ""
        role = request.form.get("rol") or ""
        if not NAME.match(name) or role not in {r.value for r in Role}:
            return await page(request, 400, "Geef een naam (2 tot 60 tekens) en een rol.")
        try:
            password_hash = await off_loop(found.passwords.hash, password)
            await off_loop(found.staff.add, name, Role(role), password_hash, found.clock())
        except WeakPassword:
            return await page(
                request, 400, f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben."
            )
        except StaffExists:
            return await page(request, 400, "Die naam bestaat al.")
        await off_loop(
            found.requests.record_event,
            actor(request),
            "account toegevoegd",
            found.clock(),
            f"{name} ({role})",
        )
        return response.redirect("/accounts?bericht=toegevoegd", status=303)

    @bp.post("/accounts/<name:str>/<change:(uitschakelen|inschakelen)>")
    @staff_page(admin=True)
    async def toggle(request: Request, name: str, change: str) -> HTTPResponse:
        found = services(request)
        if name == actor(request):
            return await page(request, 400, "Je kan je eigen account niet uitschakelen.")
        now = found.clock()
        disable = change == "uitschakelen"
        if not await off_loop(found.staff.set_disabled, name, now if disable else None):
            return await page(request, 404, "Dat account bestaat niet.")
        if disable:
            await off_loop(found.sessions.revoke_all, name)
            await off_loop(found.tokens.revoke_all, name)
        await off_loop(
            found.requests.record_event,
            actor(request),
            "account uitgeschakeld" if disable else "account ingeschakeld",
            now,
            name,
        )
        done = "uitgeschakeld" if disable else "ingeschakeld"
        return response.redirect(f"/accounts?bericht={done}", status=303)

    @bp.post("/accounts/<name:str>/<change:(inhoud-toestaan|inhoud-intrekken)>")
    @staff_page(admin=True)
    async def content_permission(request: Request, name: str, change: str) -> HTTPResponse:
        found = services(request)
        allowed = change == "inhoud-toestaan"
        if not await off_loop(found.staff.set_can_edit_content, name, allowed):
            return await page(request, 404, "Dat account bestaat niet.")
        await off_loop(
            found.requests.record_event,
            actor(request),
            "mag inhoud wijzigen" if allowed else "mag inhoud niet meer wijzigen",
            found.clock(),
            name,
        )
        done = "inhoud-toegestaan" if allowed else "inhoud-ingetrokken"
        return response.redirect(f"/accounts?bericht={done}", status=303)

    return bp
