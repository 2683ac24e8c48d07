"""The installed ``kcstat`` command: the domain's commands (kcstat_dash/cli.py) plus serving.

``kcstat demo`` and ``kcstat serve`` start the web app, so they live on the web side of the
layers; every other command comes unchanged from the domain's group.
"""

from __future__ import annotations

import dataclasses

import click

from kcstat_dash import cli as domain_cli

main = click.Group("kcstat", help=domain_cli.main.help, commands=dict(domain_cli.main.commands))


def _serve(host: str, port: int) -> None:
    # Imported here so that the other commands start without loading Dash and Flask.
    from kcstat_dash.web.app import create_app

    settings = domain_cli.settings_from_env()
    if not settings.public_base_url:  # links point where this local server listens
        settings = dataclasses.replace(settings, public_base_url=f"http://{host}:{port}")
    app = create_app(settings)
    click.echo(f"KCStat Dash on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False)


@main.command()
@click.option("--serve/--no-serve", default=True, help="Serve the app after loading.")
@click.option("--reload", is_flag=True, help="Import the sample again even if it is loaded.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, envvar="PORT")
def demo(serve: bool, reload: bool, host: str, port: int) -> None:
    """Create the database, load the embedded Kansas City sample, and serve the app."""
    domain_cli.load_demo(reload)
    if serve:
        _serve(host, port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, envvar="PORT")
def serve(host: str, port: int) -> None:
    """Serve the app (development server; use gunicorn in production, see the Procfile)."""
    domain_cli.migrated_database(domain_cli.settings_from_env())
    _serve(host, port)


if __name__ == "__main__":
    main()
