"""The bench's own database: PostgreSQL (a fresh database on the given server) or SQLite."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from kcstat_dash.settings import normalise_database_url


@dataclass
class BenchDatabase:
    """A database made for one bench run; ``drop()`` removes it."""

    url: str
    backend: str
    _server_url: str | None = None
    _name: str | None = None
    _tempdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @classmethod
    def create(cls, server_url: str | None, label: str = "bench") -> BenchDatabase:
        """A new empty database: on the PostgreSQL server of ``server_url``, else a SQLite file."""
        if server_url:
            server = make_url(normalise_database_url(server_url))
            name = f"kcstat_{label}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = server.set(database=name).render_as_string(hide_password=False)
            return cls(url, "postgresql", server.render_as_string(hide_password=False), name)
        tempdir = tempfile.TemporaryDirectory(prefix=f"kcstat-{label}-")
        return cls(f"sqlite:///{Path(tempdir.name) / 'kcstat.db'}", "sqlite", _tempdir=tempdir)

    def drop(self) -> None:
        if self._name:
            admin = create_engine(self._server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            admin.dispose()
        if self._tempdir is not None:
            self._tempdir.cleanup()

    def version(self) -> str:
        engine = create_engine(self.url)
        with engine.connect() as conn:
            if self.backend == "sqlite":
                found = "SQLite " + conn.execute(text("select sqlite_version()")).scalar()
            else:
                found = conn.execute(text("show server_version")).scalar()
                found = "PostgreSQL " + found.split()[0]
        engine.dispose()
        return found

    def backend_pids(self) -> list[int]:
        """The PostgreSQL server processes serving this database (for their CPU time)."""
        if self.backend != "postgresql":
            return []
        engine = create_engine(self._server_url)
        with engine.connect() as conn:
            pids = conn.execute(text("select pid from pg_stat_activity where datname = :name"),
                                {"name": self._name}).scalars().all()
        engine.dispose()
        return list(pids)


def prepare(database: BenchDatabase) -> int:
    """Migrate, load the embedded sample and open a live meeting; returns the meeting's id."""
    from kcstat_dash.db import db
    from kcstat_dash.migrate import upgrade
    from kcstat_dash.services.data_load import load_sample

    upgrade(database.url)
    db.configure(database.url)
    report = load_sample(db)
    if report.errors:
        raise RuntimeError(f"the sample did not load: {report.errors}")
    from bench.protocol import live_meeting_id

    # The demo data has a live meeting (issue 3); older commits get one made here.
    meeting_id = live_meeting_id(db) or open_live_meeting(db)
    db.engine.dispose()
    return meeting_id


def open_live_meeting(db) -> int:
    """A live meeting on the first area, open for questions and publishing only after approval."""
    from kcstat_dash.models import Area, Meeting

    with db.transaction() as session:
        area = session.scalars(select(Area).order_by(Area.position)).first()
        now = datetime.now(UTC)
        meeting = Meeting(area_id=area.id, title=f"KCStat: {area.name} (bench)", starts_at=now,
                          ends_at=now + timedelta(hours=2), status="live",
                          accepting_questions=True, auto_publish=False)
        session.add(meeting)
        session.flush()
        return meeting.id
