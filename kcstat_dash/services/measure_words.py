"""A measure's stored words (names, definitions, area names, caveats, scopes) said in the page's
language, looked up by their English text: the catalog's msgid is the text the code stores."""

from __future__ import annotations

from collections.abc import Callable

from kcstat_dash.i18n import DEFAULT_LANGUAGE, gettext, language
from kcstat_dash.services import figures_import, public_safety, resident_survey
from kcstat_dash.services.coverage import scope_text
from kcstat_dash.services.measure_catalog import BETTER, CATALOG

# The words a page shows from a measure's summary; the rest are numbers, codes and addresses.
SHOWN = ("name", "area", "definition", "caveat", "scope", "source")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _composed() -> dict[str, Callable[[], str]]:
    """Stored texts the domain writes from several marked pieces: each English whole, and how
    to say it from its pieces in the current language."""
    made: dict[str, Callable[[], str]] = {}
    for measure in CATALOG:
        made[measure.definition_text()] = lambda m=measure: " ".join((
            gettext(m.statistic.plain_words, what=gettext(m.what)),
            gettext(BETTER[m.direction])))
    for measure in public_safety.MONTHLY:
        if measure.what:
            made[measure.definition] = lambda m=measure: gettext(
                public_safety.MONTHLY_DEFINITION, what=gettext(m.what))
    for first in (public_safety.PLACED_CAVEAT, public_safety.IMPORTED_CAVEAT):
        made[f"{first} {public_safety.BREAK_CAVEAT}"] = lambda f=first: " ".join((
            gettext(f), gettext(public_safety.BREAK_CAVEAT)))
    for name in figures_import.NAMES:
        made[figures_import.definition_text(name)] = lambda n=name: gettext(
            figures_import.DEFINITION, what=lower_first(gettext(n)))
    survey = resident_survey
    for question in survey.QUESTIONS.values():
        for scale in survey.SCALE_WORDS:
            for direction in BETTER:
                row = {"question_text": question, "scale": scale, "better": direction}
                made[survey.definition_text(row)] = lambda q=question, s=scale, d=direction: (
                    gettext(survey.DEFINITION, question=gettext(q),
                            scale=gettext(survey.SCALE_WORDS[s]), better=gettext(BETTER[d]),
                            credit=gettext(survey.CREDIT)))
    made[resident_survey.CAVEAT + resident_survey.Q32_CAVEAT] = lambda: (
        gettext(resident_survey.CAVEAT) + gettext(resident_survey.Q32_CAVEAT))
    return made


COMPOSED = _composed()


def say(english: str | None) -> str | None:
    """``english`` (a stored measure or area text) in the current language; itself when the
    catalog has no translation (a survey question's own words, a new source's name)."""
    if not english:
        return english
    compose = COMPOSED.get(english)
    return compose() if compose else gettext(english)


def _coverage(coverage: dict) -> dict:
    scope = (scope_text(coverage) if coverage.get("kind") == "311"
             else say(coverage.get("scope")))
    return {**coverage, "scope": scope, "caveat": say(coverage.get("caveat"))}


def localized(summary: dict) -> dict:
    """A measure's summary (or its page's detail) with its words in the page's language.
    ``english`` names the keys still in English, so pages can mark them ``lang="en"``."""
    shown = {**summary, **{key: say(summary.get(key)) for key in SHOWN}}
    if summary.get("kind") == "311":
        shown["scope"] = scope_text(summary.get("coverage"))
    if summary.get("coverage"):
        shown["coverage"] = _coverage(summary["coverage"])
    shown["english"] = sorted(
        key for key in SHOWN if language() != DEFAULT_LANGUAGE and summary.get(key)
        and shown[key] == summary[key])
    return shown


def localized_area(area: dict) -> dict:
    """An area with its name, description and measures in the page's language."""
    return {**area, "name": say(area["name"]), "description": say(area["description"]),
            "measures": [localized(m) for m in area["measures"]]}
