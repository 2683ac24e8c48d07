"""The data version (one counter every write to the published numbers bumps, by trigger) and
the meeting's content version (the feed version of its last change other than a vote count).

Revision ID: 1300
Revises: 1250
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kcstat_dash.migrations.data_version_triggers import create_statements, drop_statements

revision = "1300"
down_revision = "1250"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    dialect = op.get_bind().dialect.name
    for statement in create_statements(dialect):
        op.execute(statement)
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("content_version", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.execute("UPDATE meeting SET content_version = feed_version")


def downgrade() -> None:
    # In place, not by batch: rebuilding meeting would drop a table its questions point at,
    # which SQLite refuses with foreign keys on (SQLite 3.35+ drops a column itself).
    op.drop_column("meeting", "content_version")
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("data_version")
