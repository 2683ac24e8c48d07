"""The WSGI entry point for gunicorn: ``gunicorn kcstat_dash.wsgi:server``."""

from kcstat_dash.app import create_app

app = create_app()
server = app.server
