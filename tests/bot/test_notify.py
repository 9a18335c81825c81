"""Staff announcements through a real local SMTP server and a real webhook endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email import message_from_string
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller

from bot.notify import SmtpNotifier, WebhookNotifier, deliver_due
from bot.servers import free_port
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from tests.helpers import run_cli

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content.decode())
        return "250 OK"


@contextmanager
def smtp_server(port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def repository_with_request(
    tmp_path: Path, *, urgent: bool = False
) -> tuple[CallbackRepository, str]:
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    migrate(engine)
    repository = CallbackRepository(engine)
    new = NewCallback(
        "k1",
        "rest",
        "alice",
        "+32470123456",
        "Fatima",
        "namiddag",
        "woonclub",
        "ik wil er een einde aan maken, bel 0470 12 34 56",
        urgent=urgent,
    )
    return repository, repository.save(new, NOW).record.reference


def personal(text: str) -> list[str]:
    """What of the resident's data shows in `text`: number, name or their words."""
    return [part for part in ("0470", "+32470", "Fatima", "einde") if part in text]


def smtp(port: int) -> SmtpNotifier:
    return SmtpNotifier("127.0.0.1", port, "hulpbot@test", ("sociaal.huis@test",))


def test_new_request_is_mailed_without_personal_data(tmp_path: Path) -> None:
    repository, reference = repository_with_request(tmp_path)
    port = free_port()
    with smtp_server(port) as inbox:
        assert asyncio.run(deliver_due(repository, [smtp(port)], NOW)) == 1
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert f"Subject: Nieuwe terugbelvraag {reference}" in mail
    assert "Onderwerp: Woonclub." in mail and "namiddag" in mail
    assert "Via: anders." in mail and "rest" not in mail and "ringend" not in mail
    assert personal(mail) == []
    assert asyncio.run(deliver_due(repository, [smtp(port)], NOW)) == 0  # sent once only


def test_an_urgent_request_says_dringend_first_and_nothing_personal(tmp_path: Path) -> None:
    repository, reference = repository_with_request(tmp_path, urgent=True)
    port = free_port()
    with smtp_server(port) as inbox:
        assert asyncio.run(deliver_due(repository, [smtp(port)], NOW)) == 1
    [mail] = inbox.messages
    assert f"Subject: DRINGEND: Nieuwe terugbelvraag {reference}" in mail
    body = message_from_string(mail).get_payload(decode=True).decode()
    assert body.startswith("Dringend: deze inwoner kreeg eerst de nummers voor dringende hulp.")
    assert personal(mail) == []


def test_urgent_announcements_go_out_first(tmp_path: Path) -> None:
    repository, plain = repository_with_request(tmp_path)
    urgent = NewCallback(
        "k2", "web", "bob", "+32470000000", None, "voormiddag", "anders", "", urgent=True
    )
    later = repository.save(urgent, NOW + timedelta(minutes=1)).record.reference
    due = repository.due_notifications(NOW + timedelta(minutes=2))
    assert [n.record.reference for n in due] == [later, plain]
    assert [n.record.urgent for n in due] == [True, False]


def test_mail_server_down_then_back(tmp_path: Path) -> None:
    repository, reference = repository_with_request(tmp_path)
    port = free_port()  # nothing listens here yet
    assert asyncio.run(deliver_due(repository, [smtp(port)], NOW)) == 0
    assert repository.get(reference) is not None  # the request itself is safe
    [waiting] = repository.due_notifications(NOW + timedelta(seconds=30))
    assert waiting.attempts == 1
    assert repository.due_notifications(NOW + timedelta(seconds=10)) == []  # backing off
    with smtp_server(port) as inbox:
        later = NOW + timedelta(seconds=31)
        assert asyncio.run(deliver_due(repository, [smtp(port)], later)) == 1
    assert reference in inbox.messages[0]


def test_webhook_receives_the_announcement(tmp_path: Path) -> None:
    repository, reference = repository_with_request(tmp_path, urgent=True)
    received: list[dict[str, Any]] = []

    async def scenario() -> int:
        async def hook(request: web.Request) -> web.Response:
            received.append(await request.json())
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            notifier = WebhookNotifier(f"http://127.0.0.1:{port}/hook")
            return await deliver_due(repository, [notifier], NOW)
        finally:
            await runner.cleanup()

    assert asyncio.run(scenario()) == 1
    assert received[0]["reference"] == reference
    assert received[0]["urgent"] is True and received[0]["channel"] == "anders"
    assert received[0]["text"].startswith("Dringend:")
    assert personal(str(received[0])) == []


def test_worker_process_announces_and_purges(tmp_path: Path) -> None:
    repository, reference = repository_with_request(tmp_path)
    old = NewCallback("k0", "rest", "bob", "+32470000000", "Bob", "voormiddag", "woonclub", "")
    old_reference = repository.save(old, NOW - timedelta(days=60)).record.reference
    repository.set_status(old_reference, Status.afgesloten, "staff", NOW - timedelta(days=40))
    port = free_port()
    env = {
        "HULPBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'hulpbot.db'}",
        "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "HULPBOT_SMTP_HOST": "127.0.0.1",
        "HULPBOT_SMTP_PORT": str(port),
        "HULPBOT_SMTP_TO": "sociaal.huis@test",
        "HULPBOT_CLOCK": (NOW + timedelta(minutes=1)).isoformat(),
    }
    with smtp_server(port) as inbox:
        result = run_cli("worker", "--once", env=env)
    assert result.returncode == 0, result.stderr
    assert any(reference in message for message in inbox.messages)
    purged = repository.get(old_reference)
    assert purged is not None and purged.phone is None and purged.name is None
