"""social ingestion state: a run's page token and newest id, and the stored post version

Revision ID: 0400
Revises: 0200
Create Date: 2026-11-26 06:50:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0400"
down_revision: str | Sequence[str] | None = "0200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("social_cursor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_token", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("run_newest_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_version_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("external_version_id")
    with op.batch_alter_table("social_cursor", schema=None) as batch_op:
        batch_op.drop_column("run_newest_id")
        batch_op.drop_column("page_token")
