"""Content in the database, urgent requests, calling again, content permission, reviewed messages.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(200), nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undoes", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_content_change"),
        sa.UniqueConstraint("document", "version", name="uq_content_change_document"),
    )
    op.create_index("ix_content_change_document", "content_change", ["document"])
    op.create_table(
        "reviewed_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("guessed_intent", sa.String(100)),
        sa.Column("intent", sa.String(100), nullable=False),
        sa.Column("message_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviewed_message"),
        sa.UniqueConstraint("message_key", name="uq_reviewed_message_message_key"),
    )
    op.create_index("ix_reviewed_message_message_at", "reviewed_message", ["message_at"])
    with op.batch_alter_table("callback_request") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("call_again_on", sa.Date()))
    op.create_index(
        "ix_callback_request_waiting",
        "callback_request",
        ["status", "preferred_moment", "created_at", "call_again_on"],
    )
    with op.batch_alter_table("staff_account") as batch:
        batch.add_column(
            sa.Column("can_edit_content", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_account") as batch:
        batch.drop_column("can_edit_content")
    op.drop_index("ix_callback_request_waiting", "callback_request")
    with op.batch_alter_table("callback_request") as batch:
        batch.drop_column("call_again_on")
        batch.drop_column("urgent")
    op.drop_index("ix_reviewed_message_message_at", "reviewed_message")
    op.drop_table("reviewed_message")
    op.drop_index("ix_content_change_document", "content_change")
    op.drop_table("content_change")
