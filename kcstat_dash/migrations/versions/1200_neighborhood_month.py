"""Per-month neighborhood tallies and the request tally, so a sync updates the neighborhood
figures and the coverage without reading the whole request table.

Both tables start empty: the first ``kcstat sync`` (or ``kcstat recompute``) after this
migration sees that they were never built and recomputes everything once.

Revision ID: 1200
Revises: 1100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1200"
down_revision = "1100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "neighborhood_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("neighborhood", sa.String(length=120), nullable=False),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=True),
        sa.Column("days", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"], ondelete="CASCADE",
                                name=op.f("fk_neighborhood_month_measure_id_measure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighborhood_month")),
        sa.UniqueConstraint("measure_id", "period", "neighborhood",
                            name=op.f("uq_neighborhood_month_measure_id")),
    )
    op.create_index(op.f("ix_neighborhood_month_measure_id"), "neighborhood_month",
                    ["measure_id"])
    op.create_table(
        "request_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=20), nullable=False),
        sa.Column("nbh_id", sa.String(length=20), nullable=True),
        sa.Column("neighborhood", sa.String(length=120), nullable=True),
        sa.Column("request_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_tally")),
    )


def downgrade() -> None:
    op.drop_table("request_tally")
    op.drop_index(op.f("ix_neighborhood_month_measure_id"), table_name="neighborhood_month")
    op.drop_table("neighborhood_month")
