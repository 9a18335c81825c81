"""SMS for residents with a basic phone: a Rasa input channel with a small provider interface.

Registered in credentials.yml as `bot.channels.sms.SmsInput`; the provider is a setting.
`twilio`: Twilio's webhook (form fields From, To, Body, MessageSid) checked with the twilio
library's RequestValidator, replies through its REST API. `json`: any gateway that posts
{"from", "to", "text", "id"} and accepts {"from", "to", "text"}, both signed with an HMAC of
a Unix timestamp and the body, so an old message replayed later is refused.

The conversation id is a keyed hash of the number (bot/senders.py), never the number.

A turn's replies are collected and sent as one text, buttons as numbered options, in
GSM-7 parts of at most two segments. STOP ends all messages until START; each number has
a daily cap. "START CODE" (the text a social worker's link or QR code fills in) also starts,
and keeps CODE with the message as the referring organisation, like Telegram's /start CODE.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, Request, Sanic, response
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.callback import valid_referral
from bot.channels.base import OwnChannel
from bot.channels.sms_text import chosen_payload, sms_parts, with_options
from bot.channels.text import capped
from bot.content.matching import normalise
from bot.phone import find_phone
from bot.senders import SMS, sms_sender
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.sms import Allowance, SmsRepository

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

STOP_WORDS = {"stop", "uit", "stop alles", "stopalles"}
START_WORDS = {"start"}


def start_code(text: str) -> str | None:
    """CODE in "START CODE", the first message a shared SMS link fills in; else None."""
    word, _, code = text.strip().partition(" ")
    code = code.strip()
    return code if normalise(word) in START_WORDS and valid_referral(code) else None


STOPPED = "Je krijgt geen sms meer van de Hulpbot. Stuur START om weer te beginnen."
CAP_REACHED = "Je kreeg vandaag veel berichten van de Hulpbot. Morgen kan je weer vragen stellen."
SIGNATURE_HEADER = "X-Hulpbot-Signature"
TIMESTAMP_HEADER = "X-Hulpbot-Timestamp"


class SendFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Incoming:
    sender: str
    text: str
    message_id: str


class Provider(Protocol):
    """One SMS gateway: how it posts to us, how we answer it, and how we send."""

    async def receive(self, request: Request) -> Incoming | None:
        """The message in a verified request; None when the request is not from the gateway."""

    def acknowledge(self) -> HTTPResponse: ...

    async def send(self, to: str, text: str) -> None: ...

    async def close(self) -> None: ...


class TwilioProvider:
    def __init__(self, settings: Settings) -> None:
        if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.sms_number):
            raise ValueError(
                "Twilio needs HULPBOT_TWILIO_ACCOUNT_SID, HULPBOT_TWILIO_AUTH_TOKEN "
                "and HULPBOT_SMS_NUMBER"
            )
        self._validator = RequestValidator(settings.twilio_auth_token)
        self._public_url = settings.sms_public_url
        self._number = settings.sms_number
        self._http = AsyncTwilioHttpClient()
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=self._http
        )
        self._client.api.base_url = settings.twilio_api_url.rstrip("/")

    async def receive(self, request: Request) -> Incoming | None:
        params = {key: request.form.get(key) for key in request.form}
        url = self._public_url or request.url
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self._validator.validate(url, params, signature):
            return None
        if not params.get("From") or not params.get("MessageSid"):
            return None
        return Incoming(params["From"], params.get("Body") or "", params["MessageSid"])

    def acknowledge(self) -> HTTPResponse:
        """Empty TwiML: we answer through the REST API, not in the webhook's response."""
        return response.text("<Response></Response>", content_type="text/xml")

    async def send(self, to: str, text: str) -> None:
        try:
            await self._client.messages.create_async(to=to, from_=self._number, body=text)
        except TwilioException as exc:
            raise SendFailed(str(exc)) from exc

    async def close(self) -> None:
        await self._http.close()


class JsonProvider:
    """A generic gateway, set up by settings alone; both directions carry an HMAC signature."""

    def __init__(self, settings: Settings) -> None:
        if not (settings.sms_json_out_url and settings.sms_json_secret and settings.sms_number):
            raise ValueError(
                "The json SMS provider needs HULPBOT_SMS_JSON_OUT_URL, "
                "HULPBOT_SMS_JSON_SECRET and HULPBOT_SMS_NUMBER"
            )
        self._out = settings.sms_json_out_url
        self._secret = settings.sms_json_secret.encode()
        self._number = settings.sms_number
        self._max_age = settings.sms_json_max_age
        self._session: aiohttp.ClientSession | None = None

    def sign(self, timestamp: str, body: bytes) -> str:
        """HMAC-SHA256 of "<timestamp>." followed by the body, in hex."""
        return hmac.new(self._secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()

    def signed_headers(self, body: bytes, now: float | None = None) -> dict[str, str]:
        timestamp = str(int(time.time() if now is None else now))
        return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: self.sign(timestamp, body)}

    async def receive(self, request: Request) -> Incoming | None:
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return None
        if abs(time.time() - int(timestamp)) > self._max_age:
            return None
        if not hmac.compare_digest(signature, self.sign(timestamp, request.body)):
            return None
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
        if not isinstance(data, dict) or not data.get("from") or not data.get("id"):
            return None
        return Incoming(str(data["from"]), str(data.get("text") or ""), str(data["id"]))

    def acknowledge(self) -> HTTPResponse:
        return response.json({"status": "ok"})

    async def send(self, to: str, text: str) -> None:
        body = json.dumps({"from": self._number, "to": to, "text": text}).encode()
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        try:
            async with self._session.post(
                self._out,
                data=body,
                headers={"Content-Type": "application/json", **self.signed_headers(body)},
            ) as reply:
                if reply.status >= 300:
                    raise SendFailed(f"gateway answered {reply.status}")
        except aiohttp.ClientError as exc:
            raise SendFailed(str(exc)) from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


PROVIDERS: dict[str, Callable[[Settings], Provider]] = {
    "twilio": TwilioProvider,
    "json": JsonProvider,
}


class SmsInput(OwnChannel):
    """SMS in, Rasa's answers out as SMS. Off, with one log line, without a provider."""

    @classmethod
    def name(cls) -> str:
        return SMS

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        # The twilio library logs each request, body and numbers included, at INFO.
        logging.getLogger("twilio").setLevel(logging.WARNING)
        self._provider: Provider | None = None
        self._store: SmsRepository | None = None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("sms_webhook", __name__)

        @bp.get("/")
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "sms": self._settings.sms_provider or "off"})

        @bp.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            if self._provider is None or self._store is None:
                return response.text("forbidden", status=403)
            incoming = await self._provider.receive(request)
            if incoming is None:
                return response.text("forbidden", status=403)
            self._in_background(self._handle(incoming, on_new_message))
            return self._provider.acknowledge()

        @bp.listener("before_server_start")
        async def start(app: Sanic, _loop: object) -> None:
            name = self._settings.sms_provider
            if not name:
                log.warning(
                    "SMS channel off: HULPBOT_SMS_PROVIDER is not set (other channels work)"
                )
                return
            if not self._settings.sender_key:
                log.error("SMS channel off: HULPBOT_SENDER_KEY is not set (see .env.example)")
                return
            try:
                provider = PROVIDERS[name](self._settings)
            except ValueError as exc:
                log.error("SMS channel off: %s", exc)
                return
            engine = make_engine(self._settings.database_url)
            await asyncio.to_thread(migrate, engine)
            self._store, self._provider = SmsRepository(engine), provider
            log.info("SMS channel on (%s), webhook at /webhooks/sms/webhook", name)

        @bp.listener("before_server_stop")
        async def stop(app: Sanic, _loop: object) -> None:
            self._cancel_background()
            if self._provider is not None:
                await self._provider.close()

        return bp

    async def _handle(self, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        """One SMS; whatever goes wrong, the resident gets an answer unless they said STOP."""
        assert self._store is not None
        store = self._store
        now = self._settings.now()
        sender = find_phone(incoming.sender) or incoming.sender
        try:
            if not await asyncio.to_thread(store.first_time, incoming.message_id, now):
                return
            said = normalise(incoming.text)
            if said in STOP_WORDS:
                await asyncio.to_thread(store.opt_out, sender, now)
                await self._send(sender, STOPPED, [], ignore_opt_out=True)
                return
            code = start_code(incoming.text)
            if said in START_WORDS or code:
                await asyncio.to_thread(store.opt_in, sender)
                await self._converse(sender, "/greet", on_new_message, code)
                return
            if await asyncio.to_thread(store.opted_out, sender):
                return
            options = await asyncio.to_thread(store.take_options, sender)
            text = chosen_payload(incoming.text, options) if options else None
            await self._converse(sender, text or incoming.text, on_new_message)
        except Exception:
            log.exception("SMS %s could not be handled", incoming.message_id)
            await self._apologise(sender)

    async def _apologise(self, to: str) -> None:
        """The apology, also when the database is what failed: then the opt-out and the cap
        cannot be checked, and one answer to a message just received is the lesser harm."""
        assert self._provider is not None
        text = await self._sorry()
        try:
            await self._send(to, text, [])
            return
        except Exception:
            log.exception("The SMS store failed; sending the apology without it")
        try:
            await self._provider.send(to, sms_parts(text)[0])
        except SendFailed as exc:
            log.error("SMS apology not sent: %s", exc)

    async def _converse(
        self, sender: str, text: str, on_new_message: OnNewMessage, referral: str | None = None
    ) -> None:
        """Let Rasa answer, then send the whole turn as one text."""
        said, note = capped(text)
        collector = CollectingOutputChannel()
        metadata = {"phone": sender, **({"referral_code": referral} if referral else {})}
        await on_new_message(
            UserMessage(
                said,
                collector,
                sms_sender(sender, self._settings.sender_key),
                input_channel=self.name(),
                metadata=metadata,
            )
        )
        texts = [m["text"] for m in collector.messages if m.get("text")]
        buttons: list[dict[str, Any]] = next(
            (m["buttons"] for m in reversed(collector.messages) if m.get("buttons")), []
        )
        if not texts:
            texts = [await self._sorry()]
        await self._send(sender, "\n".join([*([note] if note else []), *texts]), buttons)

    async def _send(
        self, to: str, text: str, buttons: list[dict[str, Any]], ignore_opt_out: bool = False
    ) -> None:
        assert self._store is not None and self._provider is not None
        store = self._store
        if not ignore_opt_out and await asyncio.to_thread(store.opted_out, to):
            return
        if buttons:  # every incoming message already cleared the previous options
            await asyncio.to_thread(store.offer_options, to, buttons)
        body = with_options(text, buttons) if buttons else text
        today = self._settings.now().date()
        for part in sms_parts(body):
            allowance = await asyncio.to_thread(
                store.allow_message, to, today, self._settings.sms_daily_cap
            )
            if allowance is Allowance.blocked:
                log.warning("SMS daily cap reached for a number; message not sent")
                return
            message = CAP_REACHED if allowance is Allowance.last else part
            try:
                await self._provider.send(to, message)
            except SendFailed as exc:
                log.error("SMS not sent: %s", exc)
                return
            if allowance is Allowance.last:
                return
