"""Runs ingestion in a separate process against the fake X, for the kill and SIGTERM tests.

``python -m tests.social.child_ingest kill DATABASE_URL MARKER``: ingest once, but stop dead in
the middle of page two (after one of its posts is written) having touched MARKER, so the parent
can SIGKILL it there. ``... follow DATABASE_URL``: run ``kcstat ingest-social --follow``.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import responses

from kcstat_dash.db import Database
from kcstat_dash.services.social import ingest
from kcstat_dash.services.social.store import QuestionWriter
from tests.social.conftest import P1, first_run_routes, x_source
from tests.social.x_api import TOKEN, FakeX


def kill_mode(url: str, marker: str) -> None:
    real_store = QuestionWriter.store

    def store_then_hang(writer, post):
        if post.id == P1:  # P2, page two's first post, is written but not committed
            Path(marker).touch()
            threading.Event().wait()  # until SIGKILL
        return real_store(writer, post)

    QuestionWriter.store = store_then_hang
    database = Database()
    database.configure(url)
    ingest(database, x_source())


def follow_mode(url: str) -> None:
    from kcstat_dash.cli import main

    os.environ.update(DATABASE_URL=url, X_BEARER_TOKEN=TOKEN)
    main(["ingest-social", "--follow", "--interval", "3600"])


if __name__ == "__main__":
    mode, url, *rest = sys.argv[1:]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        first_run_routes(FakeX(mock))
        kill_mode(url, rest[0]) if mode == "kill" else follow_mode(url)
