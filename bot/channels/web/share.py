"""/delen: links, QR codes and a printable flyer for the social workers who share the assistant."""

from __future__ import annotations

import segno
from jinja2 import Environment
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.apology import city_phone
from bot.callback import valid_referral
from bot.channels.web.policy import csp
from bot.content.live import CatalogueSource
from bot.phone import display
from bot.settings import Settings


def qr_svg(data: str) -> str:
    """A QR code as inline SVG (no image request, no outside service)."""
    return str(segno.make(data, error="m").svg_inline(scale=5, dark="#000", light="#fff"))


def share_blueprint(
    settings: Settings, templates: Environment, catalogue: CatalogueSource
) -> Blueprint:
    bp = Blueprint("share")

    @bp.get("/delen")
    async def share(request: Request) -> HTTPResponse:
        code = (request.args.get("code") or "").strip()
        valid = valid_referral(code)
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
            phone=await city_phone(catalogue),
        )
        return response.html(page, headers={"Content-Security-Policy": csp("'none'")})

    return bp
