"""What the dashboard needs: notes, call attempts, login sessions and API tokens.

The unused free-text `notes` column makes way for a table of dated, signed notes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_request") as batch:
        batch.add_column(
            sa.Column("call_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.drop_column("notes")
    op.create_table(
        "request_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("text", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_request_note"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["callback_request.id"],
            name="fk_request_note_request_id_callback_request",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_request_note_request_id", "request_note", ["request_id"])
    for table in ("staff_session", "api_token"):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False),
            sa.Column("staff_name", sa.String(100), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_seen_at", sa.DateTime(), nullable=False),
            sa.Column("csrf_token", sa.String(64)),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("token_hash", name=f"uq_{table}_token_hash"),
            sa.ForeignKeyConstraint(
                ["staff_name"],
                ["staff_account.name"],
                name=f"fk_{table}_staff_name_staff_account",
                ondelete="CASCADE",
            ),
        )


def downgrade() -> None:
    op.drop_table("api_token")
    op.drop_table("staff_session")
    op.drop_index("ix_request_note_request_id", "request_note")
    op.drop_table("request_note")
    with op.batch_alter_table("callback_request") as batch:
        batch.add_column(sa.Column("notes", sa.Text()))
        batch.drop_column("call_attempts")
