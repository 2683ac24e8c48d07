"""The citations API and page routes: 201 on create, JSON that verifies itself, 404 not crash."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import make_settings

HOSTILE_IDS = ["../x", "..%2F..%2Fetc%2Fpasswd", "a" * 5000, "ünïcødé-ïd", "名前",
               "' OR '1'='1", "1; DROP TABLE citation;--", "%00", "abcdefghijklmnop",
               "ABCDEFGHIJKLMNOP", "<script>alert(1)</script>", "aaaaaaaaaaaaaaa1"]


def _cite(client, measure="pothole-on-time-rate", period="2019-03"):
    return client.post("/api/citations", json={"measure": measure, "period": period})


def test_post_creates_a_citation_that_get_returns(client):
    created = _cite(client)
    assert created.status_code == 201
    body = created.get_json()
    assert created.headers["Location"].endswith(f"/api/citations/{body['id']}")
    assert body["url"] == f"http://127.0.0.1:8050/cite/{body['id']}"
    assert body["text"]["short"].endswith(f"from http://127.0.0.1:8050/cite/{body['id']}.")
    fetched = client.get(f"/api/citations/{body['id']}")
    assert fetched.status_code == 200
    again = fetched.get_json()
    assert again["snapshot"] == body["snapshot"] and again["content_hash"] == body["content_hash"]
    assert again["verification"]["state"] == "same"
    page = client.get(f"/cite/{body['id']}")
    assert page.status_code == 200


def test_hash_verifies_from_the_json_alone(client):
    raw = client.get(f"/api/citations/{_cite(client).get_json()['id']}").get_data(as_text=True)
    body = json.loads(raw)  # only what any client gets
    canonical = json.dumps(body["snapshot"], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == body["content_hash"]
    # and a tampered snapshot does not verify
    body["snapshot"]["value"] = body["snapshot"]["value"] + 1
    tampered = json.dumps(body["snapshot"], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    assert hashlib.sha256(tampered.encode("utf-8")).hexdigest() != body["content_hash"]


def test_public_base_url_setting_is_used_for_permanent_links(sample_database_url):
    from kcstat_dash.web.app import create_app

    app = create_app(make_settings(sample_database_url,
                                   public_base_url="https://kcstat.example.org"))
    body = app.server.test_client().post(
        "/api/citations", json={"measure": "pothole-on-time-rate", "period": "2019-03"}).get_json()
    assert body["url"] == f"https://kcstat.example.org/cite/{body['id']}"


@pytest.mark.parametrize("citation_id", HOSTILE_IDS)
def test_unknown_or_malformed_ids_give_404(client, citation_id):
    api = client.get(f"/api/citations/{citation_id}")
    assert api.status_code == 404
    assert api.get_json()["error"]["status"] == 404
    page = client.get(f"/cite/{citation_id}")
    assert page.status_code == 404
    assert b"Citation not found" in page.data
    assert b"<script>alert" not in page.data


@pytest.mark.parametrize("payload, status, words", [
    ({}, 400, "measure"),
    ({"measure": "pothole-on-time-rate"}, 400, "period"),
    ({"measure": "pothole-on-time-rate", "period": "2019-3"}, 400, "YYYY-MM"),
    ({"measure": "pothole-on-time-rate", "period": ["2019-03"]}, 400, "period"),
    ({"measure": "<script>", "period": "2019-03"}, 400, "slug"),
    ({"measure": "no-such-measure", "period": "2019-03"}, 404, "no-such-measure"),
    ({"measure": "pothole-on-time-rate", "period": "1999-01"}, 422, "no value for January 1999"),
])
def test_post_with_bad_input_gives_a_clear_4xx(client, payload, status, words):
    response = client.post("/api/citations", json=payload)
    assert response.status_code == status
    assert words in response.get_json()["error"]["message"]


@pytest.mark.parametrize("body, content_type", [
    ("not json", "application/json"), ("[1, 2]", "application/json"),
    ("", "application/json")])
def test_post_that_is_not_a_json_object_is_refused(client, body, content_type):
    response = client.post("/api/citations", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]["message"]
