"""Inhoud: the facts the assistant tells residents, what is missing or old, and their editing.

Each fact has its own page (/inhoud/<document>/<path>, the path as bot.content.editing reads
it) with a form for its kind, a preview of the replies residents would get, and its history
with undo. Every change is stored as a new version, audited, and reaches the residents
within seconds: this process at once, others at their next poll.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any
from urllib.parse import quote

from sanic import Blueprint, Request, response
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from bot.content.editing import Conflict, PathError, set_fact, undo, value_at
from bot.content.forms import (
    Form,
    Kind,
    checked_today,
    describe,
    differences,
    form_for,
    kind_of,
    read_form,
)
from bot.content.loader import ContentError
from bot.content.preview import Example, edited_catalogue, examples
from bot.content.review import FactRow, review, todo
from bot.content.sources import is_link, source_text
from bot.dashboard.web import Services, actor, off_loop, render, services, staff_page
from bot.store.content import ContentChange, Edit, NothingChanged

# Shown after a change; the query string carries only the key, never text.
DONE = {
    "opgeslagen": "Opgeslagen. Inwoners krijgen het nieuwe antwoord binnen enkele seconden.",
    "nagekeken": "Nagekeken op vandaag. Dank je.",
    "ongedaan": "De wijziging is ongedaan gemaakt.",
    "niets": "Er is niets veranderd. Er is dus ook niets opgeslagen.",
}
CHANGED_MEANWHILE = (
    "Iemand anders heeft dit feit intussen gewijzigd. Kijk de nieuwe versie na en probeer "
    "het opnieuw. Wat je typte, staat nog in het formulier."
)
CANNOT_UNDO = (
    "Dit kan je niet meer ongedaan maken: het feit is daarna nog gewijzigd. Pas het feit "
    "hieronder aan als het nodig is."
)
UNREADABLE = "De hulpbot kan dit zo niet gebruiken. Kijk de velden na en probeer opnieuw."
# The hidden field with a fingerprint of the fact as the form showed it.
SHOWN = "versie"
RECENT_CHANGES = 10


def fingerprint(value: Any) -> str:
    """A short fingerprint of a stored fact: did it change since the form was shown?"""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def age_text(days: int) -> str:
    """How old a check is, in the unit people use for it: "3 weken", "11 jaar"."""
    if days >= 730:
        return f"{days // 365} jaar"
    if days >= 60:
        return f"{days // 30} maanden"
    return f"{days} dagen"


def fact_url(document: str, path: str) -> str:
    return f"/inhoud/{quote(document)}/{quote(path)}"


@dataclass(frozen=True)
class StoredFact:
    document: str
    path: str
    documents: dict[str, dict[str, Any]]
    value: dict[str, Any]
    kind: Kind
    row: FactRow | None

    @property
    def title(self) -> str:
        if self.row is None:
            return self.path
        place = self.row.place[:1].upper() + self.row.place[1:]
        return f"{place}: {self.row.field}"


async def _rows(found: Services) -> list[FactRow]:
    catalogue = await found.catalogue.current()
    return review(catalogue, _today(found), found.settings.staleness_days)


async def _stored(found: Services, document: str, path: str) -> StoredFact:
    """The fact at `path` as stored now; NotFound when there is none."""
    _version, documents = await off_loop(found.content.documents)
    try:
        value = value_at(documents[document], path)
    except (KeyError, PathError):
        raise NotFound("Dit feit bestaat niet.") from None
    if not isinstance(value, dict) or "source" not in value or "checked" not in value:
        raise NotFound("Dit feit bestaat niet.")
    rows = await _rows(found)
    row = next((r for r in rows if (r.document, r.path) == (document, path)), None)
    return StoredFact(document, path, documents, value, kind_of(path, value), row)


def _today(found: Services) -> date:
    return found.clock().astimezone(found.settings.timezone).date()


def _unchanged_since(
    document: str, path: str, shown: str | None, value: Any
) -> Callable[[dict[str, Any] | None], Edit]:
    """set_fact, refused (Conflict) when the fact is no longer what the form showed."""

    def edit(current: dict[str, Any] | None) -> Edit:
        if shown and current is not None and fingerprint(value_at(current, path)) != shown:
            raise Conflict(path)
        return set_fact(document, path, value)(current)

    return edit


def _checked_today(
    document: str, path: str, today: date
) -> Callable[[dict[str, Any] | None], Edit]:
    """The newest version of the fact, with today as its check date and nothing else changed."""

    def edit(current: dict[str, Any] | None) -> Edit:
        if current is None:
            raise PathError(document)
        return set_fact(document, path, checked_today(value_at(current, path), today))(current)

    return edit


def _labels(rows: list[FactRow]) -> dict[tuple[str, str], FactRow]:
    return {(row.document, row.path): row for row in rows}


def blueprint() -> Blueprint:
    bp = Blueprint("content")

    @bp.get("/inhoud")
    @staff_page()
    async def content(request: Request) -> HTTPResponse:
        found = services(request)
        rows = await _rows(found)
        changes = await off_loop(found.content.history, None, None, RECENT_CHANGES)
        return render(
            request,
            "content.html",
            todo=todo(rows),
            total=len(rows),
            staleness_days=found.settings.staleness_days,
            changes=changes,
            labels=_labels(rows),
            fact_url=fact_url,
            age_text=age_text,
            source_text=source_text,
            is_link=is_link,
            message=DONE.get(request.args.get("bericht", "")),
        )

    async def page(
        request: Request,
        fact: StoredFact,
        form: Form | None = None,
        *,
        status: int = 200,
        error: str | None = None,
        shown: str | None = None,
        preview: list[Example] | None = None,
    ) -> HTTPResponse:
        found = services(request)
        history = await off_loop(found.content.history, fact.document, fact.path)
        return render(
            request,
            "content_fact.html",
            status,
            fact=fact,
            url=fact_url(fact.document, fact.path),
            current=describe(fact.kind, fact.value),
            form=form or form_for(fact.kind, fact.value, _today(found)),
            shown=shown or fingerprint(fact.value),
            today=_today(found),
            preview=preview,
            history=[(change, _undoable(change, fact)) for change in history],
            differences=lambda change: differences(fact.kind, change.before, change.after),
            is_link=is_link,
            message=DONE.get(request.args.get("bericht", "")),
            error=error,
            Kind=Kind,
        )

    @bp.get("/inhoud/<document:str>/<path:path>")
    @staff_page(content=True)
    async def fact_page(request: Request, document: str, path: str) -> HTTPResponse:
        return await page(request, await _stored(services(request), document, path))

    @bp.post("/inhoud/<document:str>/<path:path>")
    @staff_page(content=True)
    async def change_fact(request: Request, document: str, path: str) -> HTTPResponse:
        found = services(request)
        fact = await _stored(found, document, path)
        action = request.form.get("actie") or "opslaan"
        if action == "nagekeken":
            try:
                return await _save(request, fact, _checked_today(document, path, _today(found)))
            except ContentError:
                return await page(request, fact, status=400, error=UNREADABLE)
        if action == "ongedaan":
            return await _undo(request, fact)
        submitted = {name: request.form.get(name) or "" for name in request.form}
        shown = request.form.get(SHOWN)
        form, value = read_form(fact.kind, submitted, fact.value, _today(found))
        if action == "extra":
            form.errors = {}
            form.add_row()
            return await page(request, fact, form, shown=shown)
        if value is None:
            return await page(request, fact, form, status=400, shown=shown)
        if action == "bekijk":
            try:
                shown_examples = await off_loop(_examples, found, fact, value)
            except ContentError:
                return await page(request, fact, form, status=400, error=UNREADABLE, shown=shown)
            return await page(request, fact, form, shown=shown, preview=shown_examples)
        edit = _unchanged_since(document, path, shown, value)
        try:
            return await _save(request, fact, edit)
        except Conflict:
            return await page(request, fact, form, status=409, error=CHANGED_MEANWHILE)
        except ContentError:
            return await page(request, fact, form, status=400, error=UNREADABLE, shown=shown)

    async def _save(
        request: Request,
        fact: StoredFact,
        edit: Callable[[dict[str, Any] | None], Edit],
        undoes: int | None = None,
    ) -> HTTPResponse:
        """Store the edit as the fact's next version; Conflict and ContentError go through."""
        found = services(request)
        back = request.form.get("terug")
        target = "/inhoud" if back == "lijst" else fact_url(fact.document, fact.path)
        try:
            await off_loop(
                partial(found.content.save, label=fact.title),
                fact.document,
                edit,
                actor(request),
                found.clock(),
                undoes,
            )
        except NothingChanged:
            return response.redirect(f"{target}?bericht=niets", status=303)
        found.catalogue.invalidate()
        done = request.form.get("actie")
        key = {"nagekeken": "nagekeken", "ongedaan": "ongedaan"}.get(done or "", "opgeslagen")
        return response.redirect(f"{target}?bericht={key}", status=303)

    async def _undo(request: Request, fact: StoredFact) -> HTTPResponse:
        found = services(request)
        raw = request.form.get("wijziging") or ""
        change = None
        if raw.isascii() and raw.isdigit() and len(raw) < 12:
            change = await off_loop(found.content.change, int(raw))
        if change is None or (change.document, change.path) != (fact.document, fact.path):
            raise NotFound("Deze wijziging bestaat niet.")
        try:
            return await _save(request, fact, undo(change), change.id)
        except (Conflict, ContentError):
            return await page(request, fact, status=409, error=CANNOT_UNDO)

    return bp


def _undoable(change: ContentChange, fact: StoredFact) -> bool:
    """Only a change whose result is still the fact can be undone without losing a later one."""
    return bool(change.path) and change.after == fact.value


def _examples(found: Services, fact: StoredFact, value: Mapping[str, Any]) -> list[Example]:
    catalogue = edited_catalogue(fact.documents, fact.document, fact.path, value)
    now = found.clock().astimezone(found.settings.timezone)
    return examples(catalogue, fact.document, fact.path, now, found.settings.staleness_days)
