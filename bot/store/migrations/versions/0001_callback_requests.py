"""Call-back requests, audit events and the notification outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("submission_key", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32)),
        sa.Column("name", sa.String(100)),
        sa.Column("preferred_moment", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("excerpt", sa.Text()),
        sa.Column("referral_code", sa.String(64)),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("assigned_to", sa.String(100)),
        sa.Column("notes", sa.Text()),
        sa.Column("called_at", sa.DateTime()),
        sa.Column("closed_at", sa.DateTime()),
        sa.Column("purged_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_callback_request"),
        sa.UniqueConstraint("reference", name="uq_callback_request_reference"),
        sa.UniqueConstraint("submission_key", name="uq_callback_request_submission_key"),
    )
    op.create_index("ix_callback_request_sender_id", "callback_request", ["sender_id"])
    op.create_index("ix_callback_request_status", "callback_request", ["status"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("request_id", sa.Integer()),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["callback_request.id"],
            ondelete="CASCADE",
            name="fk_audit_event_request_id_callback_request",
        ),
    )
    op.create_index("ix_audit_event_request_id", "audit_event", ["request_id"])
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_notification_outbox"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["callback_request.id"],
            ondelete="CASCADE",
            name="fk_notification_outbox_request_id_callback_request",
        ),
    )
    op.create_index("ix_notification_outbox_request_id", "notification_outbox", ["request_id"])
    op.create_index(
        "ix_notification_outbox_next_attempt_at", "notification_outbox", ["next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("notification_outbox")
    op.drop_table("audit_event")
    op.drop_table("callback_request")
