"""Every text a resident can read is checked for plain Dutch (B1 or simpler).

The texts are rendered, not sampled: all responses in domain.yml and everything
the actions can build from the catalogue, for every service, place, day and
sub-question, with known and unknown opening hours.

No sentence may be longer than 20 words, and sentences average at most 12 words
over all texts together. The Flesch-Douma score must be 60 or more for all texts
together and for every message of at least 10 words; on a shorter message the
formula says nothing (the label "Sociaal Huis" alone scores 51). Button labels
are short labels, not sentences: they may have at most 5 words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import textstat
import yaml

from bot import callback as cb
from bot.adjacent import TOPICS as ADJACENT_TOPICS
from bot.adjacent import adjacent_reply
from bot.apology import apology_text
from bot.channels import sms, telegram
from bot.channels.text import TRIMMED
from bot.content.answers import (
    DAY_TERMS,
    Aspect,
    Question,
    Reply,
    answer,
    contact_reply,
)
from bot.content.loader import Catalogue, load_catalogue
from bot.content.models import ServiceId
from bot.conversation import (
    HELP,
    NOT_UNDERSTOOD,
    OTHER,
    STILL_NOT_UNDERSTOOD,
    Reading,
    out_of_scope_replies,
    which_service,
)
from bot.safety import UNKNOWN_ORDER, urgent_replies
from bot.settings import PROJECT_ROOT
from bot.topics import menu, topic_names
from tests.helpers import content_copy

MAX_WORDS = 20
MAX_AVERAGE = 12
MIN_FLESCH_DOUMA = 60
MIN_WORDS_FOR_SCORE = 10
MAX_BUTTON_WORDS = 5

BRUSSELS = ZoneInfo("Europe/Brussels")
MOMENTS = [
    datetime(2026, 11, 24, 10, 0, tzinfo=BRUSSELS),  # a Tuesday morning
    datetime(2026, 11, 27, 21, 0, tzinfo=BRUSSELS),  # Friday night
    datetime(2026, 4, 5, 12, 0, tzinfo=BRUSSELS),  # Easter Sunday, Easter Monday tomorrow
]
CALLBACK_TEXTS = {
    cb.PHONE_NOT_UNDERSTOOD,
    cb.NAME_NOT_UNDERSTOOD,
    cb.STOPPED,
    cb.DECLINED,
    cb.NO_PHONE,
    cb.FAILED,
    cb.saved_text("MB-7K3Q"),
    cb.already_open_text("MB-7K3Q"),
}
# What the channels say by themselves.
CHANNEL_TEXTS = {
    telegram.NON_TEXT,
    telegram.NOT_YOUR_NUMBER,
    apology_text("0800 20 800"),
    apology_text("0800 20 800", "MB-7K3Q"),
    sms.STOPPED,
    sms.CAP_REACHED,
    TRIMMED,
}
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
_WORD = re.compile(r"[\wÀ-ÿ]+(?:[-'][\wÀ-ÿ]+)*")


def sentences(text: str) -> list[list[str]]:
    parts = (_WORD.findall(part) for part in _SENTENCE_END.split(text))
    return [words for words in parts if words]


def domain_texts() -> Iterator[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    for variants in domain["responses"].values():
        for variant in variants:
            yield variant["text"]


def domain_button_titles() -> Iterator[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    for variants in domain["responses"].values():
        for variant in variants:
            yield from (button["title"] for button in variant.get("buttons", []))


def catalogue_replies(catalogue: Catalogue) -> Iterator[Reply]:
    days = [None, *sorted(set(DAY_TERMS.values()))]
    # No sub-question, each one alone, and all of them in one message.
    aspects: list[tuple[Aspect, ...]] = [(), *((a,) for a in Aspect), tuple(Aspect)]
    for service in ServiceId:
        places = [None, "nekkerspoel", *(loc.id for loc in catalogue.service(service).locations)]
        for place, day, asked, now in itertools.product(places, days, aspects, MOMENTS):
            question = Question(service, "", place, day, asked)
            yield from answer(catalogue, question, now, staleness_days=180)
        yield which_service(catalogue, Reading(candidates=(service,), aspects=(Aspect.price,)))
    yield which_service(catalogue, Reading(candidates=tuple(ServiceId)))
    yield from out_of_scope_replies(catalogue, OTHER)
    general = catalogue.general
    for topic in [*ADJACENT_TOPICS, "onbekend"]:
        yield from adjacent_reply(general, topic)
    yield from urgent_replies(general, "")
    yield from (Reply(general.urgent[kind].text) for kind in UNKNOWN_ORDER)
    yield contact_reply(general)
    for moment, now in itertools.product([m.value for m in cb.Moment], MOMENTS):
        yield Reply(cb.expected_call(general.contact.hours, moment, now))
    yield menu(catalogue)
    for topic in [None, *topic_names(catalogue)]:
        yield cb.topic_question(catalogue, topic)
    for name, topic in itertools.product(["Fatima", ""], topic_names(catalogue)):
        yield cb.summary_question(catalogue, "+32470123456", name, "voormiddag", topic)
    yield from (
        cb.CONSENT_QUESTION,
        cb.PHONE_QUESTION,
        cb.SHARE_PHONE_QUESTION,
        cb.NAME_QUESTION,
        cb.MOMENT_QUESTION,
    )
    yield cb.FIX_QUESTION
    yield cb.phone_question("+32470123456")


def rendered(tmp_path: Path) -> tuple[set[str], set[str]]:
    """All message texts and all button labels a resident can see."""
    catalogues = [
        load_catalogue(PROJECT_ROOT / "data" / "content"),
        load_catalogue(content_copy(tmp_path / "content", with_hours=True)),
    ]
    texts = {
        NOT_UNDERSTOOD,
        STILL_NOT_UNDERSTOOD,
        HELP,
        *domain_texts(),
        *CALLBACK_TEXTS,
        *CHANNEL_TEXTS,
    }
    titles = {*domain_button_titles(), telegram.SHARE_PHONE, telegram.CALLBACK_BUTTON[0]}
    for catalogue in catalogues:
        for reply in catalogue_replies(catalogue):
            texts.add(reply.text)
            titles.update(button.title for button in reply.buttons)
    return texts, titles


def flesch_douma(text: str) -> float:
    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


def problems(text: str) -> list[str]:
    """What is wrong with one message on its own."""
    found = []
    parts = sentences(text)
    longest = max(parts, key=len)
    if len(longest) > MAX_WORDS:
        found.append(f"sentence of {len(longest)} words: {' '.join(longest)!r}")
    if sum(map(len, parts)) >= MIN_WORDS_FOR_SCORE and flesch_douma(text) < MIN_FLESCH_DOUMA:
        found.append(f"Flesch-Douma {flesch_douma(text):.0f} < {MIN_FLESCH_DOUMA}")
    return found


def test_every_message_is_plain_dutch(tmp_path: Path) -> None:
    texts, _ = rendered(tmp_path)
    assert len(texts) > 80  # the enumeration really reached the catalogue
    failing = {text: found for text in sorted(texts) if (found := problems(text))}
    assert not failing, "\n".join(f"{t!r}: {'; '.join(p)}" for t, p in failing.items())


def test_all_texts_together_are_short_and_readable(tmp_path: Path) -> None:
    texts, _ = rendered(tmp_path)
    lengths = [len(words) for text in texts for words in sentences(text)]
    average = sum(lengths) / len(lengths)
    assert average <= MAX_AVERAGE, f"{average:.1f} words per sentence on average"
    score = flesch_douma("\n".join(sorted(texts)))
    assert score >= MIN_FLESCH_DOUMA, f"Flesch-Douma {score:.0f} for all texts together"


def test_button_labels_are_short(tmp_path: Path) -> None:
    _, titles = rendered(tmp_path)
    long_titles = [t for t in titles if len(_WORD.findall(t)) > MAX_BUTTON_WORDS]
    assert not long_titles


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Je kan hier gratis maandverband halen.", True),
        (" ".join(["woord"] * 21) + ".", False),
        (
            "De gemeenschapsvoorzieningsinfrastructuurontwikkelingsprogramma's van de "
            "administratieve dienstverleningsorganisatie zijn voor de gemiddelde inwoner "
            "onbegrijpelijk.",
            False,
        ),
    ],
)
def test_the_checker_itself(text: str, ok: bool) -> None:
    assert (problems(text) == []) is ok
