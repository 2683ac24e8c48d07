"""The WSGI entry point for gunicorn: ``gunicorn kcstat_dash.web.wsgi:server``."""

from kcstat_dash.web.app import create_app

app = create_app()
server = app.server
