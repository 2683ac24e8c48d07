"""Meetings carry a location: where the room is, on the meeting's page and in the calendar feed.

The livestream link already had its column (``meeting.livestream_url``); the demo's meetings
get Kansas City's City Hall as their place.

Revision ID: 1000
Revises: 0900
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1000"
down_revision = "0900"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("location")
