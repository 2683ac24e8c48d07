"""CSRF protection: every form POST is checked; Dash callbacks carry the token in a header.

Flask-WTF's ``CSRFProtect`` checks every state-changing request except two kinds:

- Dash's callback endpoint (``/_dash-update-component``), which residents' pages use
  anonymously. Callbacks that change staff data check the token themselves through
  ``auth.require_role``; Dash's renderer sends it as ``X-CSRFToken``, read from the
  ``_csrf_token`` cookie that ``set_csrf_cookie`` gives signed-in staff.
- The anonymous JSON API under ``/api/``, which carries no staff authority (any staff route
  there calls ``require_role``, which checks the token too).
"""

from __future__ import annotations

from flask import Flask, request

from kcstat_dash.web.extensions import csrf

# The cookie name Dash's renderer reads to fill its X-CSRFToken header.
DASH_CSRF_COOKIE = "_csrf_token"
DASH_DISPATCH_VIEW = "dash.dash.dispatch"
UNCHECKED_PREFIXES = ("/api/",)


def init_csrf(server: Flask, secure_cookies: bool) -> None:
    server.config.setdefault("WTF_CSRF_ENABLED", True)
    # The check is ours (below), so that the exemptions are written in one place.
    server.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # A token lives as long as the session: a moderator's queue stays open through a meeting.
    server.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(server)

    @server.before_request
    def _protect_forms():
        if not server.config["WTF_CSRF_ENABLED"] or request.method not in server.config[
                "WTF_CSRF_METHODS"]:
            return
        view = server.view_functions.get(request.endpoint) if request.endpoint else None
        if view is not None and f"{view.__module__}.{view.__name__}" == DASH_DISPATCH_VIEW:
            return
        if request.path.startswith(UNCHECKED_PREFIXES):
            return
        csrf.protect()

    @server.after_request
    def _set_csrf_cookie(response):
        from kcstat_dash.web.auth import current_staff

        # Staff pages get the token in a cookie that Dash's renderer copies into a header.
        if (request.method == "GET" and response.mimetype == "text/html"
                and current_staff() is not None):
            from flask_wtf.csrf import generate_csrf

            response.set_cookie(DASH_CSRF_COOKIE, generate_csrf(), secure=secure_cookies,
                                httponly=False, samesite="Strict")
        return response
