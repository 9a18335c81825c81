"""Intent quality on messages the model never saw (tests/e2e/heldout.yml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sklearn.metrics import classification_report, f1_score

from tests.e2e.conftest import ARTIFACTS, Assistant

pytestmark = pytest.mark.e2e

HELDOUT = Path(__file__).with_name("heldout.yml")
MIN_MACRO_F1 = 0.90


def test_intent_macro_f1_on_held_out_messages(assistant: Assistant) -> None:
    cases = yaml.safe_load(HELDOUT.read_text())
    gold, predicted, mistakes = [], [], []
    for intent, messages in cases.items():
        for message in messages:
            guess = assistant.parse(message)["intent"]["name"]
            gold.append(intent)
            predicted.append(guess)
            if guess != intent:
                mistakes.append({"text": message, "expected": intent, "got": guess})
    assert len(gold) >= 150
    labels = sorted(cases)
    score = float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "nlu-heldout.json").write_text(
        json.dumps(
            {"macro_f1": round(score, 4), "messages": len(gold), "mistakes": mistakes},
            indent=2,
            ensure_ascii=False,
        )
    )
    report = classification_report(gold, predicted, labels=labels, zero_division=0)
    assert score >= MIN_MACRO_F1, f"macro-F1 {score:.3f}\n{report}\n{mistakes}"
