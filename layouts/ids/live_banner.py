"""The id of the home page's "live now" banner, spelled once (its heading labels the region)."""

from __future__ import annotations

HEADING = "live-banner"
