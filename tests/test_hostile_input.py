"""Hostile public input is a clear 4xx (never a 500), stores nothing and uses no rate-limit slot."""

from __future__ import annotations

import json

import dash
import pytest
from sqlalchemy import event, func, select

from kcstat_dash.db import db
from kcstat_dash.models import Citation, Question
from kcstat_dash.services.public_input import (
    MAX_JSON_DEPTH,
    MAX_RECORD_ID,
    InvalidInput,
    parse_json,
    record_id,
)
from tests.test_questions_api import live_meeting, stored_count

# PostgreSQL's INTEGER is four bytes: the first id past it, and one past SQLite's eight bytes.
INT4_MAX = 2_147_483_647
BEYOND_INT4 = INT4_MAX + 1
BEYOND_INT8 = 2**63
LONE_SURROGATE = "\ud800"


# --- The rules themselves ---------------------------------------------------------------------


def test_the_id_bound_is_postgresqls_integer():
    assert MAX_RECORD_ID == INT4_MAX


@pytest.mark.parametrize("value, expected", [
    (1, 1), ("42", 42), (INT4_MAX, INT4_MAX), (str(INT4_MAX), INT4_MAX),
    (BEYOND_INT4, None), (str(BEYOND_INT4), None), (BEYOND_INT8, None), (0, None), (-1, None),
    ("-1", None), (True, None), (1.0, None), (1.5, None), (float("nan"), None), ("1e3", None),
    ("²", None), ("١٢", None), (" 1", None), ("1\x00", None), (None, None), ([1], None),
])
def test_record_ids(value, expected):
    assert record_id(value) == expected


@pytest.mark.parametrize("body", [
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1e999}', "[" * 100_000,
    "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), b'{"a": "\xff"}', "{", "",
])
def test_json_that_is_not_strict_json_is_refused(body):
    with pytest.raises(InvalidInput):
        parse_json(body)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = "[" * 50 + '\\"]'
    assert parse_json(json.dumps({"text": text, "n": 1.5})) == {"text": text, "n": 1.5}
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json.loads(nested) == parse_json(nested)


# --- The questions API --------------------------------------------------------------------------


def _hostile_questions(meeting_id: int) -> list[str]:
    def body(**fields) -> str:
        return json.dumps({"meeting_id": meeting_id, "text": "Why?", **fields})
    return [
        body(meeting_id=BEYOND_INT4), body(meeting_id=BEYOND_INT8), body(meeting_id=1.5),
        body(meeting_id=True), body(meeting_id=[meeting_id]), body(meeting_id=str(BEYOND_INT8)),
        '{"meeting_id": NaN, "text": "Why?"}', '{"meeting_id": Infinity, "text": "Why?"}',
        body(text="Why\x00?"), body(text=f"Why{LONE_SURROGATE}?"), body(text=["Why?"]),
        body(display_name="Sam\x00"), body(display_name=LONE_SURROGATE), body(display_name=7),
        body(measure="pothole-on-time-rate\x00"), body(measure={"slug": "x"}),
        body(measure=LONE_SURROGATE),
        body(measure="pothole-on-time-rate", period="2019-03\x00"),
        body(measure="pothole-on-time-rate", period=201903),
        "[" * 10_000 + "]" * 10_000, '{"a":' * 10_000 + "1" + "}" * 10_000,
        body(x=json.loads("[" * 50 + "]" * 50)),
    ]


def test_hostile_questions_are_4xx_store_nothing_and_use_no_slot(client):
    meeting = live_meeting(client)
    bodies = _hostile_questions(meeting["id"])
    assert len(bodies) > 5 * 2  # well past the default 5 a minute, were they counted
    for body in bodies:
        response = client.post("/api/questions", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500 and response.status_code != 429, body[:80]
        error = response.get_json()["error"]
        assert error["status"] == response.status_code and error["message"]
    assert stored_count() == 0
    # None of them used a slot: a real question still goes through.
    ok = client.post("/api/questions", json={"meeting_id": meeting["id"], "text": "Why?"})
    assert ok.status_code == 201


@pytest.mark.parametrize("path", ["/api/questions", "/api/citations"])
@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "multipart/form-data", "text/plain"])
def test_the_api_takes_json_only_so_cross_site_forms_are_refused(client, path, content_type):
    meeting = live_meeting(client)
    fields = {"meeting_id": str(meeting["id"]), "text": "Why?",
              "measure": "311-requests", "period": "2020-01"}
    if content_type == "text/plain":  # what a form with enctype=text/plain sends
        response = client.post(path, data=json.dumps(fields), content_type=content_type)
    else:
        response = client.post(path, data=fields, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["error"]["status"] == 415
    session = db.new_session()
    try:
        assert session.scalar(select(func.count(Question.id))) == 0
        assert session.scalar(select(func.count(Citation.id))) == 0
    finally:
        session.close()


def test_refused_citations_use_no_rate_limit_slot(client):
    for _ in range(61):  # the limit is 60 a minute
        response = client.post("/api/citations", data='{"measure": "x\\u0000", "period": NaN}',
                               content_type="application/json")
        assert response.status_code == 400
    made = client.post("/api/citations", json={"measure": "311-requests", "period": "2020-01"})
    assert made.status_code == 201


@pytest.mark.parametrize("path", [
    f"/api/meetings/{BEYOND_INT4}", f"/api/meetings/{BEYOND_INT8}",
    f"/api/meetings/{BEYOND_INT4}/moderation-summary", f"/api/questions?meeting={BEYOND_INT4}",
    f"/api/questions?meeting={BEYOND_INT8}", f"/exports/meetings/{BEYOND_INT4}/questions.csv",
    f"/exports/meetings/{BEYOND_INT4}/questions.json", "/api/measures/pothole%00",
    "/api/measures/pothole%00/observations", f"/api/meetings/{BEYOND_INT4}/version",
])
def test_ids_and_names_no_record_can_have_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_the_poll_answers_impossible_ids_without_touching_the_database(client):
    meeting = live_meeting(client)
    assert client.get(f"/api/meetings/{meeting['id']}/version").status_code == 200
    connects = []

    def record(*args):
        connects.append(args)

    event.listen(db.engine, "connect", record)
    try:
        for meeting_id in (BEYOND_INT4, 10**18 - 1, 0):
            response = client.get(f"/api/meetings/{meeting_id}/version?known=0")
            assert response.status_code == 404
            assert response.get_json()["error"]["status"] == 404
        assert client.get(f"/api/meetings/{meeting['id']}/version").status_code == 200
    finally:
        event.remove(db.engine, "connect", record)
    assert connects == []  # the kept connection served every poll; none failed and was replaced


# --- Residents' Dash callbacks ------------------------------------------------------------------

STAFF_PREFIXES = ("mod-", "stw-", "adm-")
HOSTILE_VALUES = [BEYOND_INT4, BEYOND_INT8, -1, 1.5, True, "x\x00", LONE_SURROGATE, {"a": 1},
                  [[1], {"b": None}], "pothole-on-time-rate"]


def _public_callbacks(app):
    for key, spec in app.callback_map.items():
        outputs = [part.split(".")[0] for part in key.strip(".").split("...")]
        if spec.get("callback") and not any(o.startswith(STAFF_PREFIXES)
                                            for o in outputs):
            yield key, spec


def _payload(key: str, spec: dict, value) -> dict:
    """Every input and state of the callback set to ``value``, wildcard ids included."""
    def concrete(pattern: str) -> dict:
        return {k: (v if k == "type" else value) for k, v in json.loads(pattern).items()}

    def dep(d):
        if d["id"].startswith("{"):
            return [{"id": concrete(d["id"]), "property": d["property"], "value": value}]
        return {"id": d["id"], "property": d["property"], "value": value}

    def output(part: str):
        ident, prop = part.rsplit(".", 1)
        prop = prop.split("@")[0]
        if ident.startswith("{"):
            return [{"id": concrete(ident), "property": prop}]
        return {"id": ident, "property": prop}

    parts = key.strip(".").split("...")
    first = spec["inputs"][0]
    changed = (json.dumps(concrete(first["id"]), sort_keys=True, separators=(",", ":"))
               if first["id"].startswith("{") else first["id"])
    outputs = [output(p) for p in parts]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [dep(d) for d in spec["inputs"]],
            "changedPropIds": [f"{changed}.{first['property']}"],
            "state": [dep(d) for d in spec["state"]]}


def test_every_public_callback_survives_wrongly_typed_values(app, client):
    client.get("/")  # Dash finishes setting up its routes on the first request
    callbacks = list(_public_callbacks(app))
    assert len(callbacks) >= 10
    for key, spec in callbacks:
        for value in HOSTILE_VALUES:
            response = client.post("/_dash-update-component", json=_payload(key, spec, value))
            assert response.status_code < 500, (key, value)
    assert stored_count() == 0


@pytest.mark.parametrize("path", [
    f"/meetings/{BEYOND_INT4}", f"/meetings/{BEYOND_INT8}", f"/meetings/{BEYOND_INT4}/ask",
    f"/meetings/{BEYOND_INT4}/projector", f"/meetings/{BEYOND_INT4}/moderation",
    "/measures/pothole\x00", "/areas/finance\x00", "/cite/abc\x00",
])
def test_pages_for_impossible_addresses_say_not_found(app, client, path):
    client.get("/")
    page = next(p for p in dash.page_registry.values()
                if p.get("path_template") and _matches(p["path_template"], path))
    variables = _variables(page["path_template"], path)
    with app.server.test_request_context(path):
        layout = page["layout"](**variables)
    text = json.dumps(layout.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o))
    assert "not found" in text.lower() or "no meeting" in text.lower()


def _matches(template: str, path: str) -> bool:
    return len(template.split("/")) == len(path.split("/")) and all(
        t.startswith("<") or t == p for t, p in zip(template.split("/"), path.split("/"),
                                                    strict=True))


def _variables(template: str, path: str) -> dict:
    return {t[1:-1]: p for t, p in zip(template.split("/"), path.split("/"), strict=True)
            if t.startswith("<")}


def _router_call(app, pathname) -> dict:
    key, spec = next((k, s) for k, s in app.callback_map.items() if "_pages_content" in k)
    body = _payload(key, spec, None)
    for dep in body["inputs"]:
        if dep["id"] == "_pages_location" and dep["property"] == "pathname":
            dep["value"] = pathname
    return body


@pytest.mark.parametrize("pathname, status", [
    ("/", 200), ("/meetings", 200), (7, 400), ({"a": 1}, 400), ("measures", 400),
    ("/x\x00", 400),
])
def test_the_page_router_takes_only_paths_of_this_site(app, client, pathname, status):
    client.get("/")
    response = client.post("/_dash-update-component", json=_router_call(app, pathname))
    assert response.status_code == status
    if status == 400:
        assert set(response.get_json()["error"]) >= {"status", "message", "code"}
