"""Dash page layouts, built from plain data; each page module registers itself."""

from __future__ import annotations

from layouts import (
    admin,
    area,
    ask,
    cite,
    measure,
    meeting,
    meetings,
    moderate,
    moderation_summary,
    not_found_404,
    overview,
    packet,
    projector,
    shell,
    steward,
)

PAGE_MODULES = (overview, area, measure, cite, packet, meetings, projector, ask,
                moderation_summary, meeting, moderate, steward, admin, not_found_404)


def register_pages() -> None:
    """Register every page with Dash Pages (called by the app factory for each app)."""
    for module in PAGE_MODULES:
        module.register()


__all__ = ["register_pages", "shell"]
