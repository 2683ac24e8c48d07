"""Security headers on every response, by flask-talisman: anti-framing, nosniff, a Content
Security Policy that Dash works under, and HSTS in production.

What each directive allows, and why (docs/SECURITY.md, "Security headers", says what was tried):

- ``script-src 'self'`` plus the SHA-256 hash of each inline script Dash writes into its page
  (the renderer's ``new DashRenderer()`` and the clientside callbacks), from Dash's own
  ``app.csp_hashes()``: no ``'unsafe-inline'``, and no ``'unsafe-eval'`` (plotly.js 3 and
  Dash 4's renderer run without it; the browser suite fails on any CSP violation).
- ``style-src 'unsafe-inline'``: plotly.js writes ``<style>`` elements and style attributes
  at run time, with no way to give them a nonce. Styles cannot run script; with ``img-src``,
  ``font-src`` and ``connect-src`` kept to this site, a style cannot send data elsewhere.
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no other site frames a staff
  page to trick a click (the old header for browsers without CSP level 2).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_talisman import Talisman

from kcstat_dash.settings import Settings

CSP = {
    "default-src": "'self'",
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # data: for Bootstrap's SVG icons in its CSS and plotly's; blob: for plotly's PNG download.
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# For responses made outside Flask (the live poll, answered before it): JSON only, never framed.
PLAIN_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
)



def init_security_headers(server: Flask, settings: Settings) -> None:
    # One Talisman per server: it keeps its policy on itself, and tests build many apps.
    server.extensions["kcstat_talisman"] = Talisman(
        server,
        # TLS ends at the proxy in front of gunicorn, which redirects plain HTTP itself; a
        # redirect here would loop behind a proxy that does not say X-Forwarded-Proto.
        force_https=False,
        # Production only: debug and test runs are plain HTTP on loopback, and HSTS there would
        # stick to localhost in the developer's browser for a year.
        strict_transport_security=settings.secure_cookies,
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        content_security_policy=CSP,
        referrer_policy="strict-origin-when-cross-origin",
        # The cookie settings stay create_server's (talisman would force Secure everywhere).
        session_cookie_secure=settings.secure_cookies,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
    )


def allow_inline_scripts(server: Flask, csp_hashes: Callable[[], list[str]]) -> None:
    """Allow exactly the inline scripts Dash writes (``csp_hashes`` is ``app.csp_hashes``): any
    other inline script, injected or not, is refused by the browser."""
    talisman = server.extensions["kcstat_talisman"]

    # Before every request, after Dash's own first-request setup (a before_request registered
    # earlier, when Dash was built), which adds Dash Pages' clientside callback to the page:
    # hashes taken at start-up missed it. A handful of SHA-256s of short strings.
    @server.before_request
    def _hash_dash_inline_scripts():
        talisman.content_security_policy["script-src"] = ["'self'", *csp_hashes()]
