"""The source interface every social network implements, and the records and errors it gives."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Post:
    """One public post, normalised: what the Q&A needs, whatever the network.

    ``root_id`` is the id the question is stored under: the original post's id, so that every
    edited version of a post dedupes to one question. ``id`` is this version's own id.
    """

    id: str
    root_id: str
    text: str
    posted_at: datetime
    author_handle: str | None
    url: str
    # The language the network detected (X's ``lang``, Mastodon's ``language``), if it gave one.
    language: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of search results, newest first, as the network returned it."""

    posts: list[Post]
    newest_id: str | None
    oldest_id: str | None
    next_token: str | None
    warnings: list[str] = field(default_factory=list)


class SocialSource(ABC):
    """A network's search, read page by page from a cursor.

    Results come newest first. A run starts with ``since_id`` (the newest id already stored) and
    no page token, then follows each page's ``next_token`` until a page has none.
    """

    #: The cursor's key in ``social_cursor`` and the question's ``channel``.
    name: str

    @abstractmethod
    def fetch(self, since_id: str | None, page_token: str | None) -> Page:
        """Fetch one page of posts newer than ``since_id``; raise a ``SourceError`` on failure."""


def newer_id(a: str | None, b: str | None) -> str | None:
    """The newer of two post ids (numeric strings on X and Mastodon), ignoring ``None``."""
    if a is None:
        return b
    if b is None:
        return a
    return a if _id_key(a) >= _id_key(b) else b


def _id_key(post_id: str) -> tuple[int, int | str]:
    return (0, int(post_id)) if post_id.isdigit() else (1, post_id)


class SourceError(Exception):
    """A network could not give a page; the message says what happened and what to do."""


class SourceFatal(SourceError):
    """Retrying will not help (bad or under-privileged credentials, a bad query)."""


class SourceUnavailable(SourceError):
    """The network could not be reached or answered badly; worth retrying later."""


class SourceMalformed(SourceUnavailable):
    """The network answered with something not shaped like its API; nothing from it is stored."""


class RateLimited(SourceError):
    """The network asked us to wait; ``reset_at`` is when (epoch seconds), if it said."""

    def __init__(self, message: str, reset_at: float | None):
        super().__init__(message)
        self.reset_at = reset_at


class CursorRejected(SourceError):
    """The network refused the cursor itself (``since_id`` too old, page token expired)."""

    def __init__(self, message: str, parameter: str):
        super().__init__(message)
        self.parameter = parameter  # "since_id" | "page_token"
