"""SQLAlchemy 2.0 models: measures and their data, meetings and questions, people and records."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from kcstat_dash.services.question_status import QuestionStatus

# Named constraints, so that Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, in UTC: every timestamp is stored in UTC and shown in America/Chicago."""
    return datetime.now(UTC)




class UTC_DT(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC with tzinfo")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- Measures -----------------------------------------------------------------------------


class Area(Base):
    """One of the six KCStat goal areas."""

    __tablename__ = "area"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")

    measures: Mapped[list[Measure]] = relationship(back_populates="area",
                                                   order_by="Measure.position")


class Measure(Base):
    """A performance measure: what is counted, which way is better, and its default target."""

    __tablename__ = "measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    unit: Mapped[str] = mapped_column(String(20))  # count | percent | days
    direction: Mapped[str] = mapped_column(String(10))  # higher | lower (is better)
    definition: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind: Mapped[str] = mapped_column(String(20), default="311")  # 311 | survey
    position: Mapped[int] = mapped_column(Integer, default=0)
    hashtag: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # The exact field rule behind ``definition`` (plain words), for analysts.
    definition_rule: Mapped[str] = mapped_column(Text, default="")
    # Rates and medians are samples of requests: fewer than KCSTAT_MIN_N are too few to judge.
    judged_on_n: Mapped[bool] = mapped_column(Boolean, default=False)
    # What a reader must know before comparing this measure's values (coverage, a change in how
    # the data was recorded), shown with the measure on every page and citation.
    caveat: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The first period of a new series (``2019-01``): no trend or change is claimed across it.
    series_break: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # The last day this measure's data covers, for measures not computed from 311 requests
    # (whose day is the 311 data's coverage).
    data_through: Mapped[str | None] = mapped_column(String(10), nullable=True)

    area: Mapped[Area] = relationship(back_populates="measures")
    observations: Mapped[list[Observation]] = relationship(
        back_populates="measure", order_by="Observation.period", cascade="all, delete-orphan"
    )
    targets: Mapped[list[MeasureTarget]] = relationship(
        back_populates="measure", order_by="MeasureTarget.effective_from",
        cascade="all, delete-orphan"
    )


class MeasureTarget(Base):
    """A target in force from a period on; the history is kept so past months keep their status."""

    __tablename__ = "measure_target"
    __table_args__ = (UniqueConstraint("measure_id", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    effective_from: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    set_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)
    # Where the target comes from, e.g. "FY2027 business plan, adopted 2026-06-12".
    note: Mapped[str | None] = mapped_column(Text, nullable=True)

    measure: Mapped[Measure] = relationship(back_populates="targets")


class Observation(Base):
    """A measure's value for one period (``YYYY-MM`` for 311 data, ``FY2012`` for surveys)."""

    __tablename__ = "observation"
    __table_args__ = (UniqueConstraint("measure_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    period: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    # n: how many requests the value is computed from (see services/statistics).
    request_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The month's requests less cancelled and duplicates, and how many of those have no known
    # outcome yet: together they say whether the value is provisional.
    eligible_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unknown_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The month ends after the day the data runs through (services/verdicts.is_partial).
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    # A survey value: respondents answering favourably (of n) and the 95% margin of error, in
    # the value's own unit (percentage points).
    numerator: Mapped[int | None] = mapped_column(Integer, nullable=True)
    margin_of_error: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The share (0–1) of the period's records the value could count, e.g. police reports with a
    # location when the value counts reports placed in a neighborhood.
    coverage_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The latest import that added or changed a request this value counts (for a published
    # figure, the import that stored it): what a citation names as the value's provenance.
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"), nullable=True)
    computed_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="observations")
    import_run: Mapped[ImportRun | None] = relationship()


class NeighborhoodObservation(Base):
    """A measure's value for one neighborhood over the measure's latest twelve months."""

    __tablename__ = "neighborhood_observation"
    __table_args__ = (UniqueConstraint("measure_id", "neighborhood"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    neighborhood: Mapped[str] = mapped_column(String(120))
    nbh_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    window: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    request_count: Mapped[int] = mapped_column(Integer)


class NeighborhoodMonth(Base):
    """A 311 measure's additive tally for one neighborhood in one month: the twelve-month
    neighborhood figures are summed from these, so a sync never reads a year of requests.

    ``request_count`` is the statistic's n; ``hits`` the on-time requests of a rate;
    ``days`` the median's histogram, ``[[days to close, how many], ...]`` keyed by the exact
    stored value (whole days in the city's data), so the combined median is the rows' median.
    """

    __tablename__ = "neighborhood_month"
    __table_args__ = (UniqueConstraint("measure_id", "period", "neighborhood"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    period: Mapped[str] = mapped_column(String(7))
    neighborhood: Mapped[str] = mapped_column(String(120))
    request_count: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int | None] = mapped_column(Integer, nullable=True)
    days: Mapped[list | None] = mapped_column(JSON, nullable=True)


class DistrictObservation(Base):
    """A survey measure's value in one council district for one wave, with n and margin."""

    __tablename__ = "district_observation"
    __table_args__ = (UniqueConstraint("measure_id", "period", "district"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    period: Mapped[str] = mapped_column(String(10))
    district: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)
    numerator: Mapped[int | None] = mapped_column(Integer, nullable=True)
    margin_of_error: Mapped[float | None] = mapped_column(Float, nullable=True)


class CrimeReport(Base):
    """One KCPD report (many rows of the city's table, one per person involved, make one).

    Only what the measures need: no names, addresses, race, sex or age of anyone involved.
    """

    __tablename__ = "crime_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_no: Mapped[str] = mapped_column(String(40), unique=True)
    reported_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, Kansas City time
    period: Mapped[str] = mapped_column(String(7), index=True)
    ibrs: Mapped[str | None] = mapped_column(String(10), nullable=True)
    category: Mapped[str] = mapped_column(String(10))  # persons | property | society | other
    has_location: Mapped[bool] = mapped_column(Boolean, default=False)
    source_table: Mapped[str | None] = mapped_column(String(40), nullable=True)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"), nullable=True)


class Narrative(Base):
    """What the city says about a period's result: what is being done, how peers compare."""

    __tablename__ = "narrative"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    period: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    # The same narrative in Spanish, when its author gave one (Spanish pages show it).
    body_es: Mapped[str | None] = mapped_column(Text, nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)


class PeerComparison(Base):
    """A peer city's (or peer average's) value for a measure and period, with its source."""

    __tablename__ = "peer_comparison"
    __table_args__ = (UniqueConstraint("measure_id", "period", "peer_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"),
                                            index=True)
    period: Mapped[str] = mapped_column(String(10))
    peer_name: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)


class ImportRun(Base):
    """One import of data: which source, when, and what it changed (for provenance)."""

    __tablename__ = "import_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # 311-csv | socrata | figures
    source: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTC_DT, nullable=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_added: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    # What this import covers: its first and last creation day, how many neighborhoods, and
    # whether it is a whole-city extract (a Socrata import with no filter, or one declared so).
    covers_from: Mapped[str | None] = mapped_column(String(10), nullable=True)
    covers_through: Mapped[str | None] = mapped_column(String(10), nullable=True)
    neighborhood_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    citywide: Mapped[bool] = mapped_column(Boolean, default=False)


class DataVersion(Base):
    """One row counting every change to the published numbers, bumped by database triggers
    (migrations/data_version_triggers.py): what page caches are keyed on."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)


class SyncCursor(Base):
    """Where the last ``kcstat sync`` of one portal dataset stopped: the latest Socrata
    ``:updated_at`` it stored. The next sync asks for what changed from then on."""

    __tablename__ = "sync_cursor"
    dataset: Mapped[str] = mapped_column(String(20), primary_key=True)
    updated_through: Mapped[str] = mapped_column(String(40))  # as Socrata wrote it (UTC)
    synced_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_run.id", ondelete="SET NULL"), nullable=True)


class RequestTally(Base):
    """How many stored 311 requests share a dataset, neighborhood id and spelling: what the
    coverage's datasets and neighborhood names are read from, kept by a sync without a scan."""

    __tablename__ = "request_tally"
    id: Mapped[int] = mapped_column(primary_key=True)
    dataset: Mapped[str] = mapped_column(String(20))
    nbh_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    neighborhood: Mapped[str | None] = mapped_column(String(120), nullable=True)
    request_count: Mapped[int] = mapped_column(Integer)


class DataCoverage(Base):
    """What the stored data of one kind covers now: dates, neighborhoods, city or sample.

    Rewritten with every recompute, so every page and citation says the same scope.
    """

    __tablename__ = "data_coverage"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), unique=True)  # 311
    data_from: Mapped[str | None] = mapped_column(String(10), nullable=True)
    data_through: Mapped[str | None] = mapped_column(String(10), nullable=True)
    neighborhoods: Mapped[list] = mapped_column(JSON, default=list)
    neighborhood_count: Mapped[int] = mapped_column(Integer, default=0)
    city_neighborhood_count: Mapped[int] = mapped_column(Integer, default=0)
    citywide: Mapped[bool] = mapped_column(Boolean, default=False)
    dataset: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)


class ServiceRequest(Base):
    """A 311 service request as the city's portal published it, normalised across datasets."""

    __tablename__ = "service_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), unique=True)
    dataset: Mapped[str] = mapped_column(String(20))  # 7at3-sxhp | d4px-6rwg
    source: Mapped[str | None] = mapped_column(String(40), nullable=True)
    department: Mapped[str | None] = mapped_column(String(120), nullable=True)
    work_group: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_type: Mapped[str | None] = mapped_column(String(300), nullable=True)
    category: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    type: Mapped[str | None] = mapped_column(String(120), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTC_DT)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of creation, local time
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    exceeded_timeframe: Mapped[str | None] = mapped_column(String(1), nullable=True)  # Y | N
    closed_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # YYYY-MM-DD
    days_to_close: Mapped[float | None] = mapped_column(Float, nullable=True)
    street_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    zip_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    neighborhood: Mapped[str | None] = mapped_column(String(120), nullable=True)
    nbh_id: Mapped[str | None] = mapped_column(String(20), nullable=True)
    council_district: Mapped[str | None] = mapped_column(String(10), nullable=True)
    police_district: Mapped[str | None] = mapped_column(String(40), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    case_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A hash of the normalised row, so a re-import can tell a changed row from an unchanged one.
    row_hash: Mapped[str] = mapped_column(String(64))
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id"), nullable=True)


# --- Meetings and the public Q&A -----------------------------------------------------------


class Meeting(Base):
    """A monthly KCStat meeting on one goal area; its Q&A stays as a public archive."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTC_DT, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTC_DT, nullable=True)
    # Where the meeting is held (a street address), shown on its page and in the calendar feed.
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    livestream_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    recording_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled | live | ended
    accepting_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    now_discussing_measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id"), nullable=True
    )
    pinned_question_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Bumped in the same transaction as every public change to the feed, so that polling
    # browsers can learn "nothing new" from one integer.
    feed_version: Mapped[int] = mapped_column(Integer, default=0)
    # The feed version of the last change other than a vote count (services/feed_version.py):
    # a page holding this version or later needs only the new counts, not the whole feed.
    content_version: Mapped[int] = mapped_column(Integer, default=0)

    area: Mapped[Area] = relationship()
    now_discussing: Mapped[Measure | None] = relationship()


class Question(Base):
    """A resident's question from the web form or social media, with what it flagged."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_question_meeting_status", "meeting_id", "status"),
        Index("ix_question_client_key", "client_key", "text_hash"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    display_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")  # web | x | ...
    # The language it was asked in (ISO 639-1: "en", "es"); None when not known
    # (services/question_language.py).
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # pending | approved | answered | hidden | rejected | merged
    status: Mapped[str] = mapped_column(String(20), default=QuestionStatus.PENDING.value)
    held_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTC_DT, nullable=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"), nullable=True)
    period: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # What the resident saw when flagging: measure, period, value, target, status.
    flag_snapshot: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("question.id"), nullable=True)
    labels: Mapped[list | None] = mapped_column(JSON, nullable=True)
    client_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The id of the version stored, when a post can be edited (X gives each edit a new id while
    # external_id stays the original post's id, so every version dedupes to one question).
    external_version_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    author_handle: Mapped[str | None] = mapped_column(String(80), nullable=True)
    external_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    posted_at: Mapped[datetime | None] = mapped_column(UTC_DT, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    measure: Mapped[Measure | None] = relationship()


class QuestionVote(Base):
    """One "me too" from one browser."""

    __tablename__ = "question_vote"
    __table_args__ = (UniqueConstraint("question_id", "voter_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)


# --- People, accountability, citations, ingestion -----------------------------------------


class User(Base):
    """A staff account: moderator, analyst or admin."""

    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default="moderator")  # services.accounts.Role
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of every session and remember cookie (auth.StaffUser.get_id): raising it on sign-out,
    # a password change or reset and deactivation ends every session made before.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)


class AuditEntry(Base):
    """Who did what to which record, when, with the record before and after."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()


class Citation(Base):
    """An immutable snapshot of a published statistic, with a content hash anyone can check."""

    __tablename__ = "citation"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    measure_slug: Mapped[str] = mapped_column(String(80), index=True)
    period: Mapped[str] = mapped_column(String(10))
    snapshot: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    cited_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow)


class SocialCursor(Base):
    """How far a social-media source has been read (X's ``since_id``)."""

    __tablename__ = "social_cursor"
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    since_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A run in progress (newest first, page by page): the next page's token and the newest id
    # the run has seen, which becomes since_id once the run's last page is stored.
    page_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_newest_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTC_DT, default=utcnow, onupdate=utcnow)


class RateLimitCounter(Base):
    """A rate-limit window's count (used when there is no Redis; see rate_limit_storage.py)."""

    __tablename__ = "rate_limit_counter"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    # Seconds since the epoch: compared with time.time(), the same on every worker.
    expires_at: Mapped[float] = mapped_column(Float, index=True)
