"""Kept only as promised: one resident per channel talks to a real assistant and asks for a
call-back; staff call them; `bot purge` runs with a clock past the retention periods. Then
neither database file nor any log file holds their number, name or words any more.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from bot.store.db import make_engine
from bot.store.repository import CallbackRepository, Filters, Status
from tests.e2e.conftest import OwnServers, own_servers
from tests.e2e.test_sms import Texter
from tests.e2e.test_telegram import TelegramUser
from tests.fakes.sms import FakeSms
from tests.fakes.telegram import FakeTelegram
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e
TOKEN = "765432:TEST-trace"


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram, sms: FakeSms
) -> Iterator[OwnServers]:
    with own_servers(tmp_path_factory.mktemp("trace"), "trace", telegram, sms, TOKEN) as own:
        yield own


def phone_forms(e164: str) -> list[str]:
    """The ways a Belgian mobile number can be written down."""
    local = "0" + e164[3:]
    return [
        e164,
        e164[1:],
        local,
        f"{local[:4]} {local[4:6]} {local[6:8]} {local[8:]}",
        f"{local[:4]}/{local[4:6]}.{local[6:8]}.{local[8:]}",
    ]


def web_app(servers: OwnServers, browser_id: str, *messages: str) -> None:
    for message in messages:
        reply = httpx.post(
            f"{servers.web.url}/api/bericht",
            json={"sender": browser_id, "message": message},
            timeout=60,
        )
        assert reply.status_code == 200


def test_purge_leaves_no_number_name_or_words_in_databases_or_logs(servers: OwnServers) -> None:
    assistant = servers.assistant
    web_phone = f"+32470{random.randint(0, 999999):06d}"
    web_app(
        servers,
        "trace-web-browser-1",
        "ik zoek een huis om te huren in Nekkerspoel voor Oksana",
        "bel mij terug",
        "ja",
        phone_forms(web_phone)[3],
        "Oksana",
        "voormiddag",
        "ja",
        "ja",
    )
    user = TelegramUser(assistant, random.randint(10**8, 10**9))
    user.says_and_waits("waar kan Bartholomeus gratis maandverband halen")
    texter = Texter(assistant, f"+32471{random.randint(0, 999999):06d}")
    for said in ("de Minder Mobielen Centrale voor Wolfgangus", "bel mij terug", "1", "1"):
        texter.texts(said)
    texter.texts("Wolfgangus")
    texter.texts("2")  # namiddag
    for _ in range(3):  # the topic, then "Klopt dit?": 1 = Ja
        if any(t.startswith("Gelukt!") for t in texter.texts("1")):
            break

    engine = make_engine(assistant.database_url)
    repository = CallbackRepository(engine)
    requests = repository.page(Filters(), 10).records
    assert {r.phone for r in requests} == {web_phone, texter.number}
    now = datetime.now(timezone.utc)
    for record in requests:
        repository.set_status(record.reference, Status.gebeld, "sanne", now)
    engine.dispose()

    secrets = [
        *phone_forms(web_phone),
        *phone_forms(texter.number),
        "Oksana",
        "Nekkerspoel",
        "Bartholomeus",
        "Wolfgangus",
        str(user.id),
    ]
    stores = [servers.database, assistant.tracker_db]
    before = traces(stores, servers.logs, secrets)
    # Not a vacuous test: the stores did hold them, each one.
    assert {s for _, s in before} >= {web_phone, texter.number, "Oksana", "Bartholomeus"}

    later = (now + timedelta(days=45)).isoformat(timespec="seconds")
    purge = run_cli("purge", env={**assistant.env, "HULPBOT_CLOCK": later})
    assert purge.returncode == 0, purge.stderr
    assert traces(stores, servers.logs, secrets) == []


def traces(stores: list[Path], logs: list[Path], secrets: list[str]) -> list[tuple[str, str]]:
    """Which secret is in which file, reading every byte (the write-ahead logs included)."""
    for store in stores:
        with sqlite3.connect(store) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    files = [*stores, *(p for p in logs if p.exists())]
    files += [p for store in stores for p in store.parent.glob(store.name + "-wal")]
    found = []
    for path in files:
        data = path.read_bytes()
        found += [(path.name, s) for s in secrets if s.encode() in data]
    return found
