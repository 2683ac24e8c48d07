"""The site's public base URL, for permanent links: the configured one, else the request's host."""

from __future__ import annotations

from flask import current_app, has_request_context, request


def public_base_url() -> str:
    """``KCSTAT_PUBLIC_URL`` when set (behind a proxy), else the host this request came to."""
    settings = current_app.extensions.get("kcstat_settings")
    if settings is not None and settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost:8050"
