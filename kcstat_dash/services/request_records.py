"""What a stored 311 request is: its fields, the parsed columns that hold many of them, and
the row hash that tells a changed request from an unchanged one."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import pandas as pd

from kcstat_dash.services.request_columns import objects

# ``ServiceRequest``'s imported fields. The order is part of the row hash: keep it.
FIELDS = ("case_id", "dataset", "source", "department", "work_group", "request_type", "category",
          "type", "detail", "created_at", "period", "status", "exceeded_timeframe", "closed_date",
          "days_to_close", "street_address", "zip_code", "neighborhood", "nbh_id",
          "council_district", "police_district", "latitude", "longitude", "case_url")
NUMBER_FIELDS = ("days_to_close", "latitude", "longitude")


@dataclass(frozen=True, eq=False)
class ParsedRequests:
    """Requests as one array per field: the shape bulk writing and hashing take as it is.

    Text fields are object arrays (None where the export has nothing), numbers float arrays
    (NaN where empty), ``created_at`` naive UTC ``datetime64[us]``.
    """

    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.columns["case_id"])

    def take(self, rows: np.ndarray) -> ParsedRequests:
        return ParsedRequests({name: values[rows] for name, values in self.columns.items()})

    @classmethod
    def concat(cls, parts: Iterable[ParsedRequests]) -> ParsedRequests:
        parts = list(parts)
        if not parts:
            return cls({name: _empty(name) for name in FIELDS})
        return cls({name: np.concatenate([p.columns[name] for p in parts]) for name in FIELDS})

    def records(self) -> list[dict]:
        """Each row as ``ServiceRequest`` field values: str, float or None, aware UTC times."""
        columns = []
        for name in FIELDS:
            values = self.columns[name].tolist()
            if name == "created_at":
                values = [m and m.replace(tzinfo=UTC) for m in values]
            elif name in NUMBER_FIELDS:
                values = [None if np.isnan(v) else v for v in values]
            columns.append(values)
        return [dict(zip(FIELDS, row, strict=True)) for row in zip(*columns, strict=True)]


def _empty(name: str) -> np.ndarray:
    if name == "created_at":
        return np.array([], dtype="datetime64[us]")
    return np.array([], dtype=float if name in NUMBER_FIELDS else object)


def field_texts(parsed: ParsedRequests, name: str) -> np.ndarray:
    """Each row's value for the field as text for PostgreSQL's COPY (floats as ``repr``, times
    as "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00"); None where there is none."""
    values = parsed.columns[name]
    if name == "created_at":
        seconds = np.datetime_as_string(values, unit="s").tolist()
        texts = objects([f"{text[:10]} {text[11:]}+00:00" for text in seconds])
        missing = np.isnat(values)
        for row in np.flatnonzero((values.astype("datetime64[s]") != values) & ~missing):
            texts[row] = str(values[row].item().replace(tzinfo=UTC))
        texts[missing] = None
        return texts
    if name in NUMBER_FIELDS:
        codes, distinct = pd.factorize(values)  # NaN gets code -1: None, placed last
        return objects([str(float(value)) for value in distinct] + [None])[codes]
    return values


def hash_values(parsed: ParsedRequests, name: str) -> list:
    """A field's values as the row hash reads them: text as is, numbers as floats, the
    creation time as ISO 8601 UTC to the microsecond, None where there is none."""
    values = parsed.columns[name]
    if name == "created_at":
        texts = np.datetime_as_string(values, unit="us").astype(object)
        texts[np.isnat(values)] = None
        return texts.tolist()
    if name in NUMBER_FIELDS:
        return np.where(np.isnan(values), None, values.astype(object)).tolist()
    return values.tolist()


def row_hashes(parsed: ParsedRequests) -> list[str]:
    """A digest of each normalised row, to tell a changed row from an unchanged one on re-import.

    ``sha256`` of the row's ``FIELDS`` values, in order, as compact JSON (``hash_values``'
    forms; UTF-8, no ASCII escaping). Migration 0710 computed the stored rows' hashes the same
    way from the database.

    A compact JSON array is its elements' own encodings joined by commas, so each column is
    encoded once per distinct value (a few hundred in most columns) rather than once per row.
    """
    columns = [_json_column(hash_values(parsed, name), name in NUMBER_FIELDS)
               for name in FIELDS]
    return [hashlib.sha256(("[" + ",".join(row) + "]").encode()).hexdigest()
            for row in zip(*columns, strict=True)]


_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _json_column(values: list, numbers: bool) -> list[str]:
    """Each value as ``json`` encodes it."""
    if numbers:  # json writes a finite float as its repr; factorizing would merge -0.0 and 0.0
        if not all(v is None or math.isfinite(v) for v in values):
            raise ValueError("a number that JSON cannot hold (NaN or infinity)")
        return ["null" if v is None else float.__repr__(v) for v in values]
    codes, distinct = pd.factorize(np.array(values, dtype=object))  # None gets code -1
    return np.array([_DUMPS(v) for v in distinct] + ["null"], dtype=object)[codes].tolist()
