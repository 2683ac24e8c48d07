"""The FBI's NIBRS offense codes and whom each offense is against: persons, property, society.

From the FBI's NIBRS User Manual (offense code list, "Crime Against" column). Codes the FBI
files under "not a crime" (justifiable homicide 09C, runaway 90I), "all other offenses" (90Z,
which may be against anyone), blank codes and KCPD's local codes all count as ``other``: they
are counted and shown, never guessed into a category.
"""

from __future__ import annotations

PERSONS, PROPERTY, SOCIETY, OTHER = "persons", "property", "society", "other"
CATEGORIES = (PERSONS, PROPERTY, SOCIETY, OTHER)
CATEGORY_LABELS = {PERSONS: "Crimes against persons", PROPERTY: "Crimes against property",
                   SOCIETY: "Crimes against society",
                   OTHER: "Reports outside the NIBRS categories"}

_AGAINST = {
    PERSONS: (
        "09A", "09B",  # murder and non-negligent manslaughter, negligent manslaughter
        "100",  # kidnapping/abduction
        "11A", "11B", "11C", "11D", "36A", "36B",  # sex offenses
        "13A", "13B", "13C",  # assault offenses
        "64A", "64B",  # human trafficking
    ),
    PROPERTY: (
        "120",  # robbery
        "200", "210", "220", "240", "250", "270", "280", "290", "510",
        "23A", "23B", "23C", "23D", "23E", "23F", "23G", "23H",  # larceny/theft
        "26A", "26B", "26C", "26D", "26E", "26F", "26G",  # fraud
        "90A",  # bad checks (Group B until 2021)
    ),
    SOCIETY: (
        "35A", "35B",  # drugs
        "370",  # pornography/obscene material
        "39A", "39B", "39C", "39D",  # gambling
        "40A", "40B", "40C",  # prostitution
        "520", "521", "522", "526",  # weapon law violations
        "720",  # animal cruelty
        "26H",  # money laundering
        "30A", "30B", "30C", "30D", "49A", "49B", "49C", "58A", "58B", "61A", "61B", "620",
        "101", "103", "360",
        "90B", "90C", "90D", "90E", "90F", "90G", "90H", "90J",  # Group B against society
    ),
}
CATEGORY_OF_CODE = {code: category for category, codes in _AGAINST.items() for code in codes}
# A report with offenses in several categories counts once, under the first of these it has.
PRECEDENCE = (PERSONS, PROPERTY, SOCIETY, OTHER)


def normalise_code(code: str | None) -> str | None:
    """``" 13b "`` → ``"13B"``; blank → ``None``."""
    if code is None:
        return None
    text = str(code).strip().upper()
    return text or None


def category_of(code: str | None) -> str:
    """Whom an offense code is against, or ``other`` for blank, local and unclassifiable codes."""
    return CATEGORY_OF_CODE.get(normalise_code(code) or "", OTHER)


def report_category(codes) -> str:
    """A report's one category, from the codes on its rows (``PRECEDENCE``)."""
    found = {category_of(code) for code in codes}
    return next(c for c in PRECEDENCE if c in found or c == OTHER)
