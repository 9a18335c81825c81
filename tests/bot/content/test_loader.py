from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest

from bot.content.loader import CatalogueStore, ContentError, load_catalogue
from bot.content.models import ServiceId
from tests.helpers import content_copy, edit_location


def test_real_catalogue_is_valid() -> None:
    catalogue = load_catalogue(Path("data/content"))
    assert set(catalogue.services) == set(ServiceId)


def test_error_names_file_line_and_field(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    path = content / "woonclub.yml"
    text = path.read_text().replace(
        "  source: KAN memorandum 2023 (shared/seeds/000), De Lage Drempel\n", "", 1
    )
    path.write_text(text)
    with pytest.raises(ContentError) as error:
        load_catalogue(content)
    problem = error.value.problems[0]
    line = text.splitlines().index("phone:") + 1
    assert problem.startswith(f"{path}:{line}: phone.source:"), problem
    assert "field required" in problem


def test_bad_opening_hours_point_at_the_location(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    edit_location(
        content / "dienstencentrum.yml",
        "den_deigem",
        hours={"weekly": {"maandag": ["16:00-09:00"]}, "source": "x-test", "checked": "2026-01-01"},
    )
    with pytest.raises(ContentError) as error:
        load_catalogue(content)
    assert "locations.2.hours.weekly" in str(error.value)
    assert "ends before it starts" in str(error.value)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    (content / "woonclub.yml").write_text("id: woonclub\nname: [unclosed\n")
    with pytest.raises(ContentError, match=r"woonclub.yml:\d+: YAML error"):
        load_catalogue(content)


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    path = content / "menstruatie.yml"
    path.write_text(path.read_text() + "opening: altijd\n")
    with pytest.raises(ContentError, match="opening: extra fields not permitted"):
        load_catalogue(content)


def test_missing_general_file(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    (content / "general.yml").unlink()
    with pytest.raises(ContentError, match=r"general\.yml: file is missing"):
        load_catalogue(content)


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_store_serves_a_changed_fact_without_restart(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    store = CatalogueStore(content)
    assert store.get().service("woonclub").phone.text == "0468 01 38 29"
    path = content / "woonclub.yml"
    path.write_text(path.read_text().replace("text: 0468 01 38 29", "text: 015 00 00 00"))
    _touch_later(path)
    assert asyncio.run(store.current()).service("woonclub").phone.text == "015 00 00 00"


def test_store_keeps_the_last_good_catalogue(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = content_copy(tmp_path / "content")
    store = CatalogueStore(content)
    before = store.get()
    path = content / "woonclub.yml"
    path.write_text("id: woonclub\n")
    _touch_later(path)
    with caplog.at_level(logging.ERROR):
        assert store.get() is before
    assert "Catalogue change rejected" in caplog.text


def test_store_refuses_to_start_on_a_broken_catalogue(tmp_path: Path) -> None:
    content = content_copy(tmp_path / "content")
    (content / "woonclub.yml").write_text("id: woonclub\n")
    with pytest.raises(ContentError):
        CatalogueStore(content).get()
