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
import json
import logging
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Request, Sanic, response
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.apology import apology, apology_text, city_phone
from bot.callback import valid_referral
from bot.channels.web.policy import csp
from bot.channels.web.share import share_blueprint
from bot.content.live import CatalogueSource, live_catalogue
from bot.phone import dial_link
from bot.senders import BROWSER_ID
from bot.settings import Settings
from bot.store.db import make_engine

HERE = Path(__file__).parent
# Longer messages are trimmed by the channel (with a note); far longer ones are no question.
MAX_BODY = 16 * 1024
log = logging.getLogger(__name__)
# What a site that may not embed the chat gets for /widget.js: no button, one line for its
# developers.
REFUSED = (
    "Hulpbot: deze website mag de chat niet tonen. "
    "Vraag de stad om haar toe te voegen aan HULPBOT_WEB_EMBED_ORIGINS."
)
WIDGET_REFUSED = f"console.info({json.dumps(REFUSED)});\n"


def origin_of(url: str | None) -> str | None:
    """ "https://site.be" for any URL on that site; None when there is no usable URL."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def chat_blueprint(
    settings: Settings, templates: Environment, catalogue: CatalogueSource
) -> Blueprint:
    bp = Blueprint("chat")
    embed = " ".join(["'self'", *settings.web_embed_origins])
    allowed = {origin_of(settings.web_public_url), *settings.web_embed_origins}

    @bp.get("/chat")
    async def chat(request: Request) -> HTTPResponse:
        phone = await city_phone(catalogue)
        page = templates.get_template("chat.html").render(
            embedded=bool(request.args.get("ingebed")),
            sorry=apology_text(phone),
            phone=phone,
            tel=dial_link(phone),
        )
        return response.html(page, headers={"Content-Security-Policy": csp(embed)})

    # The embed script knows its own origin and the allowed sites, so one tag works on any
    # allowed page, and on any other page it stays a button that is never shown.
    script = (
        (HERE / "static" / "widget.js")
        .read_text(encoding="utf-8")
        .replace("__HULPBOT_ORIGIN__", settings.web_public_url)
        .replace('"__HULPBOT_ALLOWED__"', json.dumps(sorted(o for o in allowed if o)))
        .replace('"__HULPBOT_REFUSED__"', json.dumps(REFUSED))
    )

    @bp.get("/widget.js")
    async def widget(request: Request) -> HTTPResponse:
        # The embedding page's origin arrives as the Referer (browsers send at least the origin
        # across sites). Without one, the script checks the page's origin itself.
        site = origin_of(request.headers.get("referer"))
        body = script if site is None or site in allowed else WIDGET_REFUSED
        return response.text(
            body,
            content_type="application/javascript; charset=utf-8",
            headers={"Vary": "Referer", "Cache-Control": "no-cache"},
        )

    @bp.post("/api/bericht")
    async def message(request: Request) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else {}
        sender, text, via = body.get("sender"), body.get("message"), body.get("via")
        if not isinstance(sender, str) or not BROWSER_ID.match(sender):
            return response.json({"error": "sender and message needed"}, status=400)
        if not isinstance(text, str) or not text.strip():
            return response.json({"error": "sender and message needed"}, status=400)
        # A code that is not valid is dropped, not refused: the resident still gets an answer.
        code = via if valid_referral(via) else None
        rasa: Rasa = request.app.ctx.rasa
        messages = await rasa.ask(sender, text, code)
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

    async def ask(
        self, sender: str, text: str, referral_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The assistant's answer; empty when Rasa does not answer in time or fails."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)
        body = {"sender": sender, "message": text}
        if referral_code:
            body["referral_code"] = referral_code
        try:
            async with self._session.post(self._url, json=body) as reply:
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


def create_web_app(settings: Settings, name: str = "hulpbot_web") -> Sanic:
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
    )
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    app.config.PROXIES_COUNT = settings.proxies_count
    app.static("/static", HERE / "static", name="static")
    database = lru_cache(maxsize=1)(partial(make_engine, settings.database_url))
    # The facts staff keep in the dashboard (the city's number on the page and in the apology);
    # the files while the database cannot be read.
    catalogue = live_catalogue(settings, database)
    app.blueprint(chat_blueprint(settings, templates, catalogue))
    app.blueprint(share_blueprint(settings, templates, catalogue))

    async def connect(app: Sanic, _loop: object) -> None:
        app.ctx.rasa = Rasa(settings.rasa_url, settings.internal_token, settings.rasa_timeout)

    async def disconnect(app: Sanic, _loop: object) -> None:
        await app.ctx.rasa.close()
        if database.cache_info().currsize:
            database().dispose()

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
