"""One query, read on plain DB-API connections kept aside: the read a thousand browsers repeat.

The live feed's poll is a primary-key read of one integer. Through the pool, each poll paid
for a checkout, the pre-ping's round trip, the reset on return and SQLAlchemy's execution path
as well as the query: under gunicorn it answered at 36% of a minimal Flask endpoint's rate,
against 67% on a plain connection (bench/, issue 7). So this reader keeps its own idle
connections, each made by the engine's pool (the same URL, connect arguments and SQLite
pragmas) and then detached from it, in autocommit, and runs the statement the dialect compiled
once. A worker holds at most as many as reads ever ran at once (its threads), for every
statement read this way together.

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


class PlainConnections:
    """One engine's plain connections, idle between reads, shared by every statement's reader:
    a worker holds at most as many as reads ran at once, however many statements it reads
    (each reader keeping its own would multiply that by the statements, and PostgreSQL's
    connection limit is shared by every worker of every instance)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.errors = engine.dialect.loaded_dbapi.Error
        # list.append and list.pop are atomic: threads share the idle list without a lock.
        self.idle: list = []
        self.generation = 0
        self._lock = threading.Lock()
        # Disposing of the engine (tests, a reconfigured app) closes these connections too.
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def take(self):
        try:
            return self.idle.pop()
        except IndexError:
            connection = self.engine.raw_connection()
            connection.detach()  # ours until closed: never returned to (or reset by) the pool
            self.engine.dialect.set_isolation_level(connection.dbapi_connection, "AUTOCOMMIT")
            return connection

    def give_back(self, connection, generation: int) -> None:
        if generation == self.generation:
            self.idle.append(connection)
        else:  # closed while this read ran: do not keep a connection from before
            self.close_quietly(connection)

    def close_quietly(self, connection) -> None:
        try:
            connection.close()
        except self.errors:
            pass  # already broken: that is why it is being closed

    def close(self) -> None:
        """Close the idle connections; any in use are closed when their read ends."""
        with self._lock:
            self.generation += 1
            idle, self.idle = self.idle, []
        for connection in idle:
            self.close_quietly(connection)


class PlainReader:
    """``reader.scalar(meeting_id=3)``: the statement's first column of its first row, or None;
    ``reader.first(meeting_id=3)``: that whole row (a tuple), or None."""

    def __init__(self, connections: PlainConnections, statement: Select):
        self.engine = connections.engine
        self.connections = connections
        self._compiled = statement.compile(dialect=self.engine.dialect)
        self._sql = str(self._compiled)
        self._positional = self.engine.dialect.positional

    @property
    def _idle(self) -> list:
        return self.connections.idle

    def _parameters(self, values: dict[str, Any]):
        params = self._compiled.construct_params(values)
        if self._positional:
            return tuple(params[name] for name in self._compiled.positiontup)
        return params

    def scalar(self, **values: Any) -> Any:
        row = self.first(**values)
        return None if row is None else row[0]

    def first(self, **values: Any) -> tuple | None:
        params = self._parameters(values)
        pool = self.connections
        for attempt in (1, 2):
            generation = pool.generation
            connection = pool.take()
            try:
                cursor = connection.cursor()
                try:
                    cursor.execute(self._sql, params)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except pool.errors:
                pool.close_quietly(connection)
                if attempt == 2:
                    raise
                continue
            pool.give_back(connection, generation)
            return None if row is None else tuple(row)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connections.close()


# One reader per statement and one set of connections per engine, made on first use and again
# when the database is reconfigured (tests configure a new one for every app).
_readers: dict[int, PlainReader] = {}
_connections: dict[int, PlainConnections] = {}


def reader(database: Database, statement: Select) -> PlainReader:
    """A reader of ``statement`` on the plain connections kept aside for ``database``."""
    engine = database.engine
    assert engine is not None, "Database.configure() has not been called"
    found = _readers.get(id(statement))
    if found is None or found.engine is not engine:
        connections = _connections.get(id(engine))
        if connections is None or connections.engine is not engine:
            connections = _connections[id(engine)] = PlainConnections(engine)
        found = _readers[id(statement)] = PlainReader(connections, statement)
    return found
