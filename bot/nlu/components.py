"""Rasa graph component that puts the safety net and input checks into the NLU pipeline.

It runs after DIET and before the FallbackClassifier, so `/model/parse` (which other tools
read) reports what the assistant will do: `urgent_help` for a clear urgent message,
`other_language` for a message in another language, `out_of_scope` for a question about
money, papers or health that a service's facts must not answer, `request_callback` for
someone asking for a person, and `nlu_fallback` for a message without any word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.adjacent import find_adjacent
from bot.content.answers import place_terms
from bot.content.loader import Catalogue, CatalogueStore
from bot.content.matching import normalise
from bot.conversation import asks_for_person
from bot.language import LanguageDetector
from bot.safety import detect_urgent, may_be_urgent
from bot.settings import Settings

URGENT_INTENT = "urgent_help"
FALLBACK_INTENT = "nlu_fallback"
LANGUAGE_INTENT = "other_language"
OUT_OF_SCOPE_INTENT = "out_of_scope"
PERSON_INTENT = "request_callback"
LANGUAGE_ENTITY = "language"


@dataclass(frozen=True)
class Override:
    intent: str
    language: str | None = None


class Overrides:
    """The intent a text must get whatever the classifier says, if any (most urgent first)."""

    def __init__(self, detector: LanguageDetector, content: CatalogueStore) -> None:
        self._detector = detector
        self._content = content
        # The services' words and place names, rebuilt only when staff change the catalogue:
        # this runs for every message.
        self._words: tuple[Catalogue | None, list[str]] = (None, [])

    def __call__(self, text: str) -> Override | None:
        if detect_urgent(text):
            return Override(URGENT_INTENT)
        # Before the check for words: "مرحبا" has no Latin letters but is a greeting.
        language = self._detector.detect(text)
        if language is not None:
            return Override(LANGUAGE_INTENT, language)
        if not any(c.isalpha() for c in normalise(text)):
            return Override(FALLBACK_INTENT)
        if asks_for_person(text):
            return Override(PERSON_INTENT)
        if find_adjacent(text, self._service_words()) is not None:
            return Override(OUT_OF_SCOPE_INTENT)
        return None

    def _service_words(self) -> list[str]:
        catalogue = self._content.get()
        if self._words[0] is not catalogue:
            services = catalogue.services.values()
            self._words = (catalogue, [w for s in services for w in (*s.words, *place_terms(s))])
        return self._words[1]

    def check(self, text: str, predicted: str | None) -> Override | None:
        """The override for `text`, or a correction of what the classifier predicted.

        The classifier alone may not raise the alarm: "ik heb kleine kinderen thuis" has no
        sign of urgency at all, so it is an unclear message, not an emergency.
        """
        override = self(text)
        if override is None and predicted == URGENT_INTENT and not may_be_urgent(text):
            return Override(FALLBACK_INTENT)
        return override


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNetClassifier(GraphComponent):
    def __init__(self, overrides: Overrides) -> None:
        self._overrides = overrides

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNetClassifier:
        content = CatalogueStore(Settings.from_env().content_dir)
        names = [
            name
            for service in content.get().services.values()
            for name in (service.name, *service.words, *place_terms(service))
        ]
        return cls(Overrides(LanguageDetector(names), content))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            override = self._overrides.check(text, (message.get(INTENT) or {}).get("name"))
            if override is None:
                continue
            intent = {"name": override.intent, "confidence": 1.0}
            # The override is the only candidate: with the classifier's guesses still ranked
            # next to it, the FallbackClassifier would call a 1.0 against a 0.98 ambiguous.
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            if override.language is not None:
                entity = {
                    "entity": LANGUAGE_ENTITY,
                    "value": override.language,
                    "start": 0,
                    "end": len(text),
                    "extractor": type(self).__name__,
                }
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages
