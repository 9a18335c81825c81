"""/delen: links, QR codes and a printable flyer for the social workers who share the assistant.

The organisation's code travels in every link, so a call-back request says who sent the
resident: on the web as /chat?via=CODE, on Telegram as /start CODE, by SMS as the first message
"START CODE" (the SMS link and QR code fill it in; the flyer tells the resident to type it).
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import segno
from jinja2 import Environment
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.apology import city_phone
from bot.callback import valid_referral
from bot.channels.web.policy import csp
from bot.content.live import CatalogueSource
from bot.phone import dial_link, display
from bot.settings import Settings

log = logging.getLogger(__name__)

LOGO_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# What a social worker's message starts with, before the channel's own sentence.
INVITATION = "Heb je een vraag over hulp in Mechelen? "
MAIL_SUBJECT = "De Hulpbot van de stad Mechelen"


@dataclass(frozen=True)
class Link:
    """One way to reach the assistant, as the page shows, copies, shares and prints it."""

    name: str
    # What the QR code holds.
    qr: str
    # What "Kopieer" copies and the page shows as text: the link, or for SMS what to send where.
    text: str
    # What a message says before the link (for SMS, all it says).
    invitation: str
    # The flyer's line under the QR code.
    caption: str
    # The web address; the Web Share API gets it apart from the invitation. None for SMS.
    url: str | None = None

    @property
    def message(self) -> str:
        """The message for WhatsApp and mail."""
        return f"{self.invitation} {self.url}" if self.url else self.invitation

    @property
    def svg(self) -> str:
        """The QR code as inline SVG (no image request, no outside service); scales with CSS."""
        code = segno.make(self.qr, error="m")
        svg = code.svg_inline(
            scale=5, dark="#000", light="#fff", omitsize=True, title=f"QR-code {self.name}"
        )
        return str(svg)

    @property
    def whatsapp(self) -> str:
        return "https://wa.me/?text=" + quote(self.message, safe="")

    @property
    def mail(self) -> str:
        return f"mailto:?subject={quote(MAIL_SUBJECT, safe='')}&body={quote(self.message, safe='')}"


def links(settings: Settings, code: str | None) -> list[Link]:
    """Website always, then Telegram and SMS when they are configured; `code` is valid or None."""
    web = f"{settings.web_public_url}/chat" + (f"?via={quote(code)}" if code else "")
    found = [
        Link(
            name="Website",
            qr=web,
            text=web,
            invitation=f"{INVITATION}Chat met de Hulpbot:",
            caption=f"Scan met je gsm. Of typ: {web}",
            url=web,
        )
    ]
    if settings.telegram_bot_username:
        telegram = f"https://t.me/{settings.telegram_bot_username}"
        telegram += f"?start={quote(code)}" if code else ""
        found.append(
            Link(
                name="Telegram",
                qr=telegram,
                text=telegram,
                invitation=f"{INVITATION}Chat met de Hulpbot op Telegram:",
                caption="Scan met je gsm. Dan opent Telegram.",
                url=telegram,
            )
        )
    if settings.sms_number:
        number = display(settings.sms_number)
        first = f"START {code}" if code else "Hallo"
        what = f"een sms met {first}" if code else "een sms"
        found.append(
            Link(
                name="Sms",
                qr=f"SMSTO:{settings.sms_number}:{first}",
                text=f"Stuur {what} naar {number}.",
                invitation=f"{INVITATION}Stuur {what} naar {number}. "
                "De Hulpbot antwoordt met een sms.",
                caption=f"Scan met je gsm en stuur de sms. "
                f"Of stuur {first if code else what} naar {number}.",
            )
        )
    return found


def local_only(url: str) -> bool:
    """True when phones elsewhere cannot reach `url`: localhost, a loopback or private address,
    or a name without a domain, which only this computer or network knows."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host or host.endswith((".localhost", ".local", ".internal", ".lan"))
    return (
        address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified
    )


def read_logo(path: Path | None) -> tuple[bytes, str] | None:
    """The logo's bytes and content type, read once; None (and a warning) when it cannot be
    used, so a wrong setting costs the flyer its logo, never the page."""
    if path is None:
        return None
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        log.warning("HULPBOT_ORG_LOGO %s is no .png, .svg or .jpg file: no logo", path)
        return None
    try:
        return path.read_bytes(), kind
    except OSError as exc:
        log.warning("HULPBOT_ORG_LOGO %s cannot be read (%s): no logo", path, exc.strerror)
        return None


def share_blueprint(
    settings: Settings, templates: Environment, catalogue: CatalogueSource
) -> Blueprint:
    bp = Blueprint("share")
    logo = read_logo(settings.org_logo)
    unreachable = local_only(settings.web_public_url)

    @bp.get("/delen")
    async def share(request: Request) -> HTTPResponse:
        code = (request.args.get("code") or "").strip()
        valid = valid_referral(code)
        phone = await city_phone(catalogue)
        page = templates.get_template("share.html").render(
            code=code,
            code_invalid=bool(code) and not valid,
            links=links(settings, code if valid else None),
            public_url=settings.web_public_url,
            unreachable=unreachable,
            org_name=settings.org_name,
            logo=logo is not None,
            phone=phone,
            tel=dial_link(phone),
        )
        return response.html(page, headers={"Content-Security-Policy": csp("'none'")})

    @bp.get("/delen/logo")
    async def org_logo(request: Request) -> HTTPResponse:
        if logo is None:
            return response.text("Geen logo", status=404)
        body, kind = logo
        return response.raw(body, content_type=kind, headers={"Cache-Control": "max-age=3600"})

    return bp
