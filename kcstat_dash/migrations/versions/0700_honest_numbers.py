"""Honest numbers: n's companions, partial and provisional months, data coverage, field rules,
and a note on each target (where it was adopted).

Revision ID: 0700
Revises: 0600
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0600"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch_op:
        batch_op.add_column(sa.Column("eligible_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unknown_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("partial", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("provisional", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("measure") as batch_op:
        batch_op.add_column(sa.Column("definition_rule", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("judged_on_n", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("import_run") as batch_op:
        batch_op.add_column(sa.Column("covers_from", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("covers_through", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("neighborhood_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("citywide", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("measure_target") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_table(
        "data_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("data_from", sa.String(length=10), nullable=True),
        sa.Column("data_through", sa.String(length=10), nullable=True),
        sa.Column("neighborhoods", sa.JSON(), nullable=False),
        sa.Column("neighborhood_count", sa.Integer(), nullable=False),
        sa.Column("city_neighborhood_count", sa.Integer(), nullable=False),
        sa.Column("citywide", sa.Boolean(), nullable=False),
        sa.Column("dataset", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_coverage")),
        sa.UniqueConstraint("kind", name=op.f("uq_data_coverage_kind")),
    )


def downgrade() -> None:
    op.drop_table("data_coverage")
    with op.batch_alter_table("measure_target") as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("import_run") as batch_op:
        for name in ("citywide", "neighborhood_count", "covers_through", "covers_from"):
            batch_op.drop_column(name)
    with op.batch_alter_table("measure") as batch_op:
        batch_op.drop_column("judged_on_n")
        batch_op.drop_column("definition_rule")
    with op.batch_alter_table("observation") as batch_op:
        for name in ("provisional", "partial", "unknown_count", "eligible_count"):
            batch_op.drop_column(name)
