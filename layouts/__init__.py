"""Dash page layouts, built from plain data; each page module registers itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


def register_pages(layouts: Mapping[str, Callable]) -> None:
    """Register every page with Dash Pages (called by the app factory for each app).

    ``layouts`` maps a page module that shows stored data to the function Dash Pages calls as
    its layout (``callbacks.pages.LAYOUTS``): it loads the data and calls the module's pure
    ``render``. The other pages need no data and register their own ``layout``.
    """
    for module in PAGE_MODULES:
        if module.__name__ in layouts:
            module.register(layouts[module.__name__])
        else:
            module.register()


__all__ = ["register_pages", "shell"]
