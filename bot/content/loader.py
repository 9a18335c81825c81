"""Load and validate the catalogue, and reload it when a file changes.

Staff edit YAML by hand, so a mistake must point at the file, line and field.
A broken edit must never take the assistant down: the running store keeps
serving the last good catalogue and logs what is wrong.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from bot.content.models import General, Service, ServiceId

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
GENERAL = "general"
GENERAL_FILE = f"{GENERAL}.yml"
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
    problems: list[str] = []
    parsed: dict[str, BaseModel | None] = {}
    for path in sorted(directory.glob("*.yml")):
        data = _read_yaml(path, problems)
        if data is not None:
            parsed[str(path)] = _parse(str(path), data, _model_for(path.name), problems)
    return _assemble(parsed, problems, str(directory), str(directory / GENERAL_FILE))


def read_documents(directory: Path) -> dict[str, dict[str, Any]]:
    """The YAML files as plain data (dates as ISO text), keyed by document: "general" or the
    service id. Checked first, so only a valid catalogue is ever imported."""
    load_catalogue(directory)
    problems: list[str] = []
    documents = {}
    for path in sorted(directory.glob("*.yml")):
        data = _read_yaml(path, problems)
        assert data is not None
        documents[GENERAL if path.name == GENERAL_FILE else str(data["id"])] = plain(data)
    return documents


def write_documents(documents: Mapping[str, Mapping[str, Any]], directory: Path) -> list[Path]:
    """Each document as `<key>.yml`, dates written as YAML dates, for review in git."""
    directory.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100  # type: ignore[assignment]
    written = []
    for key, data in sorted(documents.items()):
        path = directory / f"{key}.yml"
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(_dated(data), out)
        written.append(path)
    return written


def _dated(value: Any) -> Any:
    """ISO date text back to dates, so the YAML reads `checked: 2026-11-23`, unquoted."""
    if isinstance(value, dict):
        return {_dated(key): _dated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dated(item) for item in value]
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return date.fromisoformat(value)
    return value


def catalogue_from_documents(documents: Mapping[str, Mapping[str, Any]]) -> Catalogue:
    """The catalogue from stored documents; problems are named `document: field: problem`."""
    problems: list[str] = []
    parsed = {
        key: _parse(key, data, General if key == GENERAL else Service, problems)
        for key, data in documents.items()
    }
    return _assemble(parsed, problems, "content", GENERAL)


def document_key(model: General | Service) -> str:
    return GENERAL if isinstance(model, General) else model.id.value


def plain(value: Any) -> Any:
    """YAML data as JSON can hold it: plain dicts and lists, dates as ISO text."""
    if isinstance(value, dict):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def _model_for(file_name: str) -> type[BaseModel]:
    return General if file_name == GENERAL_FILE else Service


def _assemble(
    parsed: Mapping[str, BaseModel | None], problems: list[str], where: str, general_name: str
) -> Catalogue:
    services: dict[ServiceId, Service] = {}
    general: General | None = None
    for name, model in parsed.items():
        if isinstance(model, General):
            general = model
        elif isinstance(model, Service):
            if model.id in services:
                problems.append(f"{name}: service {model.id.value!r} is defined twice")
            services[model.id] = model
    if general is None and not any(p.startswith(general_name) for p in problems):
        problems.append(f"{general_name}: file is missing")
    missing = set(ServiceId) - set(services)
    if missing and not problems:
        problems.append(f"{where}: no file for service(s) {sorted(m.value for m in missing)}")
    if problems:
        raise ContentError(problems)
    assert general is not None
    return Catalogue(services=services, general=general)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        problems.append(f"{path}:{line}: YAML error: {exc.problem}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}:1: the file must hold a mapping of fields")
        return None
    return data


def _parse(name: str, data: Any, model: type[BaseModel], problems: list[str]) -> BaseModel | None:
    """`data` as `model`; each problem names `name`, the line (for YAML) and the field."""
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [part for part in error["loc"] if part != "__root__"]
            field = ".".join(str(part) for part in loc) or "(file)"
            line = _line_of(data, loc)
            where = f"{name}:{line}" if line else name
            problems.append(f"{where}: {field}: {error['msg']}")
        return None


def _line_of(node: Any, loc: Iterable[Any]) -> int:
    """The 1-based line of the deepest part of `loc` that exists in the YAML tree (0 for data
    that did not come from a file)."""
    if getattr(node, "lc", None) is None:
        return 0
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
