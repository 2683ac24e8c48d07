"""One query, read on plain DB-API connections kept aside: the read a thousand browsers repeat.

The live feed's poll is a primary-key read of one integer. Through the pool, each poll paid
for a checkout, the pre-ping's round trip, the reset on return and SQLAlchemy's execution path
as well as the query: under gunicorn it answered at 36% of a minimal Flask endpoint's rate,
against 67% on a plain connection (bench/, issue 7). So this reader keeps its own idle
connections, each made by the engine's pool (the same URL, connect arguments and SQLite
pragmas) and then detached from it, in autocommit, and runs the statement the dialect compiled
once. It holds at most as many connections as requests ever ran it at once (a worker's threads).

Instead of pinging before each read, a read that fails is retried once on a new connection:
a server restart or a dropped connection costs one retry, not a round trip on every poll.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from kcstat_dash.db import Database


class PlainReader:
    """``reader.scalar(meeting_id=3)``: the statement's first column of its first row, or None;
    ``reader.first(meeting_id=3)``: that whole row (a tuple), or None."""

    def __init__(self, engine: Engine, statement: Select):
        self.engine = engine
        self._compiled = statement.compile(dialect=engine.dialect)
        self._sql = str(self._compiled)
        self._positional = engine.dialect.positional
        self._errors = engine.dialect.loaded_dbapi.Error
        # list.append and list.pop are atomic: threads share the idle list without a lock.
        self._idle: list = []
        self._generation = 0
        self._lock = threading.Lock()
        # Disposing of the engine (tests, a reconfigured app) closes these connections too.
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def _parameters(self, values: dict[str, Any]):
        params = self._compiled.construct_params(values)
        if self._positional:
            return tuple(params[name] for name in self._compiled.positiontup)
        return params

    def _connect(self):
        connection = self.engine.raw_connection()
        connection.detach()  # ours until closed: never returned to (or reset by) the pool
        self.engine.dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
        return connection

    def _close_quietly(self, connection) -> None:
        try:
            connection.close()
        except self._errors:
            pass  # already broken: that is why it is being closed

    def scalar(self, **values: Any) -> Any:
        row = self.first(**values)
        return None if row is None else row[0]

    def first(self, **values: Any) -> tuple | None:
        params = self._parameters(values)
        for attempt in (1, 2):
            generation = self._generation
            try:
                connection = self._idle.pop()
            except IndexError:
                connection = self._connect()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(self._sql, params)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except self._errors:
                self._close_quietly(connection)
                if attempt == 2:
                    raise
                continue
            if generation == self._generation:
                self._idle.append(connection)
            else:  # closed while this read ran: do not keep a connection from before
                self._close_quietly(connection)
            return None if row is None else tuple(row)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the idle connections; any in use are closed when their read ends."""
        with self._lock:
            self._generation += 1
            idle, self._idle = self._idle, []
        for connection in idle:
            self._close_quietly(connection)


# One reader per statement, made on first use and again when the database is reconfigured
# (tests configure a new one for every app).
_readers: dict[int, PlainReader] = {}


def reader(database: Database, statement: Select) -> PlainReader:
    """A reader of ``statement`` on plain connections of its own to ``database``, made once."""
    assert database.engine is not None, "Database.configure() has not been called"
    found = _readers.get(id(statement))
    if found is None or found.engine is not database.engine:
        found = _readers[id(statement)] = PlainReader(database.engine, statement)
    return found
