"""The service catalogue in the database: every change kept, so each can be shown and undone.

One row per change holds the whole document after it, so the newest row of a document is
its current content and any older state can be read back. Several processes (action
servers, the dashboard) read the same rows, so an edit reaches them all without a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.store.tables import audit_event, content_change

# Two writers who read the same newest version: the second one's insert fails on the
# unique (document, version) pair and it starts again from the new state.
SAVE_ATTEMPTS = 5
IMPORT_PATH = ""


@dataclass(frozen=True)
class Edit:
    """What an edit made of a document: the changed fact before and after, and the result."""

    path: str
    before: Any
    after: Any
    content: dict[str, Any]


@dataclass(frozen=True)
class ContentChange:
    id: int
    document: str
    version: int
    path: str
    before: Any
    after: Any
    author: str
    created_at: datetime
    undoes: int | None

    @classmethod
    def of(cls, row: Row) -> ContentChange:
        return cls(
            row.id,
            row.document,
            row.version,
            row.path,
            _load(row.before),
            _load(row.after),
            row.author,
            row.created_at,
            row.undoes,
        )


class NothingChanged(ValueError):
    """The edit leaves the document as it is: no new version."""


def _audit(connection: Connection, change: ContentChange, label: str | None) -> None:
    action = "inhoud teruggezet" if change.undoes is not None else "inhoud gewijzigd"
    what = label or f"{change.document}: {change.path or 'alles'}"
    connection.execute(
        insert(audit_event).values(
            created_at=change.created_at,
            actor=change.author,
            action=action,
            detail=f"{what} (versie {change.version})"[:500],
        )
    )


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class ContentRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def latest_id(self) -> int | None:
        """The newest change; a cheap check whether anything changed since the last read."""
        with self._engine.connect() as connection:
            found: int | None = connection.execute(select(func.max(content_change.c.id))).scalar()
        return found

    def documents(self) -> tuple[int | None, dict[str, dict[str, Any]]]:
        """The newest change id and the current content of every document, read together."""
        newest = (
            select(content_change.c.document, func.max(content_change.c.version).label("version"))
            .group_by(content_change.c.document)
            .subquery()
        )
        query = select(
            content_change.c.id, content_change.c.document, content_change.c.content
        ).join(
            newest,
            (content_change.c.document == newest.c.document)
            & (content_change.c.version == newest.c.version),
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        latest = max((row.id for row in rows), default=None)
        return latest, {row.document: json.loads(row.content) for row in rows}

    def save(
        self,
        document: str,
        edit: Callable[[dict[str, Any] | None], Edit],
        author: str,
        now: datetime,
        undoes: int | None = None,
        audit: bool = True,
        label: str | None = None,
    ) -> ContentChange:
        """Apply `edit` to the current content of `document` and store the result as its next
        version, audited. `edit` sees the newest content (None for a new document) and raises
        to refuse; when another writer got in first it runs again on their result. `label`
        names the fact in the audit log the way staff read it ("Den Abeel: openingsuren")."""
        for _attempt in range(SAVE_ATTEMPTS):
            try:
                with self._engine.begin() as connection:
                    change = self._save(connection, document, edit, author, now, undoes)
                    if audit:
                        _audit(connection, change, label)
                    return change
            except IntegrityError:
                continue
        raise RuntimeError(f"content document {document!r} kept changing while saving")

    def _save(
        self,
        connection: Connection,
        document: str,
        edit: Callable[[dict[str, Any] | None], Edit],
        author: str,
        now: datetime,
        undoes: int | None,
    ) -> ContentChange:
        current = connection.execute(
            select(content_change.c.version, content_change.c.content)
            .where(content_change.c.document == document)
            .order_by(content_change.c.version.desc())
            .limit(1)
        ).first()
        content = None if current is None else json.loads(current.content)
        edited = edit(content)
        if edited.content == content:
            raise NothingChanged(document)
        version = 1 if current is None else current.version + 1
        values = {
            "document": document,
            "version": version,
            "path": edited.path,
            "before": _dump(edited.before),
            "after": _dump(edited.after),
            "content": _dump(edited.content),
            "author": author,
            "created_at": now,
            "undoes": undoes,
        }
        new_id = connection.execute(insert(content_change).values(**values)).inserted_primary_key[0]
        return ContentChange(
            new_id,
            document,
            version,
            edited.path,
            edited.before,
            edited.after,
            author,
            now,
            undoes,
        )

    def import_documents(
        self,
        documents: Mapping[str, dict[str, Any]],
        author: str,
        now: datetime,
        audit: bool = True,
    ) -> list[str]:
        """Store each document that differs from its current version; the documents changed.
        The automatic first import is not audited: nobody did anything."""
        changed = []
        for key, content in documents.items():

            def replace(current: dict[str, Any] | None, content: dict[str, Any] = content) -> Edit:
                return Edit(IMPORT_PATH, current, content, content)

            try:
                self.save(key, replace, author, now, audit=audit)
            except NothingChanged:
                continue
            changed.append(key)
        return changed

    def change(self, change_id: int) -> ContentChange | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(content_change).where(content_change.c.id == change_id)
            ).first()
        return None if row is None else ContentChange.of(row)

    def history(
        self, document: str | None = None, path: str | None = None, limit: int = 50
    ) -> list[ContentChange]:
        """Changes, newest first; of one document, or of one fact in it."""
        query = select(content_change).order_by(content_change.c.id.desc()).limit(limit)
        if document is not None:
            query = query.where(content_change.c.document == document)
        if path is not None:
            query = query.where(content_change.c.path == path)
        with self._engine.connect() as connection:
            return [ContentChange.of(row) for row in connection.execute(query)]
