"""`bot nlu export-reviewed`: the labelled messages as Rasa NLU data, as a developer runs it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.store.db import make_engine, migrate
from bot.store.insight import FALLBACK_INTENT, NOT_OURS, ReviewRepository, Said, message_key
from tests.helpers import run_cli

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def said(text: str, minutes: int) -> Said:
    moment = NOW - timedelta(minutes=minutes)
    key = message_key("web:abc", moment.timestamp(), text)
    return Said(key, "web:abc", moment, text, FALLBACK_INTENT, 0.45, "greet", 0.2, unclear=True)


def test_export_reviewed_prints_nlu_data_without_the_messages_not_for_us(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hulpbot.db'}"
    engine = make_engine(url)
    migrate(engine)
    reviews = ReviewRepository(engine)
    reviews.mark([said("wa zijn de uren van den abeel", 1)], "ask_dienstencentrum", "bram", NOW)
    reviews.mark(
        [said("wil iemand mij bellen op [telefoonnummer]", 2)], "request_callback", "bram", NOW
    )
    reviews.mark([said("gratis iphone klik hier", 3)], NOT_OURS, "anna", NOW)
    engine.dispose()
    env = {"HULPBOT_DATABASE_URL": url, "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 't.db'}"}

    printed = run_cli("nlu", "export-reviewed", env=env)
    assert printed.returncode == 0, printed.stderr
    data = RasaYAMLReader().reads(printed.stdout)
    assert {(m.get("intent"), m.get("text")) for m in data.intent_examples} == {
        ("ask_dienstencentrum", "wa zijn de uren van den abeel"),
        ("request_callback", "wil iemand mij bellen op (telefoonnummer)"),
    }
    assert "iphone" not in printed.stdout and NOT_OURS not in printed.stdout

    target = tmp_path / "reviewed.yml"
    written = run_cli("nlu", "export-reviewed", "--output", str(target), env=env)
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8") == printed.stdout
    assert str(target) in written.stdout
