"""Inhoud: the facts the assistant tells residents, what is missing or old, and their editing."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from bot.content.review import review
from bot.dashboard.web import render, services, staff_page


def blueprint() -> Blueprint:
    bp = Blueprint("content")

    @bp.get("/inhoud")
    @staff_page()
    async def content(request: Request) -> HTTPResponse:
        found = services(request)
        catalogue = await found.catalogue.current()
        rows = review(catalogue, found.clock().date(), found.settings.staleness_days)
        return render(
            request,
            "content.html",
            rows=rows,
            stale=sum(r.stale for r in rows),
            staleness_days=found.settings.staleness_days,
        )

    return bp
