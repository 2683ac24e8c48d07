"""Dash callbacks, thin: read inputs, call a service, render with a layout helper."""

from __future__ import annotations

import dash

from callbacks import (
    admin,
    citing,
    meeting,
    moderate,
    navigation,
    packet,
    projector,
    steward,
)

CALLBACK_MODULES = (navigation, citing, packet, meeting, projector, moderate,
                    steward, admin)


def register(app: dash.Dash) -> None:
    """Attach every page's callbacks to this app (called once per app by the factory)."""
    for module in CALLBACK_MODULES:
        module.register(app)
