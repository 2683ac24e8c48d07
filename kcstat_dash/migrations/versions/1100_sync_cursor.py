"""The sync cursor: where the last ``kcstat sync`` of each portal dataset stopped.

Revision ID: 1100
Revises: 1000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1100"
down_revision = "1000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_cursor",
        sa.Column("dataset", sa.String(length=20), nullable=False),
        sa.Column("updated_through", sa.String(length=40), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_run.id"], ondelete="SET NULL",
                                name=op.f("fk_sync_cursor_import_run_id_import_run")),
        sa.PrimaryKeyConstraint("dataset", name=op.f("pk_sync_cursor")),
    )


def downgrade() -> None:
    op.drop_table("sync_cursor")
