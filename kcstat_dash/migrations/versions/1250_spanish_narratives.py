"""Spanish narratives: a narrative may carry its Spanish version, shown on Spanish pages.

Revision ID: 1250
Revises: 1260
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1250"
down_revision = "1260"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("narrative") as batch:
        batch.add_column(sa.Column("body_es", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("narrative") as batch:
        batch.drop_column("body_es")
