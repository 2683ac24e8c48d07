"""Each page's ids are spelled once, in layouts/ids/<page>.py: its layout renders every one,
its callbacks use no other, and its script gets the ones it needs from the page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from layouts import moderate
from layouts.ids import moderate as moderate_ids

ROOT = Path(__file__).resolve().parent.parent
MEETING = {"id": 7, "title": "KCStat: Infrastructure", "status": "live",
           "starts_at": datetime(2025, 3, 4, 15, tzinfo=UTC)}
ROW = {"id": 3, "meeting_id": 7, "meeting": "KCStat: Infrastructure", "text": "Why?",
       "original_text": None, "display_name": None, "channel": "web", "author_handle": None,
       "external_url": None, "status": "pending", "reject_reason": None, "held_reason": None,
       "answer": None, "measure": None, "measure_id": None, "period": None, "upvotes": 0,
       "labels": [], "merged_into_id": None, "pinned": False,
       "created_at": datetime(2025, 3, 4, 15, 5, tzinfo=UTC)}


def components(component):
    """Every component in a tree, depth first."""
    if isinstance(component, list | tuple):
        for child in component:
            yield from components(child)
    elif component is not None and not isinstance(component, str | int | float):
        yield component
        yield from components(getattr(component, "children", None))


def rendered_ids(*trees) -> set[str]:
    """The ids in the trees; a pattern-matching id counts by its type."""
    found = set()
    for component in components(list(trees)):
        ident = getattr(component, "id", None)
        if isinstance(ident, dict):
            found.add(ident["type"])
        elif ident is not None:
            found.add(ident)
    return found


def declared(module) -> set[str]:
    return {value for name, value in vars(module).items()
            if name.isupper() and isinstance(value, str)}


def moderate_page():
    return moderate.render({"options": {"meetings": [MEETING], "channels": ["web"],
                                        "measures": [], "all_measures": []}})


def test_the_moderation_page_renders_every_id_of_its_module_and_no_other():
    queue = moderate.queue_list([ROW], current=3, selected=set())
    assert rendered_ids(moderate_page(), queue) == declared(moderate_ids)


def test_the_moderation_callbacks_use_only_the_pages_ids(app):
    used = set()
    for spec in app._callback_list:
        parts = [spec["output"], *(d["id"] for d in spec["inputs"] + spec["state"])]
        used |= set(re.findall(r"mod-[\w-]+", " ".join(parts)))
    assert used and used <= declared(moderate_ids)


def test_the_moderation_script_gets_its_ids_from_the_page():
    script = (ROOT / "assets" / "moderation.js").read_text()
    for value in declared(moderate_ids):
        assert f'"{value}"' not in script and f"'{value}'" not in script, value
    page = moderate_page()
    given = json.loads(getattr(page, "data-moderation-ids"))
    assert given == moderate_ids.FOR_SCRIPT
    assert set(given.values()) <= rendered_ids(page)
    assert "[data-moderation-ids]" in script
    assert {f"ids.{name}" for name in given} <= set(re.findall(r"ids\.\w+", script))


def test_layout_and_callbacks_spell_no_moderation_id():
    for path in ("layouts/moderate.py", "callbacks/moderate.py"):
        source = (ROOT / path).read_text()
        spelled = [s for s in re.findall(r"""["'](mod-[\w-]+)["']""", source)
                   if s in declared(moderate_ids)]
        assert spelled == [], path
