"""Questions keep the language they were asked in (issue 19): ``question.language``.

An ISO 639-1 code (``en``, ``es``) or NULL when it is not known (a post whose network named no
language). Every web question before this revision was asked on the English-only form, so those
are English; social posts stay unknown, as nothing recorded their language.

Revision ID: 1260
Revises: 1200
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1260"
down_revision = "1200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    op.execute("UPDATE question SET language = 'en' WHERE channel = 'web'")


def downgrade() -> None:
    with op.batch_alter_table("question") as batch_op:
        batch_op.drop_column("language")
