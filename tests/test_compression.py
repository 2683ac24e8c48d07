"""Responses are compressed for browsers that accept it, and unpack to exactly the plain bytes."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest


def _bundle_url(client) -> str:
    """A Dash JavaScript bundle the page really links to (the renderer)."""
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', page).group(1)


def _unpack(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda d: d}[encoding](data)


@pytest.mark.parametrize("accept, expected", [("gzip", "gzip"), ("br, gzip", "br")])
def test_dash_bundles_are_compressed_and_unpack_to_the_original(client, accept, expected):
    url = _bundle_url(client)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": accept})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == expected
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    assert _unpack(packed) == plain.get_data()
    # Served twice (the second from the worker's memo of this immutable URL), still the same.
    again = client.get(url, headers={"Accept-Encoding": accept})
    assert again.get_data() == packed.get_data()


def test_json_api_is_compressed_and_says_so_to_caches(client):
    plain = client.get("/api/measures", headers={"Accept-Encoding": "identity"})
    packed = client.get("/api/measures", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(_unpack(packed)) == plain.get_json()


def test_tiny_responses_are_left_alone(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers.get("Content-Encoding") is None
    assert response.get_json()["status"] == "ok"


def test_dynamic_responses_are_never_served_from_the_bundle_memo(client):
    """Two different API answers on the same kind of URL are each compressed from their own data."""
    first = client.get("/api/measures/pothole-on-time-rate", headers={"Accept-Encoding": "gzip"})
    second = client.get("/api/measures/trash-on-time-rate", headers={"Accept-Encoding": "gzip"})
    assert json.loads(_unpack(first))["slug"] == "pothole-on-time-rate"
    assert json.loads(_unpack(second))["slug"] == "trash-on-time-rate"
