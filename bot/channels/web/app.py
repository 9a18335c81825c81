"""The residents' web app: /chat (the chat page), /widget.js (one script tag embeds it
anywhere on the allow-list) and /delen (links, QR codes and a flyer for social workers).

The page talks to Rasa's REST channel through /api/bericht on this same origin: plain
HTTP requests work through every proxy and firewall, and there is nothing to reconnect
after a phone sleeps, unlike a socket. The conversation's id lives in localStorage.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import aiohttp
import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Request, Sanic, response
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.callback import REFERRAL_CODE
from bot.content.loader import CatalogueStore
from bot.phone import display
from bot.settings import Settings

HERE = Path(__file__).parent
SENDER = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_MESSAGE = 1000
log = logging.getLogger(__name__)

RASA_DOWN = (
    "Sorry, ik kan nu niet antwoorden. Probeer het zo meteen opnieuw, of bel gratis 0800 20 800."
)


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
            embedded=bool(request.args.get("ingebed"))
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
        sender, text = str(body.get("sender", "")), str(body.get("message", ""))
        if not SENDER.match(sender) or not text.strip() or len(text) > MAX_MESSAGE:
            return response.json({"error": "sender and message needed"}, status=400)
        messages = await ask_rasa(settings.rasa_url, sender, text)
        if messages is None:
            messages = [{"text": await rasa_down(catalogue), "buttons": []}]
        return response.json({"messages": messages})

    return bp


async def rasa_down(catalogue: CatalogueStore) -> str:
    """Say so, and give the city's number when the catalogue has it."""
    try:
        phone = (await catalogue.current()).general.contact.phone.text
    except Exception:
        log.exception("No catalogue for the message that the assistant is down")
        phone = None
    return f"{RASA_DOWN} Of bel gratis {phone}." if phone else RASA_DOWN


async def ask_rasa(rasa_url: str, sender: str, text: str) -> list[dict[str, Any]] | None:
    """The assistant's answer through Rasa's REST channel; None when it does not answer."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
            session.post(
                f"{rasa_url}/webhooks/rest/webhook",
                json={"sender": f"web-{sender}", "message": text},
            ) as reply,
        ):
            reply.raise_for_status()
            messages = await reply.json()
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.error("Rasa did not answer the web chat: %s", exc)
        return None
    return [
        {"text": m.get("text", ""), "buttons": m.get("buttons") or []}
        for m in messages
        if m.get("text")
    ]


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
    app.static("/static", HERE / "static", name="static")
    app.blueprint(chat_blueprint(settings, templates, CatalogueStore(settings.content_dir)))
    app.blueprint(share_blueprint(settings, templates))

    @app.get("/")
    async def home(request: Request) -> HTTPResponse:
        return response.redirect("/chat")

    @app.on_response
    async def headers(request: Request, resp: BaseHTTPResponse) -> None:
        resp.headers.setdefault("Content-Security-Policy", csp("'none'"))
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")

    return app
