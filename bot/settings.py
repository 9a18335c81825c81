"""The one place that reads the environment.

Every other module receives a `Settings` object (or the values it needs), so
tests can build settings in code and nothing depends on the process state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
N = TypeVar("N", int, float)


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    content_dir: Path
    timezone: ZoneInfo
    staleness_days: int
    # A fixed "now" for demonstrations and end-to-end tests; None means the real clock.
    clock: datetime | None
    rasa_url: str
    # Seconds the web app waits for Rasa before the resident gets the apology.
    rasa_timeout: float
    # Where the Rasa server and the action server listen: this machine only, unless a private
    # network address is set (replicas on other hosts). Never a public address.
    rasa_host: str
    rasa_port: int
    action_host: str
    action_port: int
    # Seconds Rasa waits for an action before the resident gets the apology (Rasa's own: 300).
    action_timeout: int
    # The secret our own processes show each other (Rasa's API, the action server, the web
    # channel behind the web app), in an Authorization header. Unset: those calls are refused.
    internal_token: str | None
    # Key for the keyed hash that turns an SMS number into a conversation id, so the number is
    # never the id. Changing it starts new conversations for every SMS resident.
    sender_key: str | None
    # Proxies in front of our web servers (nginx: 1), so the client address is read from
    # X-Forwarded-For; 0 trusts no header.
    proxies_count: int
    database_url: str
    # Rasa's tracker store (the conversations), so `bot forget` can remove one.
    tracker_db_url: str
    # Days after closing before a request's phone, name and excerpt are removed.
    retention_days: int
    # Days after its last message before a conversation without an open request is deleted.
    conversation_retention_days: int
    # Where new requests are announced (both optional): an SMTP server and/or a webhook URL.
    smtp_host: str | None
    smtp_port: int
    smtp_from: str
    smtp_to: tuple[str, ...]
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    notify_webhook_url: str | None
    # Seconds between two rounds of the worker (notifications; the purge runs daily).
    worker_interval: int
    # The staff dashboard: where it listens, and how its login cookie behaves.
    dashboard_host: str
    dashboard_port: int
    # The address staff use. The session cookie is Secure unless this is plain http on this
    # machine (development); HULPBOT_DASHBOARD_SECURE_COOKIES=true/false overrides.
    dashboard_public_url: str
    dashboard_secure_cookies: bool
    # Minutes without activity after which a staff member must log in again.
    dashboard_idle_minutes: int
    # Telegram: without a token the channel is off. The secret guards the webhook.
    telegram_token: str | None
    telegram_secret: str | None
    # "webhook" (Telegram posts to us) or "polling" (we ask; for a laptop without a public address)
    telegram_mode: str
    # The Bot API address; only tests point it elsewhere (a local fake Telegram).
    telegram_api_url: str
    # At most one message per this many seconds to one chat (Telegram's flood limit).
    telegram_chat_interval: float
    # SMS: "" (off), "twilio" or "json" (a generic gateway: JSON in, JSON out, HMAC-signed).
    sms_provider: str
    # Our own number, the sender of every reply.
    sms_number: str | None
    # The webhook address as the provider calls it (behind a proxy it differs from ours);
    # Twilio signs it. Empty: the address the request arrived at.
    sms_public_url: str | None
    twilio_account_sid: str | None
    twilio_auth_token: str | None
    twilio_api_url: str
    sms_json_out_url: str | None
    sms_json_secret: str | None
    # A JSON gateway's signed timestamp may be at most this many seconds old (or ahead).
    sms_json_max_age: int
    # Outgoing messages per number per day, against loops and abuse.
    sms_daily_cap: int
    # The residents' web chat (/chat, /widget.js) and the share page (/delen).
    web_host: str
    web_port: int
    # The address residents use, for links and QR codes (behind a proxy it differs).
    web_public_url: str
    # Other sites (origins) that may embed the chat widget.
    web_embed_origins: tuple[str, ...]
    # The bot's Telegram username, for t.me links on the share page.
    telegram_bot_username: str | None
    # Who hands out the flyer on /delen (its sender line), and an optional logo file (PNG, SVG
    # or JPEG) printed next to it.
    org_name: str
    org_logo: Path | None
    # Only for the test suite: run the database tests on this PostgreSQL too.
    test_postgres_url: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        if env is None:
            dotenv = Path(os.environ.get("HULPBOT_ENV_FILE") or PROJECT_ROOT / ".env")
            env = {**read_dotenv(dotenv), **os.environ}
        tz = ZoneInfo(env.get("HULPBOT_TIMEZONE", "Europe/Brussels"))
        content_dir = Path(env.get("HULPBOT_CONTENT_DIR", str(PROJECT_ROOT / "data" / "content")))
        dashboard_url = (
            env.get("HULPBOT_DASHBOARD_PUBLIC_URL")
            or f"http://127.0.0.1:{_int(env, 'HULPBOT_DASHBOARD_PORT', 5080)}"
        ).rstrip("/")
        return cls(
            content_dir=content_dir,
            timezone=tz,
            staleness_days=_int(env, "HULPBOT_STALENESS_DAYS", 180),
            clock=_datetime(env, "HULPBOT_CLOCK", tz),
            rasa_url=env.get("HULPBOT_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            rasa_timeout=_float(env, "HULPBOT_RASA_TIMEOUT", 30.0),
            rasa_host=env.get("HULPBOT_RASA_HOST", "127.0.0.1"),
            rasa_port=_int(env, "HULPBOT_RASA_PORT", 5005),
            action_host=env.get("HULPBOT_ACTION_HOST", "127.0.0.1"),
            action_port=_int(env, "HULPBOT_ACTION_PORT", 5055),
            action_timeout=_int(env, "HULPBOT_ACTION_TIMEOUT", 10),
            internal_token=env.get("HULPBOT_INTERNAL_TOKEN") or None,
            sender_key=env.get("HULPBOT_SENDER_KEY") or None,
            proxies_count=_int(env, "HULPBOT_PROXIES_COUNT", 0),
            database_url=env.get(
                "HULPBOT_DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'hulpbot.db'}"
            ),
            tracker_db_url=env.get(
                "HULPBOT_TRACKER_DB_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
            ),
            retention_days=_int(env, "HULPBOT_RETENTION_DAYS", 30),
            conversation_retention_days=_int(env, "HULPBOT_CONVERSATION_RETENTION_DAYS", 30),
            smtp_host=env.get("HULPBOT_SMTP_HOST") or None,
            smtp_port=_int(env, "HULPBOT_SMTP_PORT", 25),
            smtp_from=env.get("HULPBOT_SMTP_FROM", "hulpbot@localhost"),
            smtp_to=tuple(
                a.strip() for a in env.get("HULPBOT_SMTP_TO", "").split(",") if a.strip()
            ),
            smtp_username=env.get("HULPBOT_SMTP_USERNAME") or None,
            smtp_password=env.get("HULPBOT_SMTP_PASSWORD") or None,
            smtp_starttls=_bool(env, "HULPBOT_SMTP_STARTTLS"),
            notify_webhook_url=env.get("HULPBOT_NOTIFY_WEBHOOK_URL") or None,
            worker_interval=_int(env, "HULPBOT_WORKER_INTERVAL", 15),
            dashboard_host=env.get("HULPBOT_DASHBOARD_HOST", "127.0.0.1"),
            dashboard_port=_int(env, "HULPBOT_DASHBOARD_PORT", 5080),
            dashboard_public_url=dashboard_url,
            dashboard_secure_cookies=_secure_cookies(env, dashboard_url),
            dashboard_idle_minutes=_int(env, "HULPBOT_DASHBOARD_IDLE_MINUTES", 30),
            telegram_token=env.get("HULPBOT_TELEGRAM_TOKEN") or None,
            telegram_secret=env.get("HULPBOT_TELEGRAM_SECRET") or None,
            telegram_mode=_choice(env, "HULPBOT_TELEGRAM_MODE", ("webhook", "polling")),
            telegram_api_url=env.get("HULPBOT_TELEGRAM_API_URL", "https://api.telegram.org/bot"),
            telegram_chat_interval=_float(env, "HULPBOT_TELEGRAM_CHAT_INTERVAL", 1.0),
            sms_provider=_choice(env, "HULPBOT_SMS_PROVIDER", ("", "twilio", "json")),
            sms_number=env.get("HULPBOT_SMS_NUMBER") or None,
            sms_public_url=env.get("HULPBOT_SMS_PUBLIC_URL") or None,
            twilio_account_sid=env.get("HULPBOT_TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=env.get("HULPBOT_TWILIO_AUTH_TOKEN") or None,
            twilio_api_url=env.get("HULPBOT_TWILIO_API_URL", "https://api.twilio.com"),
            sms_json_out_url=env.get("HULPBOT_SMS_JSON_OUT_URL") or None,
            sms_json_secret=env.get("HULPBOT_SMS_JSON_SECRET") or None,
            sms_json_max_age=_int(env, "HULPBOT_SMS_JSON_MAX_AGE", 300),
            sms_daily_cap=_int(env, "HULPBOT_SMS_DAILY_CAP", 30),
            web_host=env.get("HULPBOT_WEB_HOST", "127.0.0.1"),
            web_port=_int(env, "HULPBOT_WEB_PORT", 5090),
            web_public_url=(
                env.get("HULPBOT_WEB_PUBLIC_URL")
                or f"http://localhost:{_int(env, 'HULPBOT_WEB_PORT', 5090)}"
            ).rstrip("/"),
            web_embed_origins=tuple(
                o.strip().rstrip("/")
                for o in env.get("HULPBOT_WEB_EMBED_ORIGINS", "").split(",")
                if o.strip()
            ),
            telegram_bot_username=env.get("HULPBOT_TELEGRAM_BOT_USERNAME") or None,
            org_name=env.get("HULPBOT_ORG_NAME") or "Stad Mechelen - Sociaal Huis",
            org_logo=Path(env["HULPBOT_ORG_LOGO"]) if env.get("HULPBOT_ORG_LOGO") else None,
            test_postgres_url=env.get("TEST_POSTGRES_URL") or None,
        )

    def now(self) -> datetime:
        """The current time in the city's time zone (or the fixed clock)."""
        return self.clock if self.clock is not None else datetime.now(self.timezone)


def _number(env: Mapping[str, str], name: str, default: N, kind: Callable[[str], N]) -> N:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {what}, got {raw!r}") from exc


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`; the first is the default."""
    raw = (env.get(name) or choices[0]).strip().lower()
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _bool(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "ja"}


def _secure_cookies(env: Mapping[str, str], public_url: str) -> bool:
    """Secure unless explicitly off, or the dashboard is plain http on this machine."""
    raw = env.get("HULPBOT_DASHBOARD_SECURE_COOKIES", "").strip()
    if raw:
        return _bool(env, "HULPBOT_DASHBOARD_SECURE_COOKIES")
    url = urlsplit(public_url)
    return not (url.scheme == "http" and url.hostname in {"127.0.0.1", "localhost", "::1"})


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a `.env` file, as honcho reads them, so a `bot …` command typed by
    hand works on the same database and keys as `make run`. The environment wins."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    values = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _datetime(env: Mapping[str, str], name: str, tz: ZoneInfo) -> datetime | None:
    raw = env.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an ISO date-time, got {raw!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=tz)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a process we start (Rasa, the action server): ours, telemetry off."""
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **(extra or {})}
