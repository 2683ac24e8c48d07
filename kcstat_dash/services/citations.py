"""Citations: immutable, hash-checked snapshots of a published statistic, and their verification.

How anyone can check a citation's hash from ``GET /api/citations/<id>`` alone
---------------------------------------------------------------------------
The hash is SHA-256, in lowercase hex, over the UTF-8 bytes of the ``snapshot`` object written
as canonical JSON: object keys sorted, no whitespace (``","`` and ``":"`` as separators),
non-ASCII characters written as themselves (not ``\\u`` escapes), and numbers in their shortest
round-trip form with whole numbers written without a fraction (``80``, not ``80.0``). This is
the JSON Canonicalization Scheme (RFC 8785) for the values a snapshot holds, so in Python::

    body = requests.get(url).json()
    canonical = json.dumps(body["snapshot"], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    assert hashlib.sha256(canonical.encode("utf-8")).hexdigest() == body["content_hash"]

and in a browser ``JSON.stringify`` of the snapshot with its keys sorted gives the same bytes.
The id is not part of the hash (it is the address); the time of citing is.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from datetime import UTC, datetime
from functools import reduce

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcstat_dash import i18n
from kcstat_dash.i18n import N_, gettext
from kcstat_dash.models import Citation
from kcstat_dash.services import measures, verdicts
from kcstat_dash.services.coverage import coverage_311, scope_text
from kcstat_dash.services.errors import DomainError, NotFound
from kcstat_dash.services.formatting import (
    counted,
    format_value,
    is_period,
    number,
    period_label,
)
from kcstat_dash.settings import publisher_from_env
from kcstat_dash.timezone import format_local, to_local

# Version 2 added n, data_through, coverage, partial and provisional, and the status words of
# services/verdicts; version 1 snapshots stay valid (their hash covers what they hold).
SCHEMA = "kcstat-citation/2"
HASH_ALGORITHM = "sha256"
CANONICALISATION = ("RFC 8785 (JCS): UTF-8, keys sorted, no whitespace, shortest numbers; "
                    "sha256 hex of the snapshot object")
# 80 random bits in lowercase base32: unguessable enough, and safe in URLs and file names.
ID_PATTERN = re.compile(r"^[a-z2-7]{16}$")
SERIES_LENGTH = 12  # periods of context kept with a citation, for its chart
MAX_SLUG_LENGTH = 80


class UnknownCitation(NotFound):
    """No citation has that id (or the id is not even well formed)."""

    code = "citation_not_found"

    def __init__(self, citation_id: object):
        super().__init__(f"There is no citation {citation_id!r}.")
        self.citation_id = citation_id


class CitationInputError(DomainError, ValueError):
    """The request to cite is malformed: says which field and why."""

    code = "malformed"


class NothingToCite(DomainError, LookupError):
    """The measure exists but has no value for that period."""

    status = 422
    code = "nothing_to_cite"


# --- Canonical JSON and the hash ----------------------------------------------------------


def _normalise(value):
    """Whole floats as ints, so the canonical text is the same in Python, JSON and JavaScript."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def canonical_json(snapshot: dict) -> str:
    """The snapshot as canonical JSON text (see the module docstring)."""
    return json.dumps(_normalise(snapshot), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)


def content_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def new_id() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _parse_iso(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if text else None


# --- What the city publishes for a measure and period now --------------------------------


def _validate(slug, period) -> tuple[str, str]:
    if not isinstance(slug, str) or not slug.strip():
        raise CitationInputError("measure: give the measure's slug, e.g. \"pothole-on-time-rate\"")
    if len(slug) > MAX_SLUG_LENGTH or not re.fullmatch(r"[a-z0-9-]+", slug):
        raise CitationInputError("measure: a slug is lowercase letters, digits and hyphens")
    if not isinstance(period, str) or not is_period(period):
        raise CitationInputError("period: give a month as YYYY-MM or a survey year as FY####")
    return slug, period


def _measure_data(session: Session, slug: str, cache: dict | None):
    """The measure, its narratives, its points and the data's coverage; ``cache`` spares a
    packet reloading them."""
    if cache is not None and slug in cache:
        return cache[slug]
    measure = measures.get_measure(session, slug)
    coverage = cache.get("__coverage__") if cache is not None and "__coverage__" in cache \
        else coverage_311(session)
    loaded = (measure, measures.narratives_by_period(session, [measure.id]),
              measures.observation_points(measure), measures.measure_scope(measure, coverage))
    if cache is not None:
        cache[slug] = loaded
        cache["__coverage__"] = coverage
    return loaded


def _coverage_snapshot(scope: dict) -> dict:
    """What a reader needs to know of the data's reach, in the citation itself."""
    coverage = scope["coverage"] or {}
    return {"scope": scope["scope"], "citywide": scope["citywide"],
            "data_from": coverage.get("data_from"),
            "neighborhood_count": coverage.get("neighborhood_count"),
            "city_neighborhood_count": coverage.get("city_neighborhood_count"),
            # What to know before comparing (police coverage, the 2019 break, an unweighted
            # survey), for measures that carry it.
            "caveat": coverage.get("caveat"), "series_break": coverage.get("series_break")}


def published_now(session: Session, slug: str, period: str, cache: dict | None = None) -> dict:
    """Today's published value for a measure and period, with its n, target, status, scope,
    the narrative in force for that period, and its source.

    Raises ``measures.UnknownMeasure`` or ``NothingToCite``.
    """
    measure, narratives, points, scope = _measure_data(session, slug, cache)
    point = next((p for p in points if p["period"] == period), None)
    if point is None:
        raise NothingToCite(f"{measure.name} has no value for {period_label(period)}.")
    observation = next(o for o in measure.observations if o.period == period)
    run = observation.import_run
    series = [p for p in points if p["period"] <= period]
    coverage = scope["coverage"] or {}
    # The snapshot is hashed and compared field by field: its words are English whatever the
    # page's language, so a citation made from a Spanish page is the same citation.
    with i18n.using("en"):
        return {
            "measure": {"slug": measure.slug, "name": measure.name, "unit": measure.unit,
                        "direction": measure.direction, "definition": measure.definition},
            "area": {"slug": measure.area.slug, "name": measure.area.name},
            "period": period,
            "period_label": period_label(period),
            "value": point["value"],
            "value_text": format_value(point["value"], measure.unit),
            "n": point["n"],
            # A survey value's 95% margin of error and numerator; a count's share of records
            # that had a location (None where they do not apply).
            "margin_of_error": point.get("margin_of_error"),
            "numerator": point.get("numerator"),
            "coverage_share": point.get("coverage_share"),
            "partial": point["partial"],
            "provisional": point["provisional"],
            "target": point["target"],
            "target_text": (format_value(point["target"], measure.unit)
                            if point["target"] is not None else None),
            "status": point["status"],
            "data_through": scope["data_through"],
            "coverage": _coverage_snapshot(scope),
            # The narrative written for the cited period (its latest version), not the newest one.
            "narrative": narratives.get((measure.id, period)),
            "source": {
                "name": measure.source,
                "dataset": coverage.get("dataset") or None,
                "url": observation.source_url or measure.source_url,
                "import_kind": run.kind if run else None,
                "import_source": run.source if run else None,
                "imported_at": _iso(run.finished_at or run.started_at) if run else None,
            },
            "series": [{"period": p["period"], "value": p["value"], "target": p["target"],
                        "n": p["n"], "partial": p["partial"]}
                       for p in series[-SERIES_LENGTH:]],
        }


# --- Creating and reading ------------------------------------------------------------------


def create_citation(session: Session, slug, period, now: datetime | None = None) -> Citation:
    """Snapshot what is published for ``slug`` and ``period`` now; the caller commits.

    Raises ``CitationInputError`` (malformed), ``measures.UnknownMeasure`` or ``NothingToCite``.
    """
    citation = prepare_citation(session, slug, period, now)
    session.add(citation)
    session.flush()
    return citation


def prepare_citation(session: Session, slug, period, now: datetime | None = None) -> Citation:
    """The citation ``create_citation`` would store, read but not yet added (nothing written),
    so that a caller can take a rate-limit slot only for input that is citable."""
    slug, period = _validate(slug, period)
    cited_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    snapshot = _normalise({"schema": SCHEMA, "publisher": publisher_from_env(),
                           **published_now(session, slug, period), "cited_at": _iso(cited_at)})
    citation_id = new_id()
    while session.get(Citation, citation_id) is not None:  # 2**-80 odds, but never overwrite
        citation_id = new_id()
    return Citation(id=citation_id, measure_slug=slug, period=period, snapshot=snapshot,
                    content_hash=content_hash(snapshot), cited_at=cited_at)


def get_citation(session: Session, citation_id) -> Citation:
    """The citation with this id; anything malformed is simply unknown (never a crash)."""
    if not isinstance(citation_id, str) or not ID_PATTERN.match(citation_id):
        raise UnknownCitation(citation_id)
    citation = session.get(Citation, citation_id)
    if citation is None:
        raise UnknownCitation(citation_id)
    return citation


def parse_ids(text: str | None, limit: int | None = None) -> list[str]:
    """Ids from a ``a,b,c`` list (a shared packet link), in order, without repeats.

    Raises ``CitationInputError`` for a malformed id or too many.
    """
    ids: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not ID_PATTERN.match(part):
            raise CitationInputError(f"ids: {part[:40]!r} is not a citation id")
        if part not in ids:
            ids.append(part)
    limit = limit or PACKET_LIMIT
    if len(ids) > limit:
        raise CitationInputError(f"ids: at most {limit} citations at once")
    return ids


def get_many(session: Session, ids: list[str]) -> list[Citation]:
    """The citations in the order asked; raises ``UnknownCitation`` naming the first missing."""
    found = {c.id: c for c in session.scalars(select(Citation).where(Citation.id.in_(ids)))}
    for citation_id in ids:
        if citation_id not in found:
            raise UnknownCitation(citation_id)
    return [found[i] for i in ids]


def hash_matches(citation: Citation) -> bool:
    return content_hash(citation.snapshot) == citation.content_hash


# --- Verification against today's data ---------------------------------------------------


# The words below (verification, facts) follow the page's language; the citation's own texts
# (``short_text``, ``full_text``, ``qualifiers``) are made in English by ``public_view``, and
# the exports ask for English (routes/exports.py).


def _import_label(source: dict) -> str:
    when = _parse_iso(source.get("imported_at"))
    where = source.get("import_source") or gettext("an import")
    return gettext("{source}, imported {when}", source=where, when=format_local(when)) \
        if when else where


def _n_text(n) -> str:
    return counted(n) if isinstance(n, int) else gettext("not known")


def _flag_text(flag) -> str:
    return gettext("yes") if flag else gettext("no")


def _value_words(snapshot: dict, field: str = "value") -> str | None:
    """A value (or target) of a snapshot written the page's way, from the number it holds."""
    value = snapshot.get(field)
    if value is None:
        return snapshot.get(f"{field}_text")
    return format_value(value, snapshot["measure"]["unit"])


def scope_words(snapshot: dict) -> str:
    """The snapshot's coverage in the page's language: a police or survey scope by its
    English text, the 311 scope said again from the counts the snapshot keeps."""
    if "coverage" not in snapshot:
        return gettext(NOT_RECORDED)
    coverage = snapshot["coverage"]
    with i18n.using("en"):
        said_from_counts = "neighborhood_count" in coverage and scope_text(coverage)
    if said_from_counts == coverage["scope"]:
        return scope_text(coverage)
    return gettext(coverage["scope"])


def _joined(words: list[str]) -> str:
    """``n, target and status``."""
    if len(words) < 2:
        return "".join(words)
    return gettext("{first} and {last}", first=", ".join(words[:-1]), last=words[-1])


def _cited_n(snapshot: dict):
    # Version 1 called it request_count (and then it counted every request of the month).
    return snapshot.get("n", snapshot.get("request_count"))


# The verdict's words, the same on the citation page, the packet, its exports and the CLI.
STATES = ("same", "changed", "unavailable")
# English, as the API and exports give them; pages show them translated by this text.
STATE_LABELS = {"same": N_("Still the same today"), "changed": N_("Changed since it was cited"),
                "unavailable": N_("No longer published")}

# Every field a reader of a citation relies on: its name, how it reads, why it would have moved.
# A field an older snapshot does not hold is not compared: it promised nothing about it.
COMPARED_FIELDS = (
    ("value", N_("Value"), lambda s: _value_words(s),
     N_("revised data: today's value is computed from data imported or corrected since")),
    ("n", N_("n"), lambda s: _n_text(_cited_n(s)),
     N_("revised data: the value now rests on a different number of requests")),
    ("target", N_("Target"), lambda s: _value_words(s, "target") or gettext("no target"),
     N_("changed target: the target in force for the period was changed after the citation")),
    ("status", N_("Status"), lambda s: verdicts.status_words(s["status"]), None),
    ("narrative", N_("Narrative"), lambda s: s["narrative"] or gettext("none"),
     N_("changed narrative: the city's explanation for this period was rewritten")),
    ("data_through", N_("Data through"), lambda s: s["data_through"] or gettext("not stated"),
     N_("new data: the data now runs to a later day")),
    ("partial", N_("Partial month"), lambda s: _flag_text(s["partial"]),
     N_("the month was incomplete when cited and is complete now (or the reverse)")),
    ("provisional", N_("Provisional"), lambda s: _flag_text(s["provisional"]),
     N_("more (or fewer) of the month's requests have a known outcome now")),
    ("coverage", N_("Coverage"), lambda s: scope_words(s),
     N_("the data now covers a different part of the city")),
)
FIELD_LABELS = {field: label for field, label, _, _ in COMPARED_FIELDS}
# What a status follows from, so its reason names the change that moved it.
STATUS_CAUSES = ("value", "n", "target", "partial")


def _present(snapshot: dict, field: str) -> bool:
    return field in snapshot or (field == "n" and "request_count" in snapshot)


def _same(field: str, then: dict, now: dict) -> bool:
    if field == "status":
        return verdicts.canonical_status(then["status"]) == now["status"]
    if field == "n":
        return _cited_n(then) == now["n"]
    if field == "coverage":
        return then["coverage"]["scope"] == now["coverage"]["scope"]
    if field == "narrative":
        return (then[field] or None) == (now[field] or None)
    return then[field] == now[field]


def _reason(field: str, default: str | None, changed: set[str], import_note: str | None,
            cited: dict, now: dict) -> str:
    """Why a field moved, as specific as the other differences and the imports allow."""
    if field == "narrative" and not cited["narrative"]:
        return gettext("new narrative: the city published an explanation for this period since")
    if field == "narrative" and not now["narrative"]:
        return gettext("withdrawn narrative: the city's explanation for this period was removed")
    if field == "status":
        causes = [gettext(FIELD_LABELS[f]).lower() for f in STATUS_CAUSES if f in changed]
        if causes:
            # "value and n and target", each pair joined by the language's "and".
            fields = reduce(lambda first, last: gettext("{first} and {last}", first=first,
                                                        last=last), causes)
            return gettext("follows from the changed {fields}", fields=fields)
        return gettext("the rule for judging a value changed (e.g. the fewest requests judged)")
    if field in ("value", "n") and import_note:
        return gettext("{reason}: recomputed from {source}",
                       reason=gettext(default).split(":")[0], source=import_note)
    return gettext(default)


def _words(fields: list[str]) -> str:
    """``n, target and status``: fields as a reader says them (partial and provisional are the
    month's completeness)."""
    words: list[str] = []
    for field in fields:
        word = gettext("completeness") if field in ("partial", "provisional") else \
            gettext(FIELD_LABELS[field]) if field == "n" else gettext(FIELD_LABELS[field]).lower()
        if word not in words:
            words.append(word)
    return _joined(words) if words else gettext("nothing else")


def difference_text(difference: dict) -> str:
    """One difference in a sentence, as the print page, the CSV and the CLI give it."""
    return gettext("{label}: {then} when cited, {now} now ({reason})",
                   label=gettext(difference["label"]), then=difference["then"],
                   now=difference["now"], reason=difference["reason"])


def verify(session: Session, citation: Citation, cache: dict | None = None) -> dict:
    """Does today's data still say what was cited? ``state`` is ``same``, ``changed`` (with
    each difference: field, label, then, now, reason) or ``unavailable``; ``label`` and
    ``summary`` are the words every surface shows."""
    cited = citation.snapshot
    try:
        now = published_now(session, citation.measure_slug, citation.period, cache)
    except (measures.UnknownMeasure, NothingToCite):
        period = (period_label(cited["period"]) if is_period(cited["period"])
                  else cited["period_label"])
        return {"state": "unavailable", "label": STATE_LABELS["unavailable"],
                "hash_ok": hash_matches(citation), "current": None, "differences": [],
                "notes": [],
                "summary": gettext("Today's data has no value for {period}; the cited snapshot "
                                   "below is what was published then.", period=period)}
    compared = [row for row in COMPARED_FIELDS if _present(cited, row[0])]
    changed = {field for field, *_ in compared if not _same(field, cited, now)}
    reimported = now["source"]["imported_at"] != cited["source"]["imported_at"] or (
        now["source"]["import_source"] != cited["source"]["import_source"])
    import_note = gettext("{now}; the cited value came from {then}",
                          now=_import_label(now["source"]),
                          then=_import_label(cited["source"])) if reimported else None
    differences = [{"field": field, "label": label, "then": show(cited), "now": show(now),
                    "reason": _reason(field, why, changed, import_note, cited, now)}
                   for field, label, show, why in compared if field in changed]
    notes = []
    if reimported:
        notes.append(gettext("The data was re-imported since ({now}); the cited value came "
                             "from {then}.", now=_import_label(now["source"]),
                             then=_import_label(cited["source"])))
    if not differences:
        kept = _words([field for field, *_ in compared if field != "value"])
        summary = gettext("Today's data gives {value}, with the same {kept}.",
                          value=_value_words(now), kept=kept)
    else:
        summary = gettext("Today's data gives {value} ({status}); the citation gave {cited} "
                          "({cited_status}). Moved since: {moved}.", value=_value_words(now),
                          status=verdicts.status_words(now["status"]),
                          cited=_value_words(cited),
                          cited_status=verdicts.status_words(cited["status"]),
                          moved=_words([d["field"] for d in differences]))
    state = "changed" if differences else "same"
    current = {k: now[k] for k in ("value", "value_text", "n", "target", "target_text", "status",
                                   "partial", "provisional", "data_through", "coverage",
                                   "narrative")}
    current["status_text"] = verdicts.status_label(now["status"])
    current["source"] = now["source"]
    return {"state": state, "label": STATE_LABELS[state], "hash_ok": hash_matches(citation),
            "summary": summary, "current": current, "differences": differences, "notes": notes}


# --- Citation text ------------------------------------------------------------------------


def citation_url(base_url: str, citation_id: str) -> str:
    return f"{base_url.rstrip('/')}/cite/{citation_id}"


def _retrieved(snapshot: dict) -> str:
    return to_local(_parse_iso(snapshot["cited_at"])).strftime("%Y-%m-%d")


def qualifiers(snapshot: dict) -> list[str]:
    """n, completeness and scope, as a citation must carry them (older snapshots: what they
    hold), in the current language: the citation's texts ask for English (``texts``)."""
    parts = []
    n = snapshot.get("n", snapshot.get("request_count"))
    parts.append(gettext("n = {n}", n=number(n)) if isinstance(n, int)
                 else gettext("n not published"))
    if snapshot.get("partial"):
        parts.append(gettext("partial month: data through {day}", day=snapshot["data_through"]))
    elif snapshot.get("data_through"):
        parts.append(gettext("data through {day}", day=snapshot["data_through"]))
    if snapshot.get("provisional"):
        parts.append(gettext("provisional: over 10% of the month's requests had no known "
                             "outcome yet"))
    if "coverage" in snapshot:
        parts.append(scope_words(snapshot))
    return parts


NOT_RECORDED = N_("not recorded (an older citation)")


def _completeness(snapshot: dict) -> str:
    if "partial" not in snapshot:
        return gettext(NOT_RECORDED)
    if snapshot["partial"]:
        return gettext("partial month: the data ran only through {day}, so no verdict is given",
                       day=snapshot["data_through"])
    if snapshot.get("provisional"):
        return gettext("provisional: over 10% of the month's requests had no known outcome yet")
    return gettext("complete")


# The publisher's name is its own words (English), shown untranslated and marked as English.
PUBLISHED_BY = N_("Published by")


def facts(snapshot: dict) -> list[dict]:
    """What a reader needs beside the value (publisher, n, completeness, scope, source), as
    label and text: the citation page, the packet, its print page and exports show this list.
    The labels are the English (pages translate them); the texts are in the page's language."""
    source = snapshot["source"]
    name = gettext(source["name"]) if source["name"] else ""
    n = _cited_n(snapshot)
    rows = [
        (PUBLISHED_BY, snapshot["publisher"]),
        (N_("Value"), _value_words(snapshot)),
        (N_("n"), _n_text(n) if n is not None or _present(snapshot, "n")
         else gettext(NOT_RECORDED)),
        (N_("Data through"), snapshot.get("data_through") or
         (gettext("not stated") if "data_through" in snapshot else gettext(NOT_RECORDED))),
        (N_("Completeness"), _completeness(snapshot)),
        (N_("Coverage"), scope_words(snapshot)),
        (N_("Target then"), _value_words(snapshot, "target") or gettext("no target set")),
        (N_("Status then"), verdicts.status_words(snapshot["status"])),
        (N_("Source"), gettext("{source} (dataset {dataset})", source=name,
                               dataset=source["dataset"]) if source.get("dataset") else name),
    ]
    return [{"label": label, "text": text} for label, text in rows]


def _sentence(text: str) -> str:
    # "n = 75" keeps its lower-case n: it is a symbol, not a word.
    return (text if text.startswith("n ") else text[:1].upper() + text[1:]) + "."


def _status_words(snapshot: dict) -> str:
    return verdicts.status_label(snapshot["status"]).lower()


def short_text(snapshot: dict, url: str) -> str:
    """``Publisher: Name (Area), March 2019: 62% (n = 107; ...; target 80%, target missed).
    Retrieved ... from URL.``"""
    target = (f"target {snapshot['target_text']}, {_status_words(snapshot)}"
              if snapshot["target_text"] else f"no target set, {_status_words(snapshot)}")
    described = "; ".join([*qualifiers(snapshot), target])
    return (f"{snapshot['publisher']}: {snapshot['measure']['name']} ({snapshot['area']['name']}),"
            f" {snapshot['period_label']}: {snapshot['value_text']} ({described}). "
            f"Retrieved {_retrieved(snapshot)} from {url}.")


def full_text(snapshot: dict, digest: str, url: str) -> str:
    """The short form's facts plus the definition, narrative, source, import time and hash."""
    measure = snapshot["measure"]
    if snapshot["target_text"]:
        comparison = "at least" if measure["direction"] == "higher" else "at most"
        target = f"target {comparison} {snapshot['target_text']} ({_status_words(snapshot)})"
    else:
        target = f"no target set ({_status_words(snapshot)})"
    parts = [f"{snapshot['publisher']}: {measure['name']} ({snapshot['area']['name']}), "
             f"{snapshot['period_label']}: {snapshot['value_text']}; {target}.",
             _sentence("; ".join(qualifiers(snapshot))),
             f"Definition: {measure['definition']}"]
    if snapshot["narrative"]:
        parts.append(f"City narrative for the period: \u201c{snapshot['narrative']}\u201d")
    source = snapshot["source"]
    dataset = f", dataset {source['dataset']}" if source.get("dataset") else ""
    source_text = (f"Source: {source['name']}{dataset}"
                   + (f" ({source['url']})" if source["url"] else ""))
    imported = _parse_iso(source.get("imported_at"))
    if imported:
        source_text += f", imported {to_local(imported).strftime('%Y-%m-%d')}"
    parts.append(source_text + ".")
    parts.append(f"Cited {format_local(_parse_iso(snapshot['cited_at']))}; "
                 f"SHA-256 {digest}.")
    parts.append(f"Retrieved {_retrieved(snapshot)} from {url}.")
    return " ".join(parts)


def texts(citation: Citation, url: str) -> dict:
    """The citation's short and full texts, in English whatever the page's language: they are
    the citation (they quote its hashed snapshot), pasted into testimony as they are."""
    with i18n.using("en"):
        return {"short": short_text(citation.snapshot, url),
                "full": full_text(citation.snapshot, citation.content_hash, url)}


def public_view(citation: Citation, base_url: str, verification: dict | None = None) -> dict:
    """The citation as the API, the page and every export show it."""
    url = citation_url(base_url, citation.id)
    view = {
        "id": citation.id,
        "url": url,
        "json_url": f"{base_url.rstrip('/')}/api/citations/{citation.id}",
        "snapshot": citation.snapshot,
        "content_hash": citation.content_hash,
        "hash_algorithm": HASH_ALGORITHM,
        "canonicalisation": CANONICALISATION,
        "text": texts(citation, url),
        "facts": facts(citation.snapshot),
    }
    if verification is not None:
        view["verification"] = verification
    return view


def packet_views(session: Session, ids: list[str], base_url: str) -> list[dict]:
    """Several citations, verified, as a testimony packet shows and exports them."""
    cache: dict = {}
    return [public_view(c, base_url, verify(session, c, cache)) for c in get_many(session, ids)]


def packet_ids(ids: object) -> list[str]:
    """The well-formed citation ids in a packet a browser sent (anything else is dropped)."""
    if not isinstance(ids, (list, tuple)):
        return []
    return [i for i in ids if isinstance(i, str) and ID_PATTERN.match(i)]


def known_ids(session: Session, ids: object) -> list[str]:
    """Those of ``ids`` that name a citation, in order (a browser's packet may hold stale ids)."""
    wanted = packet_ids(ids)
    found = set(session.scalars(select(Citation.id).where(Citation.id.in_(wanted))))
    return [i for i in wanted if i in found]


# --- The testimony packet (its ids live in the resident's browser) -----------------------

PACKET_LIMIT = 50


def packet_with(ids, new_ids) -> list[str]:
    """The packet with citations added (each once, in order, at most ``PACKET_LIMIT``)."""
    packet = packet_ids(ids)
    for citation_id in new_ids:
        if isinstance(citation_id, str) and ID_PATTERN.match(citation_id) \
                and citation_id not in packet:
            packet.append(citation_id)
    return packet[-PACKET_LIMIT:]


def packet_without(ids, citation_id: object) -> list[str]:
    return [i for i in packet_ids(ids) if i != citation_id]
