"""SMS: who opted out, today's count per number, the options last offered; message ids seen.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("opted_out_at", sa.DateTime()),
        sa.Column("day", sa.Date()),
        sa.Column("sent_today", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("options", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_sms_contact"),
        sa.UniqueConstraint("phone", name="uq_sms_contact_phone"),
    )
    op.create_table(
        "sms_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sms_seen"),
        sa.UniqueConstraint("message_id", name="uq_sms_seen_message_id"),
    )
    op.create_index("ix_sms_seen_created_at", "sms_seen", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_seen_created_at", "sms_seen")
    op.drop_table("sms_seen")
    op.drop_table("sms_contact")
