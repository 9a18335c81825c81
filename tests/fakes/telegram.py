"""A local stand-in for the Telegram Bot API, speaking its JSON over real HTTP.

python-telegram-bot is pointed at it with `base_url`; it records every call, hands out
queued updates to getUpdates, and can answer 429 to test the flood limits.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.servers import free_port
from tests.fakes.server import serve_aiohttp

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Hulpbot", "username": "hulpbot_test_bot"}
# Sent as JSON text inside form fields by python-telegram-bot.
JSON_FIELDS = {"reply_markup", "allowed_updates", "chat_id", "message_id", "offset", "timeout"}


@dataclass
class Call:
    token: str
    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)
    updates: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    # method -> how many of the next calls get 429, and the retry_after they name
    limited: dict[str, tuple[int, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_message_id: int = 100

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def queue(self, token: str, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates[token].append(update)

    def limit(self, method: str, times: int, retry_after: int) -> None:
        with self.lock:
            self.limited[method] = (times, retry_after)

    def made(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self.lock:
            return [
                c
                for c in self.calls
                if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def wait_for(self, check: Callable[[], bool], timeout: float = 30, what: str = "calls") -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"fake Telegram: no {what} within {timeout} s: {self.calls}")
            time.sleep(0.05)

    def texts(self, chat_id: int) -> list[str]:
        return [c.params["text"] for c in self.made("sendMessage", chat_id)]

    def wait_for_texts(self, chat_id: int, count: int, timeout: float = 30) -> list[str]:
        """The chat's messages once there are at least `count`, and no more for a moment."""
        self.wait_for(lambda: len(self.texts(chat_id)) >= count, timeout, f"{count} messages")
        seen = -1
        while seen != len(self.texts(chat_id)):
            seen = len(self.texts(chat_id))
            time.sleep(0.4)
        return self.texts(chat_id)

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await self._params(request)
        with self.lock:
            self.calls.append(Call(token, method, params))
            times, retry_after = self.limited.get(method, (0, 0))
            if times:
                self.limited[method] = (times - 1, retry_after)
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                    status=429,
                )
        if method == "getUpdates":
            return await self._get_updates(token, params)
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body: dict[str, Any] = await request.json()
            return body
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            params[key] = json.loads(str(value)) if key in JSON_FIELDS else str(value)
        return params

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageReplyMarkup"):
            with self.lock:
                self.next_message_id += 1
                message_id = params.get("message_id", self.next_message_id)
            return {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": params.get("chat_id"), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        return True

    async def _get_updates(self, token: str, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        while True:
            with self.lock:
                queue = self.updates[token]
                queue[:] = [u for u in queue if u["update_id"] >= offset]
                ready = list(queue)
            if ready or time.monotonic() >= deadline:
                return web.json_response({"ok": True, "result": ready})
            await asyncio.sleep(0.05)


@contextmanager
def fake_telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API on a free local port, in a thread, for as long as the block runs."""
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", fake._handle)
    with serve_aiohttp(app, fake.port):
        yield fake
