"""The per-service tables come from the catalogue: change a content file, and they follow."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from bot.content.answers import CALLBACK_BUTTON
from bot.content.loader import Catalogue, load_catalogue
from bot.content.matching import normalise
from bot.topics import (
    MENU_TEXT,
    OTHER_TOPIC,
    menu,
    services,
    topic_buttons,
    topic_name,
    topic_names,
    topic_terms,
)
from tests.helpers import CONTENT, content_copy


def real() -> Catalogue:
    return load_catalogue(CONTENT)


def edit_service(path: Path, **fields: object) -> None:
    yaml = YAML(typ="rt")
    data = yaml.load(path.read_text(encoding="utf-8"))
    data.update(fields)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def test_menu_has_a_button_per_service_then_a_person() -> None:
    reply = menu(real())
    assert reply.text == MENU_TEXT
    assert [(b.title, b.payload) for b in reply.buttons] == [
        ("Dienstencentrum", "/ask_dienstencentrum"),
        ("Vervoer (Minder Mobielen Centrale)", "/ask_minder_mobielen"),
        ("Gratis maandverband", "/ask_menstruatie"),
        ("Woonclub: een huis zoeken", "/ask_woonclub"),
        (CALLBACK_BUTTON.title, CALLBACK_BUTTON.payload),
    ]


def test_topic_names_are_how_a_sentence_names_them() -> None:
    assert topic_names(real()) == {
        "dienstencentrum": "een dienstencentrum",
        "minder_mobielen": "vervoer",
        "menstruatie": "gratis maandverband",
        "woonclub": "de Woonclub",
        OTHER_TOPIC: OTHER_TOPIC,
    }
    assert topic_name(real(), "een dienst die er niet meer is") == "een dienst die er niet meer is"


def test_topic_terms_hold_every_word_label_and_name() -> None:
    catalogue = real()
    terms = topic_terms(catalogue)
    for service in services(catalogue):
        for phrase in (*service.words, service.label, service.name, service.topic):
            assert terms[normalise(phrase)] == service.id.value, phrase
    assert terms["iets anders"] == terms["anders"] == OTHER_TOPIC


def test_a_changed_content_file_changes_menu_and_topics(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    edit_service(
        content / "woonclub.yml",
        label="Een huis huren",
        topic="een huurhuis",
        words=["woonclub", "huurwoning"],
    )
    catalogue = load_catalogue(content)
    assert ("Een huis huren", "/ask_woonclub") in [
        (b.title, b.payload) for b in menu(catalogue).buttons
    ]
    assert topic_name(catalogue, "woonclub") == "een huurhuis"
    assert topic_terms(catalogue)["huurwoning"] == "woonclub"
    assert "appartement" not in topic_terms(catalogue)  # a word taken out names nothing
    assert topic_buttons(catalogue)[-2].title == "Een huis huren"


def test_a_word_two_services_share_names_neither(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    edit_service(content / "woonclub.yml", words=["woonclub", "vervoer"])
    terms = topic_terms(load_catalogue(content))
    assert "vervoer" not in terms
    assert terms["minder mobielen"] == "minder_mobielen"
