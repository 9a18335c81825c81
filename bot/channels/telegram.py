"""Telegram through python-telegram-bot 22: a Rasa input channel and its output channel.

Registered in credentials.yml as `bot.channels.telegram.TelegramInput`. Updates come by
webhook (Telegram posts to /webhooks/telegram/webhook with the secret header) or, on a
laptop without a public address, by polling. Telegram is answered at once; the update is
handled afterwards, so a slow reply never makes Telegram send the update again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, Request, Sanic, response
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.callback import valid_referral
from bot.channels.base import OwnChannel
from bot.channels.text import capped, split_message
from bot.senders import TELEGRAM, telegram_chat, telegram_sender
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.seen import first_time
from bot.store.tables import telegram_seen

log = logging.getLogger(__name__)
T = TypeVar("T")
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

MAX_MESSAGE = 4096
# Telegram allows at most 64 bytes of callback data on an inline button.
MAX_CALLBACK_DATA = 64
SHARE_PHONE = "Deel mijn nummer"
NON_TEXT = "Ik kan alleen tekst lezen. Typ je vraag, of vraag dat we je bellen."
NOT_YOUR_NUMBER = "Dat is niet jouw nummer. Deel je eigen nummer met de knop, of typ je nummer."
CALLBACK_BUTTON = ("Bel mij terug", "/request_callback")
SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Commands we understand, as what Rasa receives.
COMMANDS = {"/start": "/greet", "/help": "/help", "/stop": "stop"}
POLL_SECONDS = 10
SEND_RETRIES = 3


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Sender:
    """Calls the Bot API for one chat at a time, within Telegram's flood limits.

    A 429 waits the `retry_after` Telegram names; a network error is retried with backoff;
    any other refusal is logged. Nothing raises: a Telegram problem never stops the channel.
    """

    def __init__(
        self,
        interval: float,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._backoff = backoff
        self._sleep = sleep
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_message: dict[int, float] = {}

    async def call(
        self, chat_id: int, what: str, request: Callable[[], Awaitable[T]], *, message: bool
    ) -> T | None:
        """`request` for `chat_id`; a `message` waits until the chat's interval has passed."""
        async with self._locks[chat_id]:
            if message:
                last = self._last_message.get(chat_id)
                if last is not None and (wait := last + self._interval - time.monotonic()) > 0:
                    await self._sleep(wait)
            result = await self._with_retries(what, request)
            if message:
                self._last_message[chat_id] = time.monotonic()
            return result

    async def _with_retries(self, what: str, request: Callable[[], Awaitable[T]]) -> T | None:
        for attempt in range(SEND_RETRIES + 1):
            try:
                return await request()
            except RetryAfter as exc:
                log.warning("Telegram flood limit on %s: waiting %s s", what, exc.retry_after)
                await self._sleep(_seconds(exc.retry_after))
            except BadRequest as exc:
                log.warning("Telegram refused %s: %s", what, exc.message)
                return None
            except NetworkError as exc:
                log.warning("Network error on %s (attempt %d): %s", what, attempt + 1, exc)
                await self._sleep(self._backoff * 2**attempt)
            except TelegramError as exc:
                log.warning("Telegram refused %s: %s", what, exc.message)
                return None
        log.error("Gave up on %s after %d attempts", what, SEND_RETRIES + 1)
        return None


class Payloads:
    """Button payloads as callback data: short ones as they are, long ones by a digest.

    Digests are remembered in memory. After a restart an old button still works: its
    title, which Telegram sends back with the message, is used as what the resident said.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()
        self._size = size

    def data_for(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_DATA:
            return payload
        key = "#" + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self._size:
            self._long.popitem(last=False)
        return key

    def payload_of(self, data: str, message: Message | None) -> str | None:
        if not data.startswith("#"):
            return data
        if data in self._long:
            return self._long[data]
        keyboard = message.reply_markup.inline_keyboard if message and message.reply_markup else ()
        return next((b.text for row in keyboard for b in row if b.callback_data == data), None)


class TelegramOutput(OutputChannel):
    """Rasa's replies as Telegram messages: buttons become an inline keyboard."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, bot: Bot, sender: Sender, payloads: Payloads, keyboards: set[int]) -> None:
        self._bot = bot
        self._sender = sender
        self._payloads = payloads
        # Chats that were shown the "Deel mijn nummer" keyboard, to take it away afterwards.
        self._keyboards = keyboards

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """The phone question carries a hint to offer the contact button with it."""
        custom = message.get("custom") or {}
        if custom.get("share_phone") and message.get("text"):
            await self._send(recipient_id, message["text"], share_phone=True)
            return
        await super().send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(recipient_id, text, buttons)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        """Hints for other channels have nothing to show here."""

    async def _send(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]] | None = None,
        share_phone: bool = False,
    ) -> None:
        chat_id = telegram_chat(recipient_id)
        parts = split_message(text, MAX_MESSAGE)
        for index, part in enumerate(parts):
            markup = (
                self._markup(chat_id, buttons, share_phone) if index == len(parts) - 1 else None
            )
            await self._sender.call(
                chat_id,
                "sendMessage",
                partial(self._bot.send_message, chat_id, part, reply_markup=markup),
                message=True,
            )

    def _markup(
        self, chat_id: int, buttons: list[dict[str, Any]] | None, share_phone: bool
    ) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
        if buttons:
            # One button per row: large targets, titles never cut off.
            return InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            b["title"], callback_data=self._payloads.data_for(b["payload"])
                        )
                    ]
                    for b in buttons
                ]
            )
        if share_phone:
            self._keyboards.add(chat_id)
            return ReplyKeyboardMarkup(
                [[KeyboardButton(SHARE_PHONE, request_contact=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
        if chat_id in self._keyboards:
            self._keyboards.discard(chat_id)
            return ReplyKeyboardRemove()
        return None


class TelegramInput(OwnChannel):
    """Telegram updates in, Rasa's answers out. Off, with one log line, without a token."""

    @classmethod
    def name(cls) -> str:
        return TELEGRAM

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        # Bot API URLs contain the bot's token: httpx logs each one at INFO, the library at DEBUG.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("telegram").setLevel(logging.INFO)
        self._bot: Bot | None = None
        if settings.telegram_token:
            self._bot = Bot(settings.telegram_token, base_url=settings.telegram_api_url)
        self._sender = Sender(settings.telegram_chat_interval)
        self._payloads = Payloads()
        self._engine: Engine | None = None
        self._keyboards: set[int] = set()
        self._poller: asyncio.Task[None] | None = None

    def get_output_channel(self) -> OutputChannel:
        """Where replies go; while the channel is off, Rasa's collector (nothing is sent)."""
        if self._bot is None:
            return CollectingOutputChannel()
        return TelegramOutput(self._bot, self._sender, self._payloads, self._keyboards)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("telegram_webhook", __name__)

        @bp.get("/")
        async def health(request: Request) -> HTTPResponse:
            state = "off" if self._bot is None else self._settings.telegram_mode
            return response.json({"status": "ok", "telegram": state})

        @bp.post("/webhook")
        async def receive(request: Request) -> HTTPResponse:
            if not self._webhook_allowed(request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
                return response.text("forbidden", status=403)
            assert self._bot is not None
            update = self._update(request)
            if update is None:
                return response.text("bad request", status=400)
            if await self._first_time(update.update_id):
                self._in_background(self._handle(update, on_new_message))
            return response.text("ok")

        @bp.listener("after_server_start")
        async def start(app: Sanic, _loop: object) -> None:
            if self._bot is None:
                log.warning(
                    "Telegram channel off: HULPBOT_TELEGRAM_TOKEN is not set (other channels work)"
                )
                return
            self._engine = make_engine(self._settings.database_url)
            await asyncio.to_thread(migrate, self._engine)
            if self._settings.telegram_mode == "webhook" and not self._secret_usable():
                log.error(
                    "Telegram webhook refuses every update: set HULPBOT_TELEGRAM_SECRET "
                    "(1-256 letters, digits, _ or -) and run `bot telegram set-webhook URL`"
                )
            if self._settings.telegram_mode == "polling":
                self._poller = asyncio.create_task(self._poll(on_new_message))
                log.info("Telegram channel on, polling for updates")
            else:
                log.info("Telegram channel on, webhook at /webhooks/telegram/webhook")

        @bp.listener("before_server_stop")
        async def stop(app: Sanic, _loop: object) -> None:
            if self._poller is not None:
                self._poller.cancel()
            self._cancel_background()

        return bp

    def _secret_usable(self) -> bool:
        secret = self._settings.telegram_secret
        return secret is not None and SECRET.match(secret) is not None

    def _webhook_allowed(self, sent: str | None) -> bool:
        if self._bot is None or self._settings.telegram_mode != "webhook":
            return False
        if not self._secret_usable() or sent is None:
            return False
        assert self._settings.telegram_secret is not None
        return hmac.compare_digest(sent.encode(), self._settings.telegram_secret.encode())

    async def _poll(self, on_new_message: OnNewMessage) -> None:
        """Ask Telegram for updates in a loop (getUpdates); errors wait and try again."""
        assert self._bot is not None
        bot = self._bot
        await self._sender.call(0, "deleteWebhook", bot.delete_webhook, message=False)
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=POLL_SECONDS,
                    allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
                )
                failures = 0
            except TelegramError as exc:
                failures += 1
                log.warning("Telegram getUpdates failed (%d in a row): %s", failures, exc)
                await asyncio.sleep(min(60, 2**failures))
                continue
            for update in updates:
                offset = update.update_id + 1
                if await self._first_time(update.update_id):
                    await self._handle(update, on_new_message)

    def _update(self, request: Request) -> Update | None:
        """The update in a webhook body; None for anything that is not one."""
        data = request.json if request.body else None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self._bot)
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("A Telegram webhook body with the right secret was not an update")
            return None

    async def _first_time(self, update_id: int) -> bool:
        """Shared by every replica and kept over restarts. When the database cannot say,
        answer: a rare double answer is better than none."""
        if self._engine is None:
            return True
        try:
            return await asyncio.to_thread(
                first_time, self._engine, telegram_seen, str(update_id), self._settings.now()
            )
        except Exception:
            log.exception("Could not record Telegram update %s; handling it anyway", update_id)
            return True

    async def _handle(self, update: Update, on_new_message: OnNewMessage) -> None:
        """One update; if it goes wrong the resident still gets an answer, and the next update
        is handled as usual."""
        try:
            if update.callback_query is not None:
                await self._button_pressed(update, on_new_message)
            elif update.message is not None and update.message.chat.type == ChatType.PRIVATE:
                await self._message(update.message, on_new_message)
        except Exception:
            log.exception("Telegram update %s could not be handled", update.update_id)
            chat = update.effective_chat
            if chat is not None and chat.type == ChatType.PRIVATE:
                await self.get_output_channel().send_text_message(
                    telegram_sender(chat.id), await self._sorry()
                )

    async def _button_pressed(self, update: Update, on_new_message: OnNewMessage) -> None:
        query = update.callback_query
        assert query is not None and self._bot is not None
        message = query.message if isinstance(query.message, Message) else None
        chat_id = message.chat.id if message else query.from_user.id
        await self._sender.call(chat_id, "answerCallbackQuery", query.answer, message=False)
        if message is not None:
            await self._sender.call(
                chat_id,
                "editMessageReplyMarkup",
                partial(
                    self._bot.edit_message_reply_markup,
                    chat_id=chat_id,
                    message_id=message.message_id,
                    reply_markup=None,
                ),
                message=False,
            )
        payload = self._payloads.payload_of(query.data or "", message)
        if payload:
            await self._forward(chat_id, payload, {}, on_new_message)

    async def _message(self, message: Message, on_new_message: OnNewMessage) -> None:
        chat_id = message.chat.id
        if message.contact is not None:
            own = message.from_user is not None and message.contact.user_id == message.from_user.id
            if not own:
                await self.get_output_channel().send_text_message(
                    telegram_sender(chat_id), NOT_YOUR_NUMBER
                )
                return
            # Telegram gives international numbers, mostly without the "+".
            phone = "+" + message.contact.phone_number.lstrip("+")
            await self._forward(chat_id, phone, {"phone": phone}, on_new_message)
            return
        if not message.text or not message.text.strip():
            await self.get_output_channel().send_text_with_buttons(
                telegram_sender(chat_id),
                NON_TEXT,
                [{"title": CALLBACK_BUTTON[0], "payload": CALLBACK_BUTTON[1]}],
            )
            return
        said, note = capped(message.text.strip())
        if note:
            await self.get_output_channel().send_text_message(telegram_sender(chat_id), note)
        text, metadata = self._command(said)
        await self._forward(chat_id, text, metadata, on_new_message)

    @staticmethod
    def _command(text: str) -> tuple[str, dict[str, Any]]:
        """Telegram commands as Rasa input; any other leading "/" is not an intent payload."""
        if not text.startswith("/"):
            return text, {}
        command, _, argument = text.partition(" ")
        command = command.split("@", 1)[0].lower()
        if command == "/start" and valid_referral(argument.strip()):
            return COMMANDS[command], {"referral_code": argument.strip()}
        if command in COMMANDS:
            return COMMANDS[command], {}
        return text.lstrip("/") or "?", {}

    async def _forward(
        self,
        chat_id: int,
        text: str,
        metadata: dict[str, Any],
        on_new_message: OnNewMessage,
    ) -> None:
        assert self._bot is not None
        await self._sender.call(
            chat_id,
            "sendChatAction",
            partial(self._bot.send_chat_action, chat_id, ChatAction.TYPING),
            message=False,
        )
        await on_new_message(
            UserMessage(
                text,
                self.get_output_channel(),
                telegram_sender(chat_id),
                input_channel=self.name(),
                metadata=metadata or None,
            )
        )
