"""Dash callbacks, thin: read inputs, call a service, render with a layout helper."""

from __future__ import annotations

import dash

from callbacks import citing, navigation, packet

CALLBACK_MODULES = (navigation, citing, packet)


def register(app: dash.Dash) -> None:
    """Attach every page's callbacks to this app (called once per app by the factory)."""
    for module in CALLBACK_MODULES:
        module.register(app)
