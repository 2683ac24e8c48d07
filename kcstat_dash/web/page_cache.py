"""Built pages served from memory: Dash's page-router answer for the measure, meeting, area and
overview pages, kept per worker under a key read from the database.

When the chair says "look at potholes", hundreds of phones open the same page within seconds.
Building a meeting page (its area's charts, the feed, its JSON, compressing it) takes a worker
well over 100 ms, and a measure page about 60 ms, although every one of those phones gets the
same bytes. So this WSGI middleware, in front of Flask like the live poll, answers Dash's
``/_dash-update-component`` call for those pages from bytes built once: the key is what the
page is built from (services/page_versions.py: the data version, bumped by triggers with every
write to the numbers, and for a meeting its row and feed content), read before the page is
built, so no worker and no app instance can serve a page older than the database, and nothing
has to be shared between them but the database. A miss is handed to Dash as usual (with its
checks), and its answer kept; under gunicorn the server's workers also share what they built
(shared_pages.py), so one of them builds a page and the others read it.

Only the router's own call is answered here, for a path of one of these pages with no query
string and text inputs; anything else (staff pages, a query string, a malformed call) goes to
Flask. The key also holds the page's language (``language_of``, given the request and the
router's inputs: by default the request's language, web/language.py) and any other input the
router is given, so a page in one language is never served for another.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager

from sqlalchemy.orm import Session

from kcstat_dash.services import data_version, page_versions
from kcstat_dash.web.extensions import db
from kcstat_dash.web.language import from_environ
from kcstat_dash.web.live_feed.plain_reader import reader
from kcstat_dash.web.shared_pages import SharedPages

ROUTER_OUTPUTS = ("_pages_content", "_pages_store")
ROUTER_LOCATION = "_pages_location"
MAX_BODY = 16_384  # the router's call is well under 2 KB
MAX_ENTRIES = 64  # pages of a few hundred KB each; the ones a crowd opens are few

# Pages whose router answer depends only on their key (never on who asks): path -> key.
KeyFunction = Callable[[Session, "re.Match"], tuple]
PAGES: tuple[tuple[re.Pattern, KeyFunction], ...] = (
    (re.compile(r"/measures/([a-z0-9][a-z0-9-]{0,119})"),
     lambda session, match: page_versions.measure_key(
         session, match.group(1), reader(db, data_version.QUERY).scalar() or 0)),
    (re.compile(r"/meetings/(\d{1,18})"),
     lambda session, match: page_versions.meeting_key(session, match.group(1))),
    (re.compile(r"/areas/([a-z0-9][a-z0-9-]{0,119})"),
     lambda session, match: page_versions.area_key(session, match.group(1))),
    (re.compile(r"/"), lambda session, match: page_versions.overview_key(session)),
)
# Response headers of the page's answer that are the cache's to set, not the page's.
OWN_HEADERS = {"content-length", "content-encoding", "vary", "date", "server", "set-cookie"}


def default_language(environ: dict, _inputs: dict) -> str:
    """The page's language: the request's (the remembered choice, else the browser's; the rule
    Flask uses, web/language.py), so a page in one language is never served for another."""
    return from_environ(environ)


class CachedPage:
    """One page's answer: status line, headers, the body plain and gzipped."""

    __slots__ = ("status", "headers", "plain", "gzipped")

    def __init__(self, status: str, headers: list, plain: bytes, compress: bool = True,
                 gzipped: bytes | None = None):
        self.status, self.headers, self.plain = status, headers, plain
        if gzipped is None:
            gzipped = gzip.compress(plain, compresslevel=6) if compress else b""
        self.gzipped = gzipped


class PageCache:
    """WSGI middleware: answers the page router's call for cacheable pages from memory."""

    def __init__(self, app, update_path: str = "/_dash-update-component",
                 language_of: Callable[[dict, dict], str] = default_language,
                 shared: SharedPages | None = None):
        self.app = app
        self.shared = shared
        self.update_path = update_path
        self.language_of = language_of
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self._builds: dict[tuple, threading.Lock] = {}
        self.hits = self.misses = self.shared_hits = 0  # for tests and the bench

    # --- the cache API ------------------------------------------------------------------

    def get(self, kind_and_versions: tuple, inputs: tuple, language: str = "en"):
        """The page kept under (kind, its arguments and versions, other inputs, language)."""
        key = (str(db.engine.url), kind_and_versions, inputs, language)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, kind_and_versions: tuple, inputs: tuple, page: CachedPage,
            language: str = "en") -> None:
        key = (str(db.engine.url), kind_and_versions, inputs, language)
        with self._lock:
            self._entries[key] = page
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    @contextmanager
    def _building(self, *key):
        """Held by one thread of this process at a time per key."""
        with self._lock:
            lock = self._builds.setdefault(key, threading.Lock())
        try:
            with lock:
                yield
        finally:
            with self._lock:
                if not lock.locked():
                    self._builds.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    # --- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") != "POST"
                or environ.get("PATH_INFO") != self.update_path):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        # Whatever happens next, Flask reads the body as it came.
        environ["wsgi.input"] = io.BytesIO(body)
        found = self._page_key(environ, body)
        if found is None:
            return self.app(environ, start_response)
        match, key_function, inputs, language = found
        session = db.new_session()
        try:
            versions = key_function(session, match)
        except Exception:  # noqa: BLE001 - the database is out of reach: Flask answers, with
            return self.app(environ, start_response)  # its outage page (routes/json_errors.py)
        finally:
            session.close()
        page = self.get(versions, inputs, language)
        if page is None:
            # One build per key and worker: a crowd arriving together waits for the first
            # arrival's build instead of each thread building the same page at once.
            with self._building(versions, inputs, language):
                page = self.get(versions, inputs, language)
                if page is None:
                    page, keep = self._shared_or_built(environ, versions, inputs, language)
                    if not keep:  # not a plain 200 answer (an error, a cookie): sent as it came
                        start_response(page.status, [*page.headers,
                                                     ("Content-Length", str(len(page.plain)))])
                        return [page.plain]
                    self.put(versions, inputs, page, language)
                    self.misses += 1
                else:
                    self.hits += 1
        else:
            self.hits += 1
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            payload, extra = page.gzipped, [("Content-Encoding", "gzip")]
        else:
            payload, extra = page.plain, []
        start_response(page.status, [*page.headers, *extra, ("Vary", "Accept-Encoding"),
                                     ("Content-Length", str(len(payload)))])
        return [payload]

    def _page_key(self, environ, body: bytes):
        """(path match, key function, other inputs, language) for a router call of a cacheable
        page, else None."""
        try:
            call = json.loads(body)
        except ValueError:
            return None
        if not isinstance(call, dict):
            return None
        outputs = call.get("outputs")
        if not (isinstance(outputs, list) and len(outputs) == len(ROUTER_OUTPUTS) and all(
                isinstance(o, dict) and o.get("id") == want
                for o, want in zip(outputs, ROUTER_OUTPUTS, strict=True))):
            return None
        values: dict = {}
        for group in ("inputs", "state"):
            for dep in call.get(group) or []:
                if not isinstance(dep, dict):
                    return None
                value = dep.get("value")
                if not isinstance(value, str | int | float | bool | type(None)):
                    return None
                values[f"{dep.get('id')}.{dep.get('property')}"] = value
        pathname = values.pop(f"{ROUTER_LOCATION}.pathname", None)
        search = values.pop(f"{ROUTER_LOCATION}.search", None)
        if not isinstance(pathname, str) or search not in (None, ""):
            return None
        for pattern, key_function in PAGES:
            match = pattern.fullmatch(pathname)
            if match is not None:
                return (match, key_function, tuple(sorted(values.items())),
                        self.language_of(environ, values))
        return None

    def _shared_or_built(self, environ, versions, inputs, language) -> tuple[CachedPage, bool]:
        """The page from the server's other workers (shared_pages.py) if one built it, else
        built here (by one worker at a time) and shared."""
        if self.shared is None:
            return self._build(environ)
        key = (str(db.engine.url), versions, inputs, language)
        found = self.shared.load(key)
        if found is None:
            with self.shared.building(key):
                found = self.shared.load(key)
                if found is None:
                    page, keep = self._build(environ)
                    if keep:
                        self.shared.save(key, page.status, page.headers, page.plain,
                                         page.gzipped)
                    return page, keep
        self.shared_hits += 1
        status, headers, plain, gzipped = found
        return CachedPage(status, headers, plain, gzipped=gzipped), True

    def _build(self, environ) -> tuple[CachedPage, bool]:
        """Dash's answer for this call, uncompressed, and whether it may be kept."""
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        inner = dict(environ)
        inner.pop("HTTP_ACCEPT_ENCODING", None)  # plain bytes: compressed here, once
        result = self.app(inner, capture)
        try:
            plain = b"".join([*captured.get("written", []), *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured.get("status", "500 INTERNAL SERVER ERROR"), \
            captured.get("headers", [])
        keep = status.startswith("200") and not any(
            name.lower() == "set-cookie" for name, _ in headers)
        if not keep:
            return CachedPage(status, [(n, v) for n, v in headers
                                       if n.lower() != "content-length"], plain, False), False
        return CachedPage(status, [(n, v) for n, v in headers if n.lower() not in OWN_HEADERS],
                          plain), True
