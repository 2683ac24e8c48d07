"""The shape a value from the public must have before the domain looks it up or stores it.

Every way in (the JSON API, residents' Dash callbacks, the live poll, page addresses) checks
ids, text and JSON bodies with these rules, so hostile input is refused as a 4xx before it can
reach the database (where an out-of-range id or a NUL byte is an error, not an empty result)
and before it uses a rate-limit slot.
"""

from __future__ import annotations

import json
import math
import re

from kcstat_dash.i18n import N_
from kcstat_dash.services.errors import DomainError

# Every id column is an INTEGER, which PostgreSQL holds in 4 bytes; SQLite's 8-byte range is
# wider, so this one bound makes both databases agree on what cannot be an id.
MAX_RECORD_ID = 2**31 - 1
# The API's objects are flat ({"meeting_id": 1, "text": "..."}); a few levels spare a
# well-meaning client's wrapper, and a deep body never reaches the recursive decoder.
MAX_JSON_DEPTH = 16

_DIGITS = re.compile(r"[0-9]{1,10}")
_BRACKETS = re.compile(r"[\[\]{}]")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class InvalidInput(DomainError, ValueError):
    """A value no page or client of ours would send; ``field`` names it when known."""

    code = "malformed"

    def __init__(self, message: str, field: str | None = None, **values):
        super().__init__(message, field=field, **values)


def record_id(value: object) -> int | None:
    """``value`` as a record id the database can hold, or None when it cannot be one.

    Accepts a whole number (not a bool, not a float) or a string of ASCII digits, from 1 to
    ``MAX_RECORD_ID``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_RECORD_ID else None


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL byte, a lone surrogate), or None (in
    English, marked: a refusal says it in the asker's language)."""
    if "\x00" in value:
        return N_("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return N_("contains a broken character (a lone surrogate)")
    return None


def is_clean_text(value: object) -> bool:
    """Whether ``value`` is a string that both databases can store and compare."""
    return isinstance(value, str) and text_problem(value) is None


def _refuse_constant(name: str):
    raise InvalidInput(N_("the JSON body contains {name}, which is not a number"), name=name)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e999 decodes to infinity
        raise InvalidInput(N_("the JSON body contains a number too large to use"))
    return number


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in the JSON ``text`` (brackets in strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_json(raw: bytes | str) -> object:
    """Decode a JSON body strictly: UTF-8, finite numbers, at most ``MAX_JSON_DEPTH`` levels.

    Raises ``InvalidInput`` for anything else, including what Python's decoder accepts but
    JSON does not (NaN, Infinity) and nesting deep enough to exhaust its recursion.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InvalidInput(N_("the body is not UTF-8 text")) from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InvalidInput(N_("the JSON body nests deeper than {depth} levels"),
                           depth=MAX_JSON_DEPTH)
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as error:
        if isinstance(error, InvalidInput):
            raise
        raise InvalidInput(N_("the body is not valid JSON")) from None
