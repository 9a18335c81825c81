"""Rasa graph component that puts the safety net and input checks into the NLU pipeline.

It runs after DIET and before the FallbackClassifier, so `/model/parse` (which
other tools read) reports `urgent_help` for a clear urgent message, and a
message without any word reports `nlu_fallback` instead of a random guess.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.content.matching import normalise
from bot.safety import detect_urgent

URGENT_INTENT = "urgent_help"
FALLBACK_INTENT = "nlu_fallback"


def override_intent(text: str) -> str | None:
    """The intent the text must get whatever the classifier says, if any."""
    if detect_urgent(text):
        return URGENT_INTENT
    if not any(c.isalpha() for c in normalise(text)):
        return FALLBACK_INTENT
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNetClassifier(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNetClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            intent_name = override_intent(text)
            if intent_name is None:
                continue
            intent = {"name": intent_name, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != intent_name]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
