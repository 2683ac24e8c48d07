"""Analysts' work on measures: targets with their history, narratives, peer values, the to-do list.

Each function works in the caller's session with its audit entry; the caller commits once.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash.models import Measure, Narrative, PeerComparison
from kcstat_dash.services import audit, measures, verdicts
from kcstat_dash.services.moderation import ModerationError, clean_text

PERIOD_PATTERN = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|FY\d{4}|(19|20)\d{2})$")
MAX_NARRATIVE_LENGTH = 5000
MAX_NOTE_LENGTH = 500
MAX_PEER_NAME_LENGTH = 200
# How many of each measure's latest periods the to-do list looks at.
TODO_RECENT_PERIODS = 3


class StewardshipError(ModerationError):
    """A target, narrative or peer value cannot be saved as given; the message says why."""


def _measure(session: Session, slug: str) -> Measure:
    try:
        return measures.get_measure(session, slug or "")
    except measures.UnknownMeasure as error:
        raise StewardshipError(f"There is no measure {slug!r}.") from error


def check_period(measure: Measure, period: str | None) -> str:
    period = (period or "").strip()
    if not PERIOD_PATTERN.match(period):
        raise StewardshipError("Give the period as YYYY-MM (a month), FYyyyy (a fiscal year) "
                               "or yyyy (a calendar year).")
    shape = _period_shape(measure)
    if shape != _shape_of(period):
        raise StewardshipError(f"{measure.name} is reported " + PERIOD_SHAPE_WORDS[shape])
    return period


PERIOD_SHAPE_WORDS = {"month": "by month (YYYY-MM).", "fiscal": "by fiscal year (FYyyyy).",
                      "year": "by calendar year (yyyy)."}


def _shape_of(period: str) -> str:
    if re.match(r"^\d{4}-", period):
        return "month"
    return "fiscal" if period.startswith("FY") else "year"


def _period_shape(measure: Measure) -> str:
    """How a measure's periods look: by its data, or monthly for a 311 measure with none yet."""
    if measure.observations:
        return _shape_of(measure.observations[-1].period)
    return "month" if measure.kind == "311" else "fiscal"


def check_value(measure: Measure, value, what: str = "value") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise StewardshipError(f"The {what} must be a number.") from error
    if not math.isfinite(number) or number < 0:
        raise StewardshipError(f"The {what} must be a number of zero or more.")
    if measure.unit == "percent" and number > 100:
        raise StewardshipError(f"The {what} is a percentage: at most 100.")
    return number


def set_target(session: Session, slug: str, effective_from: str, value,
               user_id: int | None, note: str | None = None) -> dict:
    """A target in force from a period on; earlier periods keep the target they had.

    The analysts' page, ``kcstat set-target`` and ``kcstat import-targets`` all come here.
    """
    measure = _measure(session, slug)
    period = check_period(measure, effective_from)
    number = None if value in (None, "") else check_value(measure, value, "target")
    note = clean_text(note, "note", MAX_NOTE_LENGTH) if (note or "").strip() else None
    before = {"effective_from": period, "in_force": measures.target_for(measure, period)}
    measures.set_target(session, measure, period, number, user_id, note)
    after = {"effective_from": period, "value": number}
    if note:
        after["note"] = note
    audit.record(session, user_id, "measure.set_target", "measure", measure.slug, before, after)
    return after


TARGET_COLUMNS = ("slug", "value", "effective_from", "note")
MAX_TARGET_ROWS = 5000


class TargetFileError(StewardshipError):
    """A targets file that cannot be imported; names the file and line."""


def import_targets(session: Session, path: str | Path, user_id: int | None = None) -> list[dict]:
    """Set every target a CSV file lists (slug, value, effective_from, note), in the caller's
    transaction: a bad row refuses the whole file, naming its line, so nothing is half-set.

    An empty ``value`` means "no target from then on", as on the analysts' page.
    """
    label = Path(path).name
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [(name or "").strip() for name in (reader.fieldnames or [])]
            missing = [c for c in TARGET_COLUMNS[:3] if c not in header]
            if missing:
                raise TargetFileError(f"{label}, line 1: the header lacks {', '.join(missing)} "
                                      f"(expected {', '.join(TARGET_COLUMNS)})")
            reader.fieldnames = header
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TargetFileError(f"{label}: cannot be read as a UTF-8 CSV file ({error})") from error
    if not rows:
        raise TargetFileError(f"{label}: the file has no targets")
    if len(rows) > MAX_TARGET_ROWS:
        raise TargetFileError(f"{label}: at most {MAX_TARGET_ROWS} targets in one file")
    done = []
    for line, row in enumerate(rows, start=2):
        if None in row:
            raise TargetFileError(f"{label}, line {line}: more fields than the header")
        try:
            result = set_target(session, (row.get("slug") or "").strip(),
                                row.get("effective_from"), (row.get("value") or "").strip(),
                                user_id, row.get("note"))
        except ModerationError as error:  # StewardshipError, or clean_text's refusal of a note
            raise TargetFileError(f"{label}, line {line}: {error}") from error
        done.append({"slug": row["slug"].strip(), **result})
    return done


def target_history(session: Session, slug: str) -> list[dict]:
    measure = _measure(session, slug)
    rows = [{"effective_from": "(default)", "value": measure.target, "set_at": None}]
    return rows + [{"effective_from": t.effective_from, "value": t.value, "set_at": t.set_at}
                   for t in measure.targets]


def write_narrative(session: Session, slug: str, period: str, body: str,
                    user_id: int | None, body_es: str | None = None) -> Narrative:
    """Publish what the city says about a period, with its Spanish version if one is given
    (optional: Spanish pages show the English with a note otherwise); earlier versions stay in
    the history."""
    measure = _measure(session, slug)
    period = check_period(measure, period)
    text = clean_text(body, "narrative", MAX_NARRATIVE_LENGTH)
    spanish = clean_text(body_es, "Spanish narrative", MAX_NARRATIVE_LENGTH,
                         required=False) or None
    key = (measure.id, period)
    before = measures.narratives_in_force(session, [measure.id]).get(key)
    previous, previous_es = (before.body, before.body_es) if before else (None, None)
    narrative = Narrative(measure_id=measure.id, period=period, body=text, body_es=spanish,
                          author_id=user_id)
    session.add(narrative)
    session.flush()
    audit.record(session, user_id, "measure.narrative", "measure", measure.slug,
                 {"period": period, "body": previous, "body_es": previous_es},
                 {"period": period, "body": text, "body_es": spanish})
    return narrative


def add_peer(session: Session, slug: str, period: str, peer_name: str, value,
             source_url: str | None, user_id: int | None) -> PeerComparison:
    """Add (or correct) a peer city's value for a period, with an http(s) source."""
    measure = _measure(session, slug)
    period = check_period(measure, period)
    name = clean_text(peer_name, "peer name", MAX_PEER_NAME_LENGTH)
    number = check_value(measure, value)
    url = (source_url or "").strip() or None
    if url is not None and (not re.match(r"^https?://[^\s<>\"']+$", url) or len(url) > 2000):
        raise StewardshipError("The source must be an http:// or https:// address.")
    peer = session.scalar(select(PeerComparison).where(
        PeerComparison.measure_id == measure.id, PeerComparison.period == period,
        PeerComparison.peer_name == name))
    before = None if peer is None else {"value": peer.value, "source_url": peer.source_url}
    if peer is None:
        peer = PeerComparison(measure_id=measure.id, period=period, peer_name=name)
        session.add(peer)
    peer.value, peer.source_url = number, url
    session.flush()
    audit.record(session, user_id, "measure.peer", "measure", measure.slug, before,
                 {"period": period, "peer_name": name, "value": number, "source_url": url})
    return peer


def todo(session: Session) -> list[dict]:
    """Missed targets with no narrative in each measure's latest complete periods: the
    analyst's to-do. "Missed" is ``verdicts``' word, as on the overview: a partial month or a
    value on too few requests is never on this list. ``headline`` marks the period the
    measure leads with on the public pages."""
    ms = list(session.scalars(measures._measure_query().order_by(Measure.name)))
    narratives = measures.narratives_by_period(session, [m.id for m in ms])
    items = []
    for measure in ms:
        complete = [p for p in measures.observation_points(measure) if not p["partial"]]
        for point in complete[-TODO_RECENT_PERIODS:]:
            if point["status"] == verdicts.MISSED and (
                    measure.id, point["period"]) not in narratives:
                items.append({"slug": measure.slug, "name": measure.name, "unit": measure.unit,
                              "kind": measure.kind,
                              "period": point["period"], "value": point["value"],
                              "n": point["n"], "target": point["target"],
                              "headline": point is complete[-1]})
    return items


def measure_choices(session: Session) -> list[dict]:
    return [{"id": i, "slug": s, "name": n, "kind": k} for i, s, n, k in session.execute(
        select(Measure.id, Measure.slug, Measure.name, Measure.kind).order_by(Measure.name))]
