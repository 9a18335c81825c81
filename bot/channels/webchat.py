"""The channel behind the residents' web app: Rasa's REST contract, but for our web app only.

Rasa's bundled REST channel lets any caller pick the conversation id, the channel name and
metadata such as a "vouched" phone number. This one answers only a caller with our
internal token (the web app), makes the id itself ("web:" + the browser's random id, so it
can never reach a Telegram or SMS conversation), ignores any channel or metadata in the
body, trims long messages, and always answers: the apology when Rasa fails. The one thing
it takes besides the message is the code of the organisation that shared the link
(`/chat?via=CODE`), kept with the message like Telegram's /start code.

POST /webhooks/web/webhook {"sender": "<8-64 letters, digits, - or _>", "message": "...",
"referral_code": "<optional, letters, digits, - or _>"}
with `Authorization: Bearer <HULPBOT_INTERNAL_TOKEN>`; the reply is Rasa's REST format.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.apology import apology
from bot.callback import valid_referral
from bot.channels.base import OwnChannel
from bot.channels.text import capped
from bot.internal import authorised
from bot.senders import BROWSER_ID, WEB, web_sender

log = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class WebInput(OwnChannel):
    @classmethod
    def name(cls) -> str:
        return WEB

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("web_webhook", __name__)

        @bp.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request.headers.get("authorization"), self._settings.internal_token):
                return response.json({"error": "not allowed"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not BROWSER_ID.match(sender):
                return response.json({"error": "sender: 8-64 letters or digits"}, status=400)
            if not isinstance(text, str):
                return response.json({"error": "message: text needed"}, status=400)
            code = body.get("referral_code")
            metadata = {"referral_code": code} if valid_referral(code) else None
            return response.json(
                await self.answer(web_sender(sender), text, on_new_message, metadata)
            )

        return bp

    async def answer(
        self,
        sender_id: str,
        text: str,
        on_new_message: OnNewMessage,
        metadata: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        said, note = capped(text)
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(said, collector, sender_id, input_channel=WEB, metadata=metadata)
            )
        except Exception:
            log.exception("A web message could not be handled")
            collector.messages.clear()
        messages: list[dict[str, Any]] = list(collector.messages)
        if not messages:
            messages = [{"recipient_id": sender_id, "text": await apology(self._catalogue)}]
        if note:
            messages.insert(0, {"recipient_id": sender_id, "text": note})
        return messages
