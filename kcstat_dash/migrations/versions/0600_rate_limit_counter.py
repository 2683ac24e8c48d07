"""Rate-limit counters shared by every worker when there is no Redis.

Revision ID: 0600
Revises: 0400
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600"
down_revision = "0400"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    with op.batch_alter_table("rate_limit_counter") as batch_op:
        batch_op.create_index("ix_rate_limit_counter_expires_at", ["expires_at"])


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_counter") as batch_op:
        batch_op.drop_index("ix_rate_limit_counter_expires_at")
    op.drop_table("rate_limit_counter")
