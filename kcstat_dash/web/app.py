"""The app factory: a Flask server with the database, routes and the Dash pages on it."""

from __future__ import annotations

from pathlib import Path

import dash
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kcstat_dash.i18n import N_
from kcstat_dash.settings import PROJECT_ROOT, Settings
from kcstat_dash.web import browser_ids, rate_limit_storage
from kcstat_dash.web.compression import enable_compression
from kcstat_dash.web.csrf import init_csrf
from kcstat_dash.web.extensions import db, limiter, login_manager
from kcstat_dash.web.language import init_language, localize_index
from kcstat_dash.web.live_feed.poll import LivePoll
from kcstat_dash.web.page_cache import PageCache
from kcstat_dash.web.page_router_guard import UPDATE_PATH, init_page_router_guard
from kcstat_dash.web.routes import register_routes
from kcstat_dash.web.routes.json_errors import init_error_handlers
from kcstat_dash.web.security_headers import allow_inline_scripts, init_security_headers
from kcstat_dash.web.shared_pages import SharedPages

ASSETS_DIR = PROJECT_ROOT / "assets"
# The first HTML's <title> until the page's own replaces it (said in the request's language).
APP_TITLE = N_("KCStat Dash — Kansas City performance measures")
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# Dash's default page, with the document language that screen readers need (WCAG 3.1.1); the
# request's language replaces "en" (web/language.localize_index).
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
{%config%}
{%scripts%}
{%renderer%}
</body>
</html>"""


def create_server(settings: Settings) -> Flask:
    """The Flask side alone: config, database, extensions and non-Dash routes."""
    # Named for the package as before (its logger is "kcstat_dash"); the templates are the web's.
    server = Flask("kcstat_dash", instance_path=str(PROJECT_ROOT / "instance"),
                   template_folder=str(TEMPLATES_DIR))
    server.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        # Shared by every worker: Redis when configured, else the app's own database (never
        # one process's memory, which would multiply each limit by the number of workers).
        RATELIMIT_STORAGE_URI=settings.redis_url or f"{rate_limit_storage.SCHEME}://",
        RATELIMIT_HEADERS_ENABLED=True,
        JSON_SORT_KEYS=False,
    )
    server.extensions["kcstat_settings"] = settings
    if settings.trusted_proxies:
        # The client's own address (for rate limits) from the proxies' X-Forwarded-For.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.trusted_proxies,
                                   x_proto=settings.trusted_proxies)
    # Built pages a crowd opens at once are served from memory, before Flask (page_cache.py).
    server.wsgi_app = server.extensions["kcstat_page_cache"] = PageCache(
        server.wsgi_app, shared=SharedPages(settings.page_cache_dir)
        if settings.page_cache_dir else None)
    # Outermost: the live feed's poll is answered before any of Flask's machinery runs.
    server.wsgi_app = server.extensions["kcstat_live_poll"] = LivePoll(server.wsgi_app)
    db.configure(settings.database_url)
    server.teardown_appcontext(db.remove)
    login_manager.init_app(server)
    login_manager.login_view = "auth.login"
    init_csrf(server, settings.secure_cookies)
    init_security_headers(server, settings)
    import kcstat_dash.web.auth  # noqa: F401 - registers the user loader
    limiter.init_app(server)
    browser_ids.init_app(server)
    init_language(server)
    init_error_handlers(server)  # a DomainError from any view answers as the one JSON error
    register_routes(server)
    enable_compression(server)
    return server


def create_app(settings: Settings | None = None) -> dash.Dash:
    """Build the whole app; ``create_app().server`` is the WSGI application."""
    settings = settings or Settings.from_env()
    settings.check_can_serve()
    server = create_server(settings)
    # The Dash pages are registered afresh for each app, so several apps (tests) can coexist.
    dash._pages.PAGE_REGISTRY.clear()
    app = dash.Dash(
        "kcstat_dash",
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        # Bootstrap is vendored in assets/ (01-bootstrap.min.css): no CDN at a meeting venue.
        serve_locally=True,
        suppress_callback_exceptions=True,
        title=APP_TITLE,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    localize_index(app)
    init_page_router_guard(server, app.config.routes_pathname_prefix,
                           app.config.requests_pathname_prefix)
    server.extensions["kcstat_page_cache"].update_path = (
        f"{app.config.routes_pathname_prefix}{UPDATE_PATH}")
    # The composition root: the one place the web package meets the UI packages above it. They
    # are imported here, at call time, so that importing kcstat_dash.web never imports them (the
    # import-linter contracts in pyproject.toml allow this one edge and no other).
    import callbacks
    import layouts
    from callbacks.pages import LAYOUTS
    from callbacks.rendered_feeds import counts_body, poll_body

    layouts.register_pages(LAYOUTS)
    app.layout = layouts.shell.app_shell
    callbacks.register(app)
    server.extensions["kcstat_live_poll"].render_feed = poll_body
    server.extensions["kcstat_live_poll"].render_counts = counts_body
    allow_inline_scripts(server, app.csp_hashes)
    return app
