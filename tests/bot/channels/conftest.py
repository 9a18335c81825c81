"""A fresh fake Telegram Bot API per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.telegram import FakeTelegram, fake_telegram


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with fake_telegram() as running:
        yield running
