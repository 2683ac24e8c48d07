"""The ingestion loop: page by page from the saved cursor, each page stored with its cursor."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kcstat_dash.db import Database
from kcstat_dash.models import SocialCursor, utcnow
from kcstat_dash.services.social.source import (
    CursorRejected,
    Page,
    RateLimited,
    SocialSource,
    SourceFatal,
    newer_id,
)
from kcstat_dash.services.social.store import QuestionWriter

log = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT_WAIT = 60.0  # seconds, when X does not say when the limit resets


@dataclass(frozen=True)
class CursorState:
    """Where a source's reading stands: ``since_id`` is stored in full; a run may be part-way."""

    since_id: str | None = None
    page_token: str | None = None
    run_newest_id: str | None = None

    def after(self, page: Page) -> CursorState:
        """The state once ``page`` is stored: the run goes on, or ends and since_id advances."""
        run_newest = newer_id(self.run_newest_id, page.newest_id)
        if page.next_token:
            return CursorState(self.since_id, page.next_token, run_newest)
        return CursorState(newer_id(self.since_id, run_newest), None, None)


@dataclass
class IngestReport:
    """What one ingestion did, for the command's summary and the logs."""

    source: str
    pages: int = 0
    posts: int = 0
    added: int = 0
    edited: int = 0
    already_stored: int = 0
    rate_limit_waits: int = 0
    lost_races: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}: {self.pages} page(s), {self.posts} post(s): {self.added} new "
                f"question(s), {self.edited} edit(s) applied, {self.already_stored} already "
                f"stored" + (f", waited {self.rate_limit_waits} time(s) for the rate limit"
                             if self.rate_limit_waits else "") + ".")


class IngestError(Exception):
    """Ingestion stopped; ``report`` says what was stored (and committed) before it did."""

    def __init__(self, error: Exception, report: IngestReport):
        super().__init__(str(error))
        self.report = report
        # Bad credentials or a bad query will fail the same way next time; anything else
        # (network, a malformed page, no meeting yet, the database) may well pass later.
        self.retryable = not isinstance(error, SourceFatal)


def _ensure_cursor(session: Session, source: str) -> None:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(SocialCursor).values(source=source, updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["source"]))


def read_cursor(session: Session, source: str) -> CursorState:
    row = session.get(SocialCursor, source, populate_existing=True)
    if row is None:
        return CursorState()
    return CursorState(row.since_id, row.page_token, row.run_newest_id)


def _matches(column, value):
    return column.is_(None) if value is None else column == value


def _swap_cursor(session: Session, source: str, expected: CursorState, new: CursorState) -> bool:
    """Move the cursor from ``expected`` to ``new`` if no one else moved it first.

    The UPDATE is the page transaction's first write, so it also takes the lock (the row on
    PostgreSQL, the database on SQLite) that serialises two ingesters' pages: the loser sees
    zero rows, rolls back and carries on from wherever the winner left the cursor.
    """
    result = session.execute(
        update(SocialCursor)
        .where(SocialCursor.source == source,
               _matches(SocialCursor.since_id, expected.since_id),
               _matches(SocialCursor.page_token, expected.page_token),
               _matches(SocialCursor.run_newest_id, expected.run_newest_id))
        .values(since_id=new.since_id, page_token=new.page_token,
                run_newest_id=new.run_newest_id, updated_at=utcnow()))
    return result.rowcount == 1


def _store_page(database: Database, source: SocialSource, state: CursorState, page: Page,
                report: IngestReport) -> bool:
    """Store a page's questions and advance the cursor past it, as one transaction."""
    with database.transaction() as session:
        if not _swap_cursor(session, source.name, state, state.after(page)):
            session.rollback()
            return False
        writer = QuestionWriter(session, source.name)
        for post in page.posts:
            writer.store(post)
    report.pages += 1
    report.posts += len(page.posts)
    report.added += writer.counts.added
    report.edited += writer.counts.edited
    report.already_stored += writer.counts.already_stored
    return True


def _reset_cursor(database: Database, source: str, state: CursorState,
                  rejected: CursorRejected) -> None:
    """Start over from a point the network accepts; the unique key absorbs any re-reading."""
    if rejected.parameter == "page_token":
        new = CursorState(state.since_id, None, None)
    else:
        new = CursorState(None, None, None)
    with database.transaction() as session:
        _swap_cursor(session, source, state, new)


def ingest(database: Database, source: SocialSource, *,
           sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.time,
           should_stop: Callable[[], bool] = lambda: False) -> IngestReport:
    """Read every new post into the moderation queue, from the saved cursor to the newest.

    Each page is committed with the cursor moved past it, so stopping at any moment (or
    crashing) loses nothing and the next run goes on from the last stored page. A rate limit
    waits for the reset and resumes; any other failure raises ``IngestError``, whose report
    counts what was stored (and committed) before it.
    """
    report = IngestReport(source=source.name)
    with database.transaction() as session:
        _ensure_cursor(session, source.name)
    while not should_stop():
        with database.transaction() as session:
            state = read_cursor(session, source.name)
        try:
            page = source.fetch(state.since_id, state.page_token)
        except RateLimited as limited:
            wait = (limited.reset_at - clock() + 1 if limited.reset_at is not None
                    else DEFAULT_RATE_LIMIT_WAIT)
            wait = max(wait, 1.0)
            log.warning("%s Waiting %.0f s for the reset, then resuming.", limited, wait)
            report.rate_limit_waits += 1
            sleep(wait)
            continue
        except CursorRejected as rejected:
            log.warning("%s Starting again from an accepted point; already-stored posts "
                        "are skipped.", rejected)
            report.warnings.append(str(rejected))
            _reset_cursor(database, source.name, state, rejected)
            continue
        except Exception as error:
            raise IngestError(error, report) from error
        for warning in page.warnings:
            log.warning("%s: %s", source.name, warning)
        report.warnings.extend(page.warnings)
        try:
            stored = _store_page(database, source, state, page, report)
        except Exception as error:
            raise IngestError(error, report) from error
        if not stored:
            report.lost_races += 1
            continue
        if page.next_token is None:
            break
    return report


def current_cursor(database: Database, source: str) -> CursorState:
    with database.transaction() as session:
        return read_cursor(session, source)


