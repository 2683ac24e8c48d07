"""Sessions that end: a session version on each account; sign-in throttling moves out of it.

Sign-out, a password change or reset and deactivation raise ``user.session_version``, which
every session and remember cookie carries, so a cookie copied before stops working. Failed
sign-ins are now counted per account and address together in the rate limiter's storage
(services/accounts.py), so the per-account ``failed_logins`` and ``locked_until`` go.

Revision ID: 0900
Revises: 0800
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0900"
down_revision = "0800"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.drop_column("session_version")
