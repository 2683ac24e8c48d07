"""The ``kcstat`` command's domain half: set up the database, import data, load the demo, cite.

Serving the app is the web's business: ``kcstat demo`` and ``kcstat serve`` are added to these
commands by ``kcstat_dash/web/cli.py``, the entry point that ``pip install`` puts on the PATH.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from kcstat_dash.db import db
from kcstat_dash.services.accounts import Role
from kcstat_dash.settings import Settings, SettingsError


def settings_from_env(**overrides) -> Settings:
    """The environment's settings for a local command: a throwaway key when SECRET_KEY is unset
    (these commands sign nothing that outlives them)."""
    try:
        return Settings.from_env(allow_generated_secret=True, **overrides)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def migrated_database(settings: Settings):
    """The database, its schema first brought up to date (for commands that write)."""
    from kcstat_dash.migrate import upgrade

    upgrade(settings.database_url)
    return connected_database(settings)


def connected_database(settings: Settings):
    """The database as it is, for commands that only read: they never change its schema."""
    from sqlalchemy import inspect

    db.configure(settings.database_url)
    if not inspect(db.engine).has_table("alembic_version"):
        raise click.ClickException("the database has no schema yet; run kcstat init-db first")
    return db


def _progress(enabled: bool):
    # A progress bar on a terminal; plain output in CI logs and pipes.
    return tqdm(total=0, unit="rows", disable=not enabled, leave=False, file=sys.stderr)


@click.group()
def main() -> None:
    """KCStat Dash: Kansas City's performance measures beside a moderated public Q&A."""


@main.command("init-db")
def init_db() -> None:
    """Create the schema (apply every migration) on DATABASE_URL."""
    settings = settings_from_env()
    migrated_database(settings)
    click.echo(f"Database ready: {settings.database_url.split('@')[-1]}")


@main.command("import-311")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@click.option("--citywide", is_flag=True,
              help="The files are a whole-city export. Without it, pages and citations describe "
                   "the data as a sample of the neighborhoods it holds.")
def import_311(files: tuple[str, ...], progress: bool | None, citywide: bool) -> None:
    """Import 311 CSV exports from data.kcmo.org (either dataset's columns), then recompute."""
    from kcstat_dash.services.data_load import import_311_paths

    database = migrated_database(settings_from_env())
    show = sys.stderr.isatty() if progress is None else progress
    with _progress(show) as bar:
        report = import_311_paths(database, files, bar, citywide=citywide)
    for summary in report.imported:
        click.echo(str(summary))
    for error in report.errors:
        click.echo(f"Error: {error} (nothing imported from this file)", err=True)
    if report.imported:
        click.echo(f"Measures recomputed: {report.observations} observations.")
    if report.errors:
        raise SystemExit(1)


@main.command("import-socrata")
@click.argument("dataset_id")
@click.option("--where", help="A SoQL $where clause, e.g. \"category='Pothole'\".")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only requests created on or after this day (YYYY-MM-DD).")
@click.option("--page-size", default=5000, show_default=True, type=click.IntRange(1, 50000))
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
def import_socrata_command(dataset_id: str, where: str | None, since, page_size: int,
                           progress: bool | None) -> None:
    """Import 311 requests from data.kcmo.org (7at3-sxhp or d4px-6rwg), then recompute."""
    from kcstat_dash.services.socrata_import import SocrataImportError, import_socrata

    settings = settings_from_env()
    database = migrated_database(settings)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with _progress(show) as bar:
            summary, observations = import_socrata(
                database, dataset_id, where=where, since=since.date() if since else None,
                app_token=settings.socrata_app_token, page_size=page_size, progress=bar)
    except SocrataImportError as error:
        raise click.ClickException(f"{error} (nothing imported)") from error
    click.echo(str(summary))
    click.echo(f"Measures recomputed: {observations} observations.")


@main.command("sync")
@click.argument("dataset_id", default="d4px-6rwg")
@click.option("--page-size", default=5000, show_default=True, type=click.IntRange(1, 50000))
def sync_command(dataset_id: str, page_size: int) -> None:
    """Bring in what changed on data.kcmo.org since the last sync (default: the current 311
    dataset, d4px-6rwg), then recompute the months it touched. Run it nightly."""
    from kcstat_dash.services.socrata_import import SocrataImportError
    from kcstat_dash.services.socrata_sync import sync_dataset

    settings = settings_from_env()
    database = migrated_database(settings)
    try:
        summary = sync_dataset(database, dataset_id, app_token=settings.socrata_app_token,
                               page_size=page_size)
    except SocrataImportError as error:
        raise click.ClickException(f"{error} (nothing stored; the next sync starts from the "
                                   f"same place)") from error
    click.echo(str(summary))


@main.command("import-figures")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_figures_command(file: str) -> None:
    """Import published figures (measure, area, period, value, unit, series, source)."""
    from kcstat_dash.services.figures_import import import_figures
    from kcstat_dash.services.requests_import import ImportFileError

    database = migrated_database(settings_from_env())
    try:
        with database.transaction() as session:
            count = import_figures(session, file)
    except ImportFileError as error:
        raise click.ClickException(f"{error} (nothing imported)") from error
    click.echo(f"{count} published figures imported.")


@main.command("import-kcpd")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--socrata", "tables", multiple=True, metavar="TABLE_ID",
              help="A KCPD Crime Data table id on data.kcmo.org (e.g. dmnp-9ajg); repeatable.")
def import_kcpd_command(files: tuple[str, ...], tables: tuple[str, ...]) -> None:
    """Import KCPD Crime Data tables (CSV exports, or --socrata table ids) as reports, then
    recompute the Public Safety measures from them."""
    from kcstat_dash.services.data_load import import_kcpd_paths, import_kcpd_tables
    from kcstat_dash.services.socrata_import import SocrataImportError

    if not files and not tables:
        raise click.UsageError("give one or more CSV files, or --socrata TABLE_ID")
    settings = settings_from_env()
    database = migrated_database(settings)
    report = import_kcpd_paths(database, files)
    for summary in report.imported:
        click.echo(str(summary))
    for error in report.errors:
        click.echo(f"Error: {error} (nothing imported from this file)", err=True)
    if tables:
        try:
            fetched = import_kcpd_tables(database, tables, settings.socrata_app_token)
        except SocrataImportError as error:
            raise click.ClickException(f"{error} (nothing imported from that table)") from error
        for summary in fetched.imported:
            click.echo(str(summary))
        report.observations = fetched.observations or report.observations
    if report.observations:
        click.echo(f"Public Safety measures recomputed: {report.observations} observations.")
    if report.errors:
        raise SystemExit(1)


@main.command("set-target")
@click.argument("slug")
@click.argument("value")
@click.option("--from", "effective_from", required=True,
              help="The first period it applies to: YYYY-MM, or FY#### for survey measures.")
@click.option("--note", help="Where the target comes from (e.g. the business plan adopting it).")
def set_target_command(slug: str, value: str, effective_from: str, note: str | None) -> None:
    """Set a measure's target from a period on (VALUE "none" for no target); earlier periods
    keep the targets they had."""
    from kcstat_dash.services.moderation import ModerationError
    from kcstat_dash.services.stewardship import set_target

    database = migrated_database(settings_from_env())
    number = "" if value.strip().lower() == "none" else value
    try:
        with database.transaction() as session:
            result = set_target(session, slug, effective_from, number, None, note)
    except ModerationError as error:
        raise click.ClickException(f"{error} (nothing changed)") from error
    shown = "no target" if result["value"] is None else f"{result['value']:g}"
    click.echo(f"{slug}: {shown} from {result['effective_from']}.")


@main.command("import-targets")
@click.argument("file", type=click.Path(dir_okay=False))
def import_targets_command(file: str) -> None:
    """Set targets in bulk from a CSV file (slug, value, effective_from, note), all or none."""
    from kcstat_dash.services.stewardship import TargetFileError, import_targets

    database = migrated_database(settings_from_env())
    try:
        with database.transaction() as session:
            done = import_targets(session, file)
    except TargetFileError as error:
        raise click.ClickException(f"{error} (nothing imported)") from error
    click.echo(f"{len(done)} targets set.")


@main.command()
def recompute() -> None:
    """Recompute every 311 measure and the data's coverage from the stored requests."""
    from kcstat_dash.services.measures import recompute_311_measures

    database = migrated_database(settings_from_env())
    with database.transaction() as session:
        count = recompute_311_measures(session)
    click.echo(f"Measures recomputed: {count} observations.")


@main.command("ingest-social")
@click.option("--follow", is_flag=True, help="Keep polling every --interval seconds.")
@click.option("--interval", default=60.0, show_default=True, type=click.FloatRange(min=1),
              help="Seconds between polls with --follow.")
def ingest_social(follow: bool, interval: float) -> None:
    """Bring new social-media posts (X: KCSTAT_SOCIAL_QUERY) into the moderation queue."""
    import logging
    import signal
    import threading

    from kcstat_dash.services.social import runner

    settings = settings_from_env()
    sources = runner.configured_sources(settings)
    if not sources:
        raise click.ClickException(runner.NOT_CONFIGURED)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    database = migrated_database(settings)

    def report(reports, errors) -> None:
        for done in reports:
            click.echo(done.summary())
        for error in errors:
            click.echo(f"Error: {error} (kept: {error.report.summary()})", err=True)

    if not follow:
        reports, errors = runner.ingest_all(database, sources)
        report(reports, errors)
        if errors:
            raise SystemExit(1)
        return
    stop = threading.Event()
    # A worker is stopped with SIGTERM: finish the page in hand (its own transaction), then go.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"Following {', '.join(s.name for s in sources)} every {interval:g} s.")
    if not runner.follow(database, sources, interval, stop, on_pass=report):
        raise SystemExit(1)


def load_demo(reload: bool) -> None:
    """Create the database and load the embedded sample (``kcstat demo`` without serving)."""
    from kcstat_dash.services.data_load import load_sample
    from kcstat_dash.services.measures import request_total

    database = migrated_database(settings_from_env())
    with database.transaction() as session:
        already = request_total(session)
    if already and not reload:
        click.echo(f"Sample already loaded ({already:,} requests); use --reload to load again.")
        _recompute_if_older(database)
        from kcstat_dash.services.data_load import load_demo_meetings

        if load_demo_meetings(database):
            click.echo("Added the demo's meetings (a year of schedule and one live meeting).")
        return
    click.echo("Loading the embedded Kansas City sample (12 neighborhoods, 45,584 requests)...")
    with _progress(sys.stderr.isatty()) as bar:
        report = load_sample(database, bar)
    for error in report.errors:
        raise click.ClickException(str(error))
    click.echo(f"Loaded {sum(s.rows_read for s in report.imported):,} requests; "
               f"{report.observations:,} observations computed; {report.meetings} meetings "
               "scheduled.")


def _recompute_if_older(database) -> None:
    """A database loaded by a version that kept no coverage gets its measures recomputed once,
    so its partial months and scope are known."""
    from kcstat_dash.services.coverage import coverage_311
    from kcstat_dash.services.measures import recompute_311_measures

    with database.transaction() as session:
        if coverage_311(session) is None:
            click.echo("Recomputing the measures with this version's rules...")
            recompute_311_measures(session)


@main.command()
@click.argument("measure")
@click.argument("period")
def cite(measure: str, period: str) -> None:
    """Cite a measure's value for a period (YYYY-MM or FY####); prints the id and texts."""
    from kcstat_dash.services import citations
    from kcstat_dash.services.errors import DomainError

    settings = settings_from_env()
    database = migrated_database(settings)
    try:
        with database.transaction() as session:
            citation = citations.create_citation(session, measure, period)
            view = citations.public_view(citation, settings.public_url)
    except citations.CitationInputError as error:
        raise click.BadParameter(error.message) from error
    except DomainError as error:  # no such measure, or no value for that period
        raise click.ClickException(error.message) from error
    click.echo(f"Citation {view['id']} (SHA-256 {view['content_hash']})")
    click.echo(view["text"]["short"])
    click.echo(view["text"]["full"])


@main.command("verify-citation")
@click.argument("citation_id")
def verify_citation(citation_id: str) -> None:
    """Check a citation against today's data; exits 1 if anything a reader relies on changed
    (value, n, target, status, narrative, data through)."""
    from kcstat_dash.services import citations

    database = connected_database(settings_from_env())
    with database.transaction() as session:
        try:
            citation = citations.get_citation(session, citation_id)
        except citations.UnknownCitation as error:
            raise click.ClickException(error.message) from error
        result = citations.verify(session, citation)
    click.echo(f"{result['label']}. {result['summary']}")
    for difference in result["differences"]:
        click.echo(citations.difference_text(difference))
    for note in result["notes"]:
        click.echo(note)
    if not result["hash_ok"]:
        raise click.ClickException("the stored snapshot does not match its hash")
    if result["state"] != "same":
        raise SystemExit(1)


@main.command("export-open-data")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
def export_open_data(fmt: str, output) -> None:
    """Every measure and observation, as the /exports/open-data download gives them."""
    from kcstat_dash.services import open_data

    database = connected_database(settings_from_env())
    with database.transaction() as session:
        body = (open_data.open_data_csv(session) if fmt == "csv"
                else open_data.open_data_json(session))
    output.write(body)


@main.command("create-moderator")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]),
              default=Role.MODERATOR.value,
              show_default=True, help="moderator: the queue and meetings; analyst: measures; "
              "admin: everything, and accounts.")
@click.password_option(help="Prompted for (twice) when not given.")
def create_moderator(email: str, role: str, password: str) -> None:
    """Create a staff account; the password is stored only as a salted scrypt hash."""
    from kcstat_dash.services.accounts import AccountError, create_user

    database = migrated_database(settings_from_env())
    try:
        with database.transaction() as session:
            user = create_user(session, email, password, role)
            email, role = user.email, user.role
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {role} account {email}.")


@main.command("reset-password")
@click.argument("email")
@click.password_option(help="The new password; prompted for (twice) when not given.")
def reset_password(email: str, password: str) -> None:
    """Give a staff account a new password; every session of the account ends."""
    from kcstat_dash.services.accounts import AccountError
    from kcstat_dash.services.accounts import reset_password as reset

    database = migrated_database(settings_from_env())
    try:
        with database.transaction() as session:
            email = reset(session, email, password, by_user_id=None).email
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"New password set for {email}; its sessions have ended.")


if __name__ == "__main__":
    main()
