"""Every area measured: survey margins and numerators, coverage shares, caveats and series
breaks on measures, survey values by council district, and KCPD reports.

Revision ID: 0800
Revises: 0710
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0710"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observation") as batch_op:
        batch_op.add_column(sa.Column("numerator", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("margin_of_error", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("coverage_share", sa.Float(), nullable=True))
    with op.batch_alter_table("measure") as batch_op:
        batch_op.add_column(sa.Column("caveat", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("series_break", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("data_through", sa.String(length=10), nullable=True))
    op.create_table(
        "district_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("district", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=True),
        sa.Column("margin_of_error", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"], ondelete="CASCADE",
                                name=op.f("fk_district_observation_measure_id_measure")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_observation")),
        sa.UniqueConstraint("measure_id", "period", "district",
                            name=op.f("uq_district_observation_measure_id")),
    )
    op.create_index(op.f("ix_district_observation_measure_id"), "district_observation",
                    ["measure_id"])
    op.create_table(
        "crime_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_no", sa.String(length=40), nullable=False),
        sa.Column("reported_date", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("ibrs", sa.String(length=10), nullable=True),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("has_location", sa.Boolean(), nullable=False),
        sa.Column("source_table", sa.String(length=40), nullable=True),
        sa.Column("import_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_run_id"], ["import_run.id"],
                                name=op.f("fk_crime_report_import_run_id_import_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crime_report")),
        sa.UniqueConstraint("report_no", name=op.f("uq_crime_report_report_no")),
    )
    op.create_index(op.f("ix_crime_report_period"), "crime_report", ["period"])


def downgrade() -> None:
    op.drop_index(op.f("ix_crime_report_period"), table_name="crime_report")
    op.drop_table("crime_report")
    op.drop_index(op.f("ix_district_observation_measure_id"), table_name="district_observation")
    op.drop_table("district_observation")
    with op.batch_alter_table("measure") as batch_op:
        for name in ("data_through", "series_break", "caveat"):
            batch_op.drop_column(name)
    with op.batch_alter_table("observation") as batch_op:
        for name in ("coverage_share", "margin_of_error", "numerator"):
            batch_op.drop_column(name)
