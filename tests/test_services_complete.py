"""Every service in the catalogue is wired up: an intent with examples, a rule, a menu entry.

A new service is one content file plus its NLU; these tests name whatever else is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.loader import GENERAL_FILE, load_catalogue
from bot.content.models import Service, ServiceId
from bot.settings import PROJECT_ROOT
from bot.topics import intent_of, menu, services
from tests.helpers import CONTENT

SERVICE_FILES = sorted(p for p in CONTENT.glob("*.yml") if p.name != GENERAL_FILE)
# Fewer examples than this cannot teach DIET an intent.
MIN_EXAMPLES = 10


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def catalogue_services() -> list[Service]:
    return services(load_catalogue(CONTENT))


@pytest.mark.parametrize("path", SERVICE_FILES, ids=lambda p: p.name)
def test_service_id_is_a_service_id_and_the_file_name(path: Path) -> None:
    raw_id = load(path)["id"]
    assert raw_id in {s.value for s in ServiceId}, f"{path.name}: add {raw_id!r} to ServiceId"
    assert path.stem == raw_id


def test_every_service_id_has_a_content_file() -> None:
    assert {s.value for s in ServiceId} == {p.stem for p in SERVICE_FILES}
    assert len(catalogue_services()) == len(ServiceId)


def test_every_service_has_an_intent_with_examples() -> None:
    intents = load(PROJECT_ROOT / "domain.yml")["intents"]
    missing = []
    for service in catalogue_services():
        intent = intent_of(service)
        nlu_file = PROJECT_ROOT / "data" / "nlu" / f"{service.id.value}.yml"
        if intent not in intents:
            missing.append(f"{intent}: not in domain.yml")
        if not nlu_file.exists():
            missing.append(f"{intent}: no {nlu_file.relative_to(PROJECT_ROOT)}")
            continue
        blocks = [b for b in load(nlu_file)["nlu"] if b.get("intent") == intent]
        examples = [line for b in blocks for line in b["examples"].splitlines() if line.strip()]
        if len(examples) < MIN_EXAMPLES:
            missing.append(f"{intent}: {len(examples)} examples in {nlu_file.name}")
    assert not missing


def test_every_service_has_a_rule_that_answers_it() -> None:
    answered = {
        step["intent"]
        for rule in load(PROJECT_ROOT / "data" / "rules.yml")["rules"]
        for step, following in zip(rule["steps"], rule["steps"][1:], strict=False)
        if "intent" in step and following.get("action") == "action_answer_service"
    }
    unanswered = [intent_of(s) for s in catalogue_services() if intent_of(s) not in answered]
    assert not unanswered, f"no rule answers these with action_answer_service: {unanswered}"


def test_every_service_is_in_the_menu() -> None:
    catalogue = load_catalogue(CONTENT)
    entries = [(b.title, b.payload) for b in menu(catalogue).buttons]
    assert [(s.label, f"/{intent_of(s)}") for s in services(catalogue)] == entries[:-1]
    assert len(entries) == len(ServiceId) + 1  # and "Bel mij terug"
