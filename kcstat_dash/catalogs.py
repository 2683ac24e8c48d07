"""The translation catalogs kept in step with the code: extract, update, compile, check.

``python -m kcstat_dash.catalogs`` extracts every marked string (``babel.cfg``), merges it into
each language's ``.po`` (new strings arrive untranslated, gone ones are dropped) and compiles
the ``.mo`` files the app reads. The tests call ``problems()``, which CI runs: a string shown
without a translation fails the build.
"""

from __future__ import annotations

import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from kcstat_dash.i18n import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATIONS_DIR

PROJECT_ROOT = TRANSLATIONS_DIR.parent.parent
# The markers of kcstat_dash.i18n, beside Babel's defaults (_, gettext, ngettext, N_ ...).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "N_plural": (1, 2)}
FIELD = re.compile(r"\{(\w*)\}")


def _paths(code: str) -> tuple[Path, Path]:
    folder = TRANSLATIONS_DIR / code / "LC_MESSAGES"
    return folder / "messages.po", folder / "messages.mo"


def extract() -> Catalog:
    """Every marked string of the code, as a template catalog."""
    with open(PROJECT_ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="kcstat-dash", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def read(code: str) -> Catalog:
    po, _ = _paths(code)
    with open(po, "rb") as handle:
        return read_po(handle, locale=code)


def update() -> None:
    """Merge the code's strings into every catalog and compile them."""
    template = extract()
    for code in LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        po, mo = _paths(code)
        po.parent.mkdir(parents=True, exist_ok=True)
        catalog = read(code) if po.exists() else Catalog(locale=code, project="kcstat-dash")
        # The header's date would change at every run and churn the files for nothing.
        template.creation_date = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with open(po, "wb") as handle:
            # File names without line numbers: a moved line changes nothing here.
            write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)
        with open(mo, "wb") as handle:
            write_mo(handle, read(code))


def _fields(text: str | tuple) -> set[str]:
    texts = text if isinstance(text, tuple | list) else (text,)
    return {name for one in texts if one for name in FIELD.findall(one)}


def problems() -> list[str]:
    """What keeps a language from being complete: each a sentence naming the string."""
    found = []
    wanted = {message.id for message in extract() if message.id}
    for code in LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        catalog = read(code)
        have = {message.id: message for message in catalog if message.id}
        for msgid in sorted(wanted - have.keys(), key=str):
            found.append(f"{code}: not in the catalog (run python -m kcstat_dash.catalogs): "
                         f"{msgid!r}")
        for msgid in sorted(have.keys() - wanted, key=str):
            found.append(f"{code}: in the catalog but no longer in the code: {msgid!r}")
        for msgid, message in have.items():
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                found.append(f"{code}: not translated: {msgid!r}")
            elif _fields(msgid) != _fields(message.string):
                found.append(f"{code}: fields differ from the English: {msgid!r}")
        found += _compiled_differs(code, catalog)
    return found


def _compiled_differs(code: str, catalog: Catalog) -> list[str]:
    _, mo = _paths(code)
    if not mo.exists():
        return [f"{code}: {mo.name} is missing (run python -m kcstat_dash.catalogs)"]
    fresh = BytesIO()
    write_mo(fresh, catalog)
    with open(mo, "rb") as handle:
        if handle.read() != fresh.getvalue():
            return [f"{code}: {mo.name} is older than {mo.with_suffix('.po').name} "
                    "(run python -m kcstat_dash.catalogs)"]
    return []


if __name__ == "__main__":
    update()
    left = problems()
    print("\n".join(left) or "Every catalog is complete.")
    sys.exit(1 if left else 0)
