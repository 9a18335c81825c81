"""The residents' web app: /chat (the chat page), /widget.js (one script tag embeds it
anywhere on the allow-list) and /delen (links, QR codes and a flyer for social workers).

The page talks to Rasa through /api/bericht on this same origin: plain HTTP requests work
through every proxy and firewall, and there is nothing to reconnect after a phone sleeps,
unlike a socket. The conversation's id lives in localStorage. Behind /api/bericht, our web
channel in Rasa (bot/channels/webchat.py) answers only this app, which shows the internal
token; Rasa's port is never public.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiohttp
import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Request, Sanic, response
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.apology import apology
from bot.callback import REFERRAL_CODE
from bot.content.loader import CatalogueStore
from bot.phone import display
from bot.senders import BROWSER_ID
from bot.settings import Settings

HERE = Path(__file__).parent
# Longer messages are trimmed by the channel (with a note); far longer ones are no question.
MAX_BODY = 16 * 1024
log = logging.getLogger(__name__)


def csp(frame_ancestors: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


def qr_svg(data: str) -> str:
    """A QR code as inline SVG (no image request, no outside service)."""
    return str(segno.make(data, error="m").svg_inline(scale=5, dark="#000", light="#fff"))


def chat_blueprint(
    settings: Settings, templates: Environment, catalogue: CatalogueStore
) -> Blueprint:
    bp = Blueprint("chat")
    embed = " ".join(["'self'", *settings.web_embed_origins])

    @bp.get("/chat")
    async def chat(request: Request) -> HTTPResponse:
        page = templates.get_template("chat.html").render(
            embedded=bool(request.args.get("ingebed")), sorry=await apology(catalogue)
        )
        return response.html(page, headers={"Content-Security-Policy": csp(embed)})

    # The embed script knows its own origin, so one tag works on any page.
    script = (HERE / "static" / "widget.js").read_text(encoding="utf-8")
    script = script.replace("__HULPBOT_ORIGIN__", settings.web_public_url)

    @bp.get("/widget.js")
    async def widget(request: Request) -> HTTPResponse:
        return response.text(script, content_type="application/javascript; charset=utf-8")

    @bp.post("/api/bericht")
    async def message(request: Request) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        sender, text = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not BROWSER_ID.match(sender):
            return response.json({"error": "sender and message needed"}, status=400)
        if not isinstance(text, str) or not text.strip():
            return response.json({"error": "sender and message needed"}, status=400)
        rasa: Rasa = request.app.ctx.rasa
        messages = await rasa.ask(sender, text)
        if not messages:
            messages = [{"text": await apology(catalogue), "buttons": []}]
        return response.json({"messages": messages})

    return bp


class Rasa:
    """Our web channel in Rasa, over one HTTP session for the life of the app."""

    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        self._url = f"{url}/webhooks/web/webhook"
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def ask(self, sender: str, text: str) -> list[dict[str, Any]]:
        """The assistant's answer; empty when Rasa does not answer in time or fails."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
        try:
            async with self._session.post(
                self._url, json={"sender": sender, "message": text}
            ) as reply:
                reply.raise_for_status()
                messages = await reply.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            # asyncio.TimeoutError is not the builtin TimeoutError before Python 3.11.
            log.error("Rasa did not answer the web chat: %s", type(exc).__name__)
            return []
        if not isinstance(messages, list):
            return []
        return [
            {"text": m.get("text", ""), "buttons": m.get("buttons") or []}
            for m in messages
            if isinstance(m, dict) and m.get("text")
        ]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def share_blueprint(settings: Settings, templates: Environment) -> Blueprint:
    bp = Blueprint("share")

    @bp.get("/delen")
    async def share(request: Request) -> HTTPResponse:
        code = (request.args.get("code") or "").strip()
        valid = bool(REFERRAL_CODE.match(code))
        links = []
        if settings.telegram_bot_username:
            telegram = f"https://t.me/{settings.telegram_bot_username}"
            links.append(("Telegram", f"{telegram}?start={code}" if valid else telegram))
        if settings.sms_number:
            links.append(("Sms", f"SMSTO:{settings.sms_number}:Hallo"))
        links.append(("Website", f"{settings.web_public_url}/chat"))
        page = templates.get_template("share.html").render(
            code=code,
            code_invalid=bool(code) and not valid,
            links=[(name, link, qr_svg(link)) for name, link in links],
            sms_number=display(settings.sms_number) if settings.sms_number else None,
            web_link=f"{settings.web_public_url}/chat",
        )
        return response.html(page, headers={"Content-Security-Policy": csp("'none'")})

    return bp


def create_web_app(settings: Settings, name: str = "hulpbot_web") -> Sanic:
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
    )
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    app.config.PROXIES_COUNT = settings.proxies_count
    app.static("/static", HERE / "static", name="static")
    app.blueprint(chat_blueprint(settings, templates, CatalogueStore(settings.content_dir)))
    app.blueprint(share_blueprint(settings, templates))

    async def connect(app: Sanic, _loop: object) -> None:
        app.ctx.rasa = Rasa(settings.rasa_url, settings.internal_token, settings.rasa_timeout)

    async def disconnect(app: Sanic, _loop: object) -> None:
        await app.ctx.rasa.close()

    app.register_listener(connect, "before_server_start")
    app.register_listener(disconnect, "after_server_stop")

    @app.get("/")
    async def home(request: Request) -> HTTPResponse:
        return response.redirect("/chat")

    @app.on_response
    async def headers(request: Request, resp: BaseHTTPResponse) -> None:
        resp.headers.setdefault("Content-Security-Policy", csp("'none'"))
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")

    return app
