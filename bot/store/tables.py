"""Table definitions (SQLAlchemy 1.4 Core). Alembic migrations in `migrations/` create them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator):
    """Stored as naive UTC (the same on SQLite and PostgreSQL), read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store aware datetimes only")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def _request_id(nullable: bool = False) -> Column:
    """The request a row belongs to; deleting the request (`bot forget`) deletes the row."""
    return Column(
        "request_id",
        Integer,
        ForeignKey("callback_request.id", ondelete="CASCADE"),
        nullable=nullable,
        index=True,
    )


callback_request = Table(
    "callback_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    # One form submission, however often the action is retried, makes one row.
    Column("submission_key", String(100), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("sender_id", String(200), nullable=False, index=True),
    Column("phone", String(32)),
    Column("name", String(100)),
    Column("preferred_moment", String(32), nullable=False),
    Column("topic", String(64), nullable=False),
    Column("excerpt", Text),
    Column("referral_code", String(64)),
    Column("status", String(32), nullable=False, index=True),
    Column("assigned_to", String(100)),
    # Calls that did not reach the resident ("niet bereikbaar"), for the retry count.
    Column("call_attempts", Integer, nullable=False, server_default="0"),
    Column("called_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    # The resident was given urgent help in the same conversation: the request goes on top.
    Column("urgent", Boolean, nullable=False, server_default=false()),
    # "opnieuw bellen": the day staff plan to call again.
    Column("call_again_on", Date),
    # The menu counts open and late requests on every dashboard page from this index alone.
    Index(
        "ix_callback_request_waiting", "status", "preferred_moment", "created_at", "call_again_on"
    ),
    # When phone, name and excerpt were removed after the retention period.
    Column("purged_at", UtcDateTime),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    # Empty for actions that concern no single request (an export, an account change).
    _request_id(nullable=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", Text),
)

notification_outbox = Table(
    "notification_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    _request_id(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False, index=True),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
)

staff_account = Table(
    "staff_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    # No longer used (login_throttle replaced the lock); kept so an older version still runs.
    Column("failed_logins", Integer, nullable=False),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("disabled_at", UtcDateTime),
    # May change the facts the assistant tells residents (admins always may).
    Column("can_edit_content", Boolean, nullable=False, server_default=false()),
)

request_note = Table(
    "request_note",
    metadata,
    Column("id", Integer, primary_key=True),
    _request_id(),
    Column("created_at", UtcDateTime, nullable=False),
    Column("author", String(100), nullable=False),
    # Emptied with the phone number when the request's personal data is purged.
    Column("text", Text),
)


def _token_table(name: str) -> Table:
    """Secrets that stand for a logged-in staff member; only a SHA-256 of each is stored."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("token_hash", String(64), nullable=False, unique=True),
        Column(
            "staff_name",
            String(100),
            ForeignKey("staff_account.name", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("created_at", UtcDateTime, nullable=False),
        Column("last_seen_at", UtcDateTime, nullable=False),
        Column("csrf_token", String(64)),
    )


# A browser login (with its CSRF token); ends on logout or after the idle timeout.
staff_session = _token_table("staff_session")
# A token for the JSON API, acting as one staff member; lasts until revoked.
api_token = _token_table("api_token")

# One row per SMS number: the opt-out (STOP), today's outgoing count (the daily cap), and the
# numbered options of the last message, so "2" means what it meant there.
sms_contact = Table(
    "sms_contact",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("phone", String(32), nullable=False, unique=True),
    Column("opted_out_at", UtcDateTime),
    Column("day", Date),
    Column("sent_today", Integer, nullable=False, server_default="0"),
    Column("options", Text),
)


def _seen_table(name: str) -> Table:
    """Ids of webhook deliveries already handled, shared by every replica, so a delivery that
    arrives twice (or after a restart) is answered once."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("message_id", String(100), nullable=False, unique=True),
        Column("created_at", UtcDateTime, nullable=False, index=True),
    )


# SMS provider message ids (MessageSid or the JSON gateway's id).
sms_seen = _seen_table("sms_seen")
# Telegram update ids.
telegram_seen = _seen_table("telegram_seen")

# Failed dashboard logins per key ("account:NAME" or "address:IP"): each failure makes the next
# attempt wait longer, instead of a hard lock anyone could trigger for every account.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_failure_at", UtcDateTime, nullable=False, index=True),
    Column("blocked_until", UtcDateTime),
)

# The service catalogue, one row per change: the whole document after the change (so the newest
# row of a document is the current content) and the changed part before and after (for undo and
# the audit). The YAML files in data/content are only the first import.
content_change = Table(
    "content_change",
    metadata,
    Column("id", Integer, primary_key=True),
    # "general" or a service id: one YAML file each.
    Column("document", String(64), nullable=False, index=True),
    # 1, 2, …: one writer wins when two save on top of the same version.
    Column("version", Integer, nullable=False),
    # The changed fact, as keys and list positions ("locations/den_abeel/hours");
    # empty for a whole document (an import).
    Column("path", String(200), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("content", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # The change this one undoes.
    Column("undoes", Integer),
    UniqueConstraint("document", "version"),
)

# A resident's message a staff member has labelled (the right intent, or "niet voor ons"), for
# the next training. The text is stored with phone numbers masked, and deleted with the
# conversation retention like the conversation it came from.
reviewed_message = Table(
    "reviewed_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("guessed_intent", String(100)),
    Column("intent", String(100), nullable=False),
    Column("message_at", UtcDateTime, nullable=False, index=True),
    Column("reviewed_by", String(100), nullable=False),
    Column("reviewed_at", UtcDateTime, nullable=False),
    # The message in Rasa's tracker store (sender and timestamp), so it is labelled once.
    Column("message_key", String(64), nullable=False, unique=True),
)
