"""The Flask routes that are not Dash pages: JSON API, health, sign-in, downloads, audit log."""

from __future__ import annotations

from flask import Flask


def register_routes(server: Flask) -> None:
    """Attach every blueprint; each feature keeps its routes in a module of its own."""
    from kcstat_dash.web.routes import (
        audit_export,
        auth,
        citations_api,
        exports,
        health,
        join,
        measures_api,
        meetings_api,
        moderation_api,
        questions_api,
    )

    for module in (health, measures_api, meetings_api, questions_api, citations_api, exports,
                   auth, audit_export, moderation_api, join):
        server.register_blueprint(module.blueprint)
