"""Changing one fact of a stored catalogue document, and undoing such a change.

A fact is addressed by a path through the document's plain data ("locations/den_abeel/hours"):
attribute names, a location's id (not its position, which changes when one is added), a
note's position, a dictionary key. Every edit is checked against the catalogue's models
before it is stored, so a stored document is always one the assistant can serve.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.content.loader import GENERAL, ContentError
from bot.content.models import General, Service
from bot.store.content import ContentChange, Edit


class PathError(LookupError):
    """The path names nothing in the document."""


class Conflict(ValueError):
    """The fact changed again after the change that is to be undone."""


def _step(node: Any, segment: str) -> tuple[Any, Any]:
    """The container key for `segment` in `node`: a dict key, a list position, or the position
    of the list item whose id is `segment`."""
    if isinstance(node, dict) and segment in node:
        return segment, node[segment]
    if isinstance(node, list):
        if segment.isdigit() and int(segment) < len(node):
            return int(segment), node[int(segment)]
        for index, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == segment:
                return index, item
    raise PathError(segment)


def value_at(content: dict[str, Any], path: str) -> Any:
    node: Any = content
    for segment in path.split("/"):
        node = _step(node, segment)[1]
    return node


def with_value(content: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `content` with `value` at `path` (the last segment may be a new dict key)."""
    result = copy.deepcopy(content)
    *parents, last = path.split("/")
    node: Any = result
    for segment in parents:
        node = _step(node, segment)[1]
    if isinstance(node, dict):
        node[last] = copy.deepcopy(value)
    else:
        node[_step(node, last)[0]] = copy.deepcopy(value)
    return result


def model_for(document: str) -> type[BaseModel]:
    return General if document == GENERAL else Service


def check(document: str, content: dict[str, Any]) -> BaseModel:
    """The document as the assistant reads it; ContentError (`field: problem`) otherwise."""
    try:
        return model_for(document).parse_obj(content)
    except ValidationError as exc:
        raise ContentError(
            [
                ".".join(str(part) for part in error["loc"] if part != "__root__")
                + f": {error['msg']}"
                for error in exc.errors()
            ]
        ) from exc


def set_fact(document: str, path: str, value: Any) -> Callable[[dict[str, Any] | None], Edit]:
    """An edit for ContentRepository.save: `value` at `path`, checked."""

    def edit(current: dict[str, Any] | None) -> Edit:
        if current is None:
            raise PathError(document)
        before = value_at(current, path)
        content = with_value(current, path, value)
        check(document, content)
        return Edit(path, before, value, content)

    return edit


def undo(change: ContentChange) -> Callable[[dict[str, Any] | None], Edit]:
    """An edit that puts back what `change` replaced, refused when the fact has changed since
    (undoing would silently throw away the later change)."""

    def edit(current: dict[str, Any] | None) -> Edit:
        if current is None:
            raise PathError(change.document)
        if not change.path:
            if current != change.after:
                raise Conflict(change.document)
            if change.before is None:
                raise Conflict(change.document)
            check(change.document, change.before)
            return Edit(change.path, current, change.before, change.before)
        if value_at(current, change.path) != change.after:
            raise Conflict(change.path)
        content = with_value(current, change.path, change.before)
        check(change.document, content)
        return Edit(change.path, change.after, change.before, content)

    return edit
