"""Server-side time of the pages issue 18 says must not notice the data's size: the measure page
and the overview as Dash Pages renders them, and the JSON API's observations, timed in-process
through Flask's test client against one database. Run as a child process per database:

    python -m bench.page_timing DATABASE_URL REPEATS

prints one JSON line: each page's times in ms and the SQL statements one render sends, the
measure chosen, and how many statements the pages sent that read the request table (there
should be none).
"""

from __future__ import annotations

import json
import re
import secrets
import sys
import time

from sqlalchemy import event

REQUEST_TABLE = re.compile(r"\bservice_request\b", re.IGNORECASE)
WARM_UP = 3


def _page_body(path: str) -> dict:
    """The POST Dash Pages' renderer makes to draw ``path`` (what a browser sends), with a query
    string: that goes past the page cache (kcstat_dash/web/page_cache.py), so every render is
    built and what is timed is the page's own work at each size, not a copy from memory."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": "?timing"}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def _heaviest_measure(client) -> str:
    """The 311 measure with the most periods (the heaviest measure page), as scenario d."""
    best, most = None, -1
    for measure in client.get("/api/measures").get_json():
        if measure["kind"] != "311":
            continue
        count = len(client.get(f"/api/measures/{measure['slug']}/observations").get_json())
        if count > most:
            best, most = measure["slug"], count
    return best


def time_pages(url: str, repeats: int) -> dict:
    from kcstat_dash.db import db
    from kcstat_dash.settings import Settings
    from kcstat_dash.web.app import create_app

    app = create_app(Settings.from_env(database_url=url, secret_key=secrets.token_hex(32),
                                       public_base_url="http://127.0.0.1"))
    client = app.server.test_client()
    slug = _heaviest_measure(client)
    pages = {
        "measure page": lambda: client.post("/_dash-update-component",
                                            json=_page_body(f"/measures/{slug}")),
        "overview": lambda: client.post("/_dash-update-component", json=_page_body("/")),
        "observations API": lambda: client.get(f"/api/measures/{slug}/observations"),
    }
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: sent.append(statement))
    times, statements = {}, {}
    for name, fetch in pages.items():
        for _ in range(WARM_UP):
            before = len(sent)
            assert fetch().status_code == 200, name
            statements[name] = len(sent) - before
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = fetch()
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, name
        times[name] = samples
    reads = sum(1 for statement in sent if REQUEST_TABLE.search(statement))
    return {"measure": slug, "times_ms": times, "statements": statements,
            "request_table_reads": reads}


if __name__ == "__main__":
    print(json.dumps(time_pages(sys.argv[1], int(sys.argv[2]))))
