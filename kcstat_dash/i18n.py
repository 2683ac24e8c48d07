"""The language a page is being made in, and its words, dates and numbers in that language.

The domain translates too (measure names, error messages, formatted values), so this is Babel
itself rather than Flask-Babel: the web side only says which language a request wants
(``kcstat_dash.web.language``) and everything below reads it from here. Catalogs are the
``.po`` files in ``kcstat_dash/translations``, compiled to ``.mo`` (see README, "Translations").
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DEFAULT_LANGUAGE = "en"
# Every language the public pages are written in, the default first. A new language is a new
# catalog and a new entry here.
LANGUAGES = ("en", "es")
# Each language's own name, for the switch (always written in that language).
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# CLDR's minimumGroupingDigits where it is not 1: Spanish groups thousands only from five
# digits on (1000, but 12.345). Babel 2.19 does not apply it, so it is applied here.
MIN_GROUPING_DIGITS = {"es": 2}

_current: ContextVar[str] = ContextVar("kcstat_language", default=DEFAULT_LANGUAGE)


def supported(code: str | None) -> str | None:
    """``code`` if it names a language we have (``es-MX`` → ``es``), else None."""
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def language() -> str:
    """The language of what is being made now (the request's, or English outside one)."""
    return _current.get()


def set_language(code: str | None) -> None:
    _current.set(supported(code) or DEFAULT_LANGUAGE)


@contextmanager
def using(code: str | None):
    """Make what is inside in ``code`` (exports, tests, a poll answered outside Flask)."""
    token = _current.set(supported(code) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def locale() -> Locale:
    return _locale(language())


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _translations(code: str) -> NullTranslations:
    if code == DEFAULT_LANGUAGE:  # the source strings are English
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [code])


def gettext(message: str, **values) -> str:
    """``message`` in the current language; ``{name}`` fields filled from ``values``."""
    text = _translations(language()).ugettext(message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, count: int, **values) -> str:
    """The form for ``count`` under the language's plural rule; ``{count}`` is filled in with
    the count written the language's way (``1,234`` / ``1234``)."""
    text = _translations(language()).ungettext(singular, plural, count)
    return text.format(count=format_number(count, "#,##0"), **values)


def format_number(value: float, pattern: str) -> str:
    """The number under a Babel pattern (``#,##0.0``), written the language's way: its
    decimal sign, and its thousands separator where the language groups."""
    digits = 3 + MIN_GROUPING_DIGITS.get(language(), 1)  # the fewest whole digits grouped
    grouped = abs(round(value)) >= 10 ** (digits - 1)
    return format_decimal(value, _parsed(pattern), locale=locale(), group_separator=grouped)


@cache
def _parsed(pattern: str) -> NumberPattern:
    # Babel parses a pattern given as text on every call; a measure page with the city's
    # neighborhoods writes a couple of thousand numbers.
    return parse_pattern(pattern)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; it is translated where it is shown
    (module-level labels are made once, before any request says its language)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for the catalog, for ``ngettext`` where it is shown."""
    return singular, plural


_ = gettext
