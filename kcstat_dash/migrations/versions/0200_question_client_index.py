"""An index for the duplicate check: the same client's same text within a minute.

Revision ID: 0200
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0200"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question") as batch_op:
        batch_op.create_index("ix_question_client_key", ["client_key", "text_hash"])


def downgrade() -> None:
    with op.batch_alter_table("question") as batch_op:
        batch_op.drop_index("ix_question_client_key")
