"""Dash page layouts, built from plain data; each page module registers itself."""

from __future__ import annotations

from layouts import (
    admin,
    area,
    cite,
    measure,
    meeting,
    meetings,
    moderate,
from layouts import (
    admin,
    area,
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

PAGE_MODULES = (overview, area, measure, cite, packet, meetings, projector, moderation_summary,
                meeting, moderate, steward, admin, not_found_404)
    overview,
    packet,
    projector,
    shell,
    steward,
)

<<<<<<< HEAD
PAGE_MODULES = (overview, area, measure, cite, packet, meetings, projector, meeting, moderate,
                not_found_404)
=======
PAGE_MODULES = (overview, area, measure, cite, packet, meetings, projector, moderation_summary,
                meeting, moderate, steward, admin)
>>>>>>> 5f771ea (Stewardship, admin (accounts, audit log) and public moderation summary pages; keyboard shortcuts; callback authorisation tests; browser journeys with axe)


def register_pages() -> None:
    """Register every page with Dash Pages (called by the app factory for each app)."""
    for module in PAGE_MODULES:
        module.register()


__all__ = ["register_pages", "shell"]
