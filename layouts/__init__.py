"""Dash page layouts, built from plain data; each page module registers itself."""

from __future__ import annotations

from layouts import (
    area,
    cite,
    measure,
    meeting,
    meetings,
    moderate,
    not_found_404,
    overview,
    packet,
    projector,
    shell,
)

PAGE_MODULES = (overview, area, measure, cite, packet, meetings, projector, meeting, moderate,
                not_found_404)


def register_pages() -> None:
    """Register every page with Dash Pages (called by the app factory for each app)."""
    for module in PAGE_MODULES:
        module.register()


__all__ = ["register_pages", "shell"]
