"""Which sources the settings turn on, and the polling loop behind ``ingest-social --follow``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kcstat_dash.db import Database
from kcstat_dash.services.social.ingest import IngestError, IngestReport, ingest
from kcstat_dash.services.social.source import SocialSource

log = logging.getLogger(__name__)

NOT_CONFIGURED = ("Social ingestion is not configured: set X_BEARER_TOKEN to an X API v2 bearer "
                  "token (and/or MASTODON_BASE_URL to a Mastodon server); the app itself runs "
                  "without them.")


def configured_sources(settings) -> list[SocialSource]:
    """The sources whose credentials are set; empty when social ingestion is off."""
    sources: list[SocialSource] = []
    if settings.x_bearer_token:
        from kcstat_dash.services.social.x import XSource

        sources.append(XSource(settings.x_bearer_token, settings.social_query))
    if settings.mastodon_base_url:
        from kcstat_dash.services.social.mastodon import MastodonSource

        sources.append(MastodonSource(settings.mastodon_base_url, settings.mastodon_hashtag))
    return sources


def ingest_all(database: Database, sources: list[SocialSource], **options
               ) -> tuple[list[IngestReport], list[IngestError]]:
    """One pass over every source; a failing source does not stop the others."""
    reports, errors = [], []
    for source in sources:
        try:
            reports.append(ingest(database, source, **options))
        except IngestError as error:
            errors.append(error)
    return reports, errors


def follow(database: Database, sources: list[SocialSource], interval: float,
           stop: threading.Event, on_pass: Callable[[list[IngestReport], list[IngestError]],
                                                    None] = lambda r, e: None) -> bool:
    """Poll every ``interval`` seconds until ``stop`` is set or a source fails for good.

    Returns False if it stopped because of a failure that retrying cannot fix (credentials,
    query), True if it was asked to stop. Waiting uses ``stop.wait`` so a signal ends it at once.
    """
    while not stop.is_set():
        reports, errors = ingest_all(database, sources, sleep=stop.wait,
                                     should_stop=stop.is_set)
        on_pass(reports, errors)
        fatal = [e for e in errors if not e.retryable]
        if fatal:
            return False
        stop.wait(interval)
    return True
