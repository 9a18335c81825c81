"""Load and validate the catalogue, and reload it when a file changes.

Staff edit YAML by hand, so a mistake must point at the file, line and field.
A broken edit must never take the assistant down: the running store keeps
serving the last good catalogue and logs what is wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from bot.content.models import General, Service, ServiceId

log = logging.getLogger(__name__)

GENERAL_FILE = "general.yml"
Signature = tuple[tuple[str, int, int], ...]


class ContentError(ValueError):
    """The catalogue has mistakes; each line of the message is `file:line: field: problem`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Catalogue:
    services: dict[ServiceId, Service]
    general: General

    def service(self, service_id: ServiceId | str) -> Service:
        return self.services[ServiceId(service_id)]


def load_catalogue(directory: Path) -> Catalogue:
    files = sorted(directory.glob("*.yml"))
    problems: list[str] = []
    services: dict[ServiceId, Service] = {}
    general: General | None = None
    for path in files:
        model: type[BaseModel] = General if path.name == GENERAL_FILE else Service
        parsed = _parse_file(path, model, problems)
        if isinstance(parsed, General):
            general = parsed
        elif isinstance(parsed, Service):
            if parsed.id in services:
                problems.append(f"{path}: service {parsed.id.value!r} is defined twice")
            services[parsed.id] = parsed
    if general is None and not any(p.startswith(str(directory / GENERAL_FILE)) for p in problems):
        problems.append(f"{directory / GENERAL_FILE}: file is missing")
    missing = set(ServiceId) - set(services)
    if missing and not problems:
        problems.append(f"{directory}: no file for service(s) {sorted(m.value for m in missing)}")
    if problems:
        raise ContentError(problems)
    assert general is not None
    return Catalogue(services=services, general=general)


def _parse_file(path: Path, model: type[BaseModel], problems: list[str]) -> BaseModel | None:
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        problems.append(f"{path}:{line}: YAML error: {exc.problem}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}:1: the file must hold a mapping of fields")
        return None
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [part for part in error["loc"] if part != "__root__"]
            field = ".".join(str(part) for part in loc) or "(file)"
            problems.append(f"{path}:{_line_of(data, loc)}: {field}: {error['msg']}")
        return None


def _line_of(node: Any, loc: Iterable[Any]) -> int:
    """The 1-based line of the deepest part of `loc` that exists in the YAML tree."""
    line = 0
    for part in loc:
        lc = getattr(node, "lc", None)
        if isinstance(node, dict) and part in node and lc is not None:
            line = lc.key(part)[0]
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node) and lc:
            line = lc.item(part)[0]
            node = node[part]
        else:
            break
    return line + 1


class CatalogueStore:
    """Serves the newest valid catalogue, re-reading the files only when they change."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._signature: Signature | None = None
        self._catalogue: Catalogue | None = None

    def _current_signature(self) -> Signature:
        stats = ((p.name, p.stat()) for p in sorted(self._directory.glob("*.yml")))
        return tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)

    def get(self) -> Catalogue:
        signature = self._current_signature()
        if signature != self._signature or self._catalogue is None:
            self._reload(signature)
        assert self._catalogue is not None
        return self._catalogue

    async def current(self) -> Catalogue:
        """Like `get`, but parses changed files off the event loop."""
        signature = self._current_signature()
        if signature != self._signature or self._catalogue is None:
            await asyncio.to_thread(self._reload, signature)
        assert self._catalogue is not None
        return self._catalogue

    def _reload(self, signature: Signature) -> None:
        try:
            catalogue = load_catalogue(self._directory)
        except ContentError as exc:
            if self._catalogue is None:
                raise
            log.error("Catalogue change rejected, still serving the previous version:\n%s", exc)
        else:
            self._catalogue = catalogue
            log.info("Catalogue loaded from %s", self._directory)
        self._signature = signature
