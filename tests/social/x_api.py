"""A fake X API v2 recent search that replays tests/data/x fixtures through ``responses``."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import responses

from tests.conftest import DATA_DIR

SEARCH_URL = "https://api.twitter.com/2/tweets/search/recent"
X_DIR = DATA_DIR / "x"
TOKEN = "test-bearer-token"


def fixture(name: str) -> dict:
    return json.loads((X_DIR / name).read_text())


@dataclass
class Reply:
    """One canned answer: a fixture (or raw body), its status and headers, or an exception."""

    body: str | dict | Exception
    status: int = 200
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def of(cls, name: str, status: int = 200, **headers) -> Reply:
        kind = ("application/problem+json" if status >= 400 and "errors" not in fixture(name)
                else "application/json; charset=utf-8")
        return cls((X_DIR / name).read_text(), status, dict(headers), kind)


class FakeX:
    """Routes each search by its (since_id, next_token) to a queue of replies; the last repeats.

    Every request is recorded with its query parameters and Authorization header so tests can
    check what tweepy actually sent.
    """

    def __init__(self, mock: responses.RequestsMock):
        self.routes: dict[tuple[str | None, str | None], list[Reply]] = {}
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        self.before_reply = None  # a hook run (outside the lock) before answering
        mock.add_callback(responses.GET, SEARCH_URL, callback=self._answer)

    def route(self, since_id: str | None = None, next_token: str | None = None,
              *replies: Reply | str) -> None:
        self.routes[(since_id, next_token)] = [Reply.of(r) if isinstance(r, str) else r
                                               for r in replies]

    def _answer(self, request):
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        with self.lock:
            self.calls.append({"params": params,
                               "authorization": request.headers.get("Authorization")})
            key = (params.get("since_id"), params.get("next_token"))
            queue = self.routes.get(key)
            if not queue:
                raise AssertionError(f"unexpected search {key}")
            reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if self.before_reply is not None:
            self.before_reply(params)
        if isinstance(reply.body, Exception):
            raise reply.body
        body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        return reply.status, {"content-type": reply.content_type, **reply.headers}, body

    def searches(self) -> list[tuple[str | None, str | None]]:
        return [(c["params"].get("since_id"), c["params"].get("next_token")) for c in self.calls]
