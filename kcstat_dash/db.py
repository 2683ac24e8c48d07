"""The one SQLAlchemy engine and session factory, set up for SQLite or PostgreSQL."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import JSON, Table, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker


@contextmanager
def driver_cursor(session: Session) -> Iterator:
    """A DB-API cursor inside the session's transaction, for bulk reads and writes.

    SQLAlchemy builds a Row or a parameter dict for every row, which for tens of thousands of
    rows costs more than the database's own work; the driver takes plain tuples.
    """
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def fetch_column_chunks(session: Session, sql: str, width: int,
                        rows: int = 200_000) -> Iterator[list[tuple]]:
    """A query's result, ``rows`` at a time, each chunk as one tuple per column (``width`` of
    them), read through the driver; memory holds one chunk's row tuples at most.

    The driver makes a tuple per row, and every 700 new tuples set off a garbage collection;
    for tens of thousands of rows that ends in full collections, each walking every object
    alive (about 75 ms apiece here). The row tuples hold no cycles and are freed as soon as
    they are transposed, so the collector is paused meanwhile.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        with driver_cursor(session) as cursor:
            cursor.execute(sql)
            while True:
                fetched = cursor.fetchmany(rows)
                if not fetched:
                    return
                columns = list(zip(*fetched, strict=True))
                del fetched
                yield columns
    finally:
        if collecting:
            gc.enable()


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many rows (dicts with the same keys) into ``table`` in the session's transaction:
    PostgreSQL's COPY, unless a column left out has a Python-side default (COPY would not
    apply it); else SQLAlchemy's batched INSERT.

    For hundreds of thousands of small rows COPY takes a fraction of the INSERTs' time.
    """
    if not rows:
        return
    names = list(rows[0])
    defaulted = [c for c in table.columns if c.default is not None and c.name not in names]
    if session.get_bind().dialect.name != "postgresql" or defaulted:
        session.execute(table.insert(), rows)
        return
    session.flush()  # the ORM's pending writes go first, as they would before an INSERT
    # As SQLAlchemy's JSON type writes them: None as JSON's null unless the column says SQL NULL.
    as_json = {c.name: c.type.none_as_null for c in table.columns if isinstance(c.type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in names)
    with driver_cursor(session) as cursor, \
            cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_json_text(row[name], as_json[name]) if name in as_json
                            else row[name] for name in names])


def _json_text(value, none_as_null: bool) -> str | None:
    return None if value is None and none_as_null else json.dumps(value)


def make_engine(url: str) -> Engine:
    """Create an engine: WAL and a busy timeout on SQLite, pre-ping pooling on PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # WAL lets readers run beside one writer; busy_timeout makes writers wait rather
            # than fail with "database is locked" when several workers write at once.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)


class Database:
    """Holds the engine and a scoped session for request handlers; services get a Session."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self.session: scoped_session[Session] | None = None

    def configure(self, url: str) -> None:
        if self.engine is not None:
            self.engine.dispose()  # closes the live feed's plain readers' connections too
        self.engine = make_engine(url)
        self._factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self._factory)

    def new_session(self) -> Session:
        """A fresh session for code outside a request (CLI, workers, tests)."""
        assert self._factory is not None, "Database.configure() has not been called"
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits as one, or rolls back entirely on any error."""
        session = self.new_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def remove(self, _exc=None) -> None:
        if self.session is not None:
            self.session.remove()


# The one Database of a process: the app factory and the CLI configure it, request handlers
# use its scoped session, everything else opens sessions from it.
db = Database()
