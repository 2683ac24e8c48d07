"""The language a question was asked in: how it is recorded, named for moderators, filtered.

A web question takes the language of the page it was asked on (``kcstat_dash.i18n``); a social
post takes the language its network detected (X's ``lang``, Mastodon's ``language``), when that
names a real language. Stored as an ISO 639-1 code, or None when it is not known.
"""

from __future__ import annotations

import re

from babel import Locale

# The moderators' filter value for questions whose language is not known (stored as NULL).
UNKNOWN = "unknown"
# A primary language subtag. X also sends codes that name no one language: "und"
# (undetermined), "zxx" (no text), "mul", and its own "qme", "qht" ... (not in Babel's names).
_CODE = re.compile(r"[a-z]{2,3}")
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})
_ENGLISH = Locale("en")


def recorded(code: object) -> str | None:
    """``es-MX`` → ``es``; None for anything that names no language we can say the name of."""
    if not isinstance(code, str):
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    if not _CODE.fullmatch(primary) or primary in _NO_LANGUAGE or primary not in _ENGLISH.languages:
        return None
    return primary


def language_name(code: str | None) -> str:
    """The language's name in English, for the moderators' page (which stays English)."""
    if code is None:
        return "Language not known"
    return _ENGLISH.languages.get(code, code)
