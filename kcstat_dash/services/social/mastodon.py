"""Mastodon as a social source: a server's public hashtag timeline, read with plain requests."""

from __future__ import annotations

import html
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import quote

import requests

from kcstat_dash.services.social.source import (
    Page,
    Post,
    RateLimited,
    SocialSource,
    SourceFatal,
    SourceMalformed,
    SourceUnavailable,
)

REQUEST_TIMEOUT = 30


class _TextOnly(HTMLParser):
    """Mastodon sends a status as HTML; the Q&A keeps plain text (paragraphs as blank lines)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return html.unescape("".join(parser.parts)).strip()


class MastodonSource(SocialSource):
    """``GET /api/v1/timelines/tag/:hashtag``, newest first, paged with ``max_id``.

    Mastodon keeps a status's id when it is edited, so only the version first read is stored.
    """

    name = "mastodon"

    def __init__(self, base_url: str, hashtag: str, limit: int = 40,
                 session: requests.Session | None = None):
        self.url = f"{base_url.rstrip('/')}/api/v1/timelines/tag/{quote(hashtag.lstrip('#'))}"
        self.limit = limit
        self.session = session or requests.Session()

    def fetch(self, since_id: str | None, page_token: str | None) -> Page:
        params = {"limit": self.limit}
        if since_id:
            params["since_id"] = since_id
        if page_token:
            params["max_id"] = page_token
        try:
            response = self.session.get(self.url, params=params, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as exc:
            raise SourceUnavailable(f"Could not reach Mastodon: {exc.__class__.__name__}: "
                                    f"{exc}") from exc
        status = f"{response.status_code} {response.reason}"
        if response.status_code == 429:
            raise RateLimited(f"Mastodon rate limit reached ({status})",
                              _reset_at(response.headers.get("X-RateLimit-Reset")))
        if response.status_code in (401, 403, 404):
            raise SourceFatal(f"Mastodon refused the hashtag timeline ({status}) at {self.url}: "
                              "check MASTODON_BASE_URL (the server may not allow public "
                              "timelines without an account).")
        if not response.ok:
            raise SourceUnavailable(f"Mastodon answered {status}.")
        try:
            statuses = response.json()
        except ValueError as exc:
            raise SourceMalformed("Mastodon sent a malformed response (not JSON).") from exc
        if not isinstance(statuses, list):
            raise SourceMalformed("Mastodon sent a malformed response (not a list of statuses).")
        posts = [_post(s) for s in statuses]
        # A full page may have more behind it; the page after the last one comes back empty.
        return Page(posts=posts, newest_id=posts[0].id if posts else None,
                    oldest_id=posts[-1].id if posts else None,
                    next_token=posts[-1].id if len(posts) >= self.limit else None)


def _reset_at(header: str | None) -> float | None:
    if not header:
        return None
    try:
        return datetime.fromisoformat(header.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _post(status) -> Post:
    try:
        post_id = str(status["id"])
        posted_at = datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))
        text = html_to_text(status["content"])
        handle = status["account"]["acct"]
        url = status.get("url") or status["uri"]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SourceMalformed(f"Mastodon sent a malformed status ({exc.__class__.__name__}: "
                              f"{exc}): {str(status)[:200]}") from exc
    if not post_id.isdigit() or posted_at.tzinfo is None or not str(url).startswith(
            ("https://", "http://")):
        raise SourceMalformed(f"Mastodon sent a malformed status: {str(status)[:200]}")
    return Post(id=post_id, root_id=post_id, text=text, posted_at=posted_at,
                author_handle=handle, url=url, language=status.get("language"))
