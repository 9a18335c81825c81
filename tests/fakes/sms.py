"""A local stand-in for SMS gateways over real HTTP: Twilio's Messages API and a JSON gateway.

It records what would have gone to residents' phones.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from bot.servers import free_port
from tests.fakes.server import serve_aiohttp


@dataclass
class Sent:
    to: str
    sender: str
    text: str
    headers: dict[str, str]
    raw: bytes = b""


@dataclass
class FakeSms:
    port: int = field(default_factory=free_port)
    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def twilio_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def json_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/json-out"

    def to(self, number: str) -> list[str]:
        with self.lock:
            return [s.text for s in self.sent if s.to == number]

    def wait_for(self, number: str, count: int, timeout: float = 30) -> list[str]:
        """The texts to `number` once there are at least `count`, and no more for a moment."""
        deadline = time.monotonic() + timeout
        while len(self.to(number)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fake SMS: {count} messages to {number}? {self.sent}")
            time.sleep(0.05)
        seen = -1
        while seen != len(self.to(number)):
            seen = len(self.to(number))
            time.sleep(0.4)
        return self.to(number)

    async def _twilio(self, request: web.Request) -> web.Response:
        form = await request.post()
        sent = Sent(str(form["To"]), str(form["From"]), str(form["Body"]), dict(request.headers))
        with self.lock:
            self.sent.append(sent)
        sid = "SM" + uuid.uuid4().hex
        return web.json_response(
            {
                "sid": sid,
                "account_sid": request.match_info["account"],
                "to": sent.to,
                "from": sent.sender,
                "body": sent.text,
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{request.match_info['account']}/Messages/{sid}.json",
            },
            status=201,
        )

    async def _json(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = await request.json()
        with self.lock:
            self.sent.append(
                Sent(body["to"], body["from"], body["text"], dict(request.headers), raw)
            )
        return web.json_response({"accepted": True})


@contextmanager
def fake_sms() -> Iterator[FakeSms]:
    fake = FakeSms()
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{account}/Messages.json", fake._twilio)
    app.router.add_post("/json-out", fake._json)
    with serve_aiohttp(app, fake.port):
        yield fake
