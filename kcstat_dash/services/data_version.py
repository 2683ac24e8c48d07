"""The data version: one number that changes whenever the published numbers change.

Database triggers bump it in the same transaction as every write to measures, observations,
targets, narratives and the rest a page draws (migrations/data_version_triggers.py), whoever
writes: an import, the nightly sync, a recompute, a steward's edit. Caches of built pages and
figures key on it, so a cache can be kept in each process's memory (every gunicorn worker, every
app instance) and still never serve a page older than the data: the key is in the database.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.models import DataVersion

# The one row the triggers bump.
ROW_ID = 1
QUERY = select(DataVersion.version).where(DataVersion.id == ROW_ID)


def current(session: Session) -> int:
    """The data version as this session sees it (0 on a database without the row)."""
    return session.scalar(QUERY) or 0


def token(session: Session) -> str:
    """The data version with the database it belongs to, for caches a process may share between
    databases (tests, the bench): two databases at the same version are not the same data."""
    url = session.get_bind().url.render_as_string(hide_password=True)
    return f"{hashlib.sha1(url.encode()).hexdigest()[:12]}:{current(session)}"
