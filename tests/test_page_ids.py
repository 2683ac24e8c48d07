"""Each page's ids are spelled once, in layouts/ids/<page>.py: its layout renders every one,
its callbacks use no other, and its script gets the ones it needs from the page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from callbacks import citing as citing_callbacks
from callbacks import meeting as meeting_callbacks
from callbacks import projector as projector_callbacks
from kcstat_dash.services import page_data
from layouts import ask, live_banner, meeting, moderate, projector
from layouts.ids import live_banner as live_banner_ids
from layouts.ids import meeting as meeting_ids
from layouts.ids import moderate as moderate_ids
from layouts.ids import projector as projector_ids
from tests.test_meeting_pages import live_id

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


# The meeting page and the page for asking from a phone share one module (layouts/ids/meeting.py).
FLAG = {"measure": "pothole-on-time-rate", "measure_name": "Potholes repaired on time",
        "period": "2025-01", "value": 0.8, "unit": "percent", "status": "missed",
        "target": 0.9}
QUESTION = {"id": 11, "display_name": None, "created_at": "2025-03-04T15:05:00+00:00",
            "channel": "web", "status": "approved", "text": "Why?", "flag": FLAG,
            "answer": None, "upvotes": 2}
OWN = {"id": 12, "status": "pending", "status_words": "Waiting for a moderator",
       "created_at": "2025-03-04T15:06:00+00:00", "text": "And when?", "answer": None,
       "reason": None, "can_withdraw": True}
DISCUSSING = {"slug": "pothole-on-time-rate", "name": "Potholes repaired on time",
              "points": [{"period": "2025-01", "value": 0.8, "n": 40, "partial": False}]}


def with_everything(data: dict) -> dict:
    """A page's data with a flagged question on the feed and a measure "now discussing"."""
    feed = {**data["feed"], "questions": [QUESTION], "total": 1}
    room = {**(data.get("room") or {}), "discussing": DISCUSSING, "pinned": None}
    return {**data, "feed": feed, "room": room}


def meeting_pages(session):
    meeting_id = str(live_id())
    return (meeting.render(with_everything(page_data.meeting_view(session, meeting_id))),
            ask.render(with_everything(page_data.ask_view(session, meeting_id))))


def anchors(found: set[str]) -> set[str]:
    """The ids made from a record's id or slug (layouts/ids/meeting.py's ANCHORS)."""
    shapes = [re.escape(make("X")).replace("X", r"[\w-]+") for make in meeting_ids.ANCHORS]
    return {i for i in found if any(re.fullmatch(shape, i) for shape in shapes)}


class Recorder:
    """Stands in for the Dash app: keeps the ids each callback names."""

    def __init__(self):
        self.ids: list = []

    def _keep(self, dependencies):
        self.ids += [d.component_id for d in dependencies]

    def callback(self, *dependencies, **_options):
        self._keep(dependencies)
        return lambda function: function

    def clientside_callback(self, _function, *dependencies, **_options):
        self._keep(dependencies)


def id_names(idents) -> set[str]:
    return {i["type"] if isinstance(i, dict) else i for i in idents}


def test_the_meeting_pages_render_every_id_of_their_module_and_no_other(sample_session):
    page, phone = meeting_pages(sample_session)
    own = meeting.own_questions_list([OWN])
    found = rendered_ids(page, own)
    assert found - anchors(found) == declared(meeting_ids)
    # The page for asking is the same form and feed, without the measures column.
    on_phone = rendered_ids(phone, own)
    column = {meeting_ids.MEASURES_HEADING, meeting_ids.MEETING_CHART}
    assert on_phone - anchors(on_phone) == declared(meeting_ids) - column


def test_the_meeting_callbacks_use_only_the_pages_ids():
    recorder = Recorder()
    meeting_callbacks.register(recorder)
    used = id_names(recorder.ids)
    assert used and used <= declared(meeting_ids)
    citing = Recorder()
    citing_callbacks.register(citing)
    flagged = {meeting_ids.CITE_FLAG, meeting_ids.CITE_FLAG_STATUS}
    assert flagged <= id_names(citing.ids)


def test_the_meeting_script_gets_its_ids_from_the_page(sample_session):
    script = (ROOT / "assets" / "meeting_live.js").read_text()
    for value in declared(meeting_ids):
        assert not re.search(rf"""["']{re.escape(value)}[."']""", script), value
    for page in meeting_pages(sample_session):
        given = json.loads(getattr(page, "data-meeting-ids"))
        assert given == meeting_ids.FOR_SCRIPT
        # The feed's "Me too" buttons are pattern-matching ids: their type is what is given.
        assert set(given.values()) <= rendered_ids(page)
    assert "[data-meeting-ids]" in script
    assert {f"ids.{name}" for name in given} <= set(re.findall(r"ids\.\w+", script))


ID_PLACES = (r"""(?:\bid=|html_for=|(?:Output|Input|State)\(|["']type["']:\s*|==\s*|"""
             r"""labelledby["']:\s*|href=)f?["']#?([\w-]+)["'.]""")


def test_layouts_and_callbacks_spell_no_meeting_id():
    values = declared(meeting_ids)
    for path in ("layouts/meeting.py", "layouts/ask.py", "layouts/qa_feed.py",
                 "layouts/citing.py", "callbacks/meeting.py", "callbacks/citing.py"):
        source = (ROOT / path).read_text()
        # Where an id goes: id=, html_for=, a callback's dependency, a pattern's type, a
        # comparison with the id that triggered, aria-labelledby and a link to an anchor.
        spelled = [s for s in re.findall(ID_PLACES, source) if s in values]
        assert spelled == [], path


# The projector view (layouts/ids/projector.py) and the home page's live banner.


def projector_page(session):
    """The projector with a measure being discussed and more questions than one page holds."""
    data = page_data.meeting_view(session, str(live_id()))
    questions = [{**QUESTION, "id": 100 + k} for k in range(2 * projector.PER_PAGE + 1)]
    feed = {**data["feed"], "questions": questions, "total": len(questions)}
    return projector.render({**data, "feed": feed, "public_url": "https://kcstat.example"})


def test_the_projector_renders_every_id_of_its_module_and_no_other(sample_session):
    found = rendered_ids(projector_page(sample_session))
    # The questions keep the anchors the feed gives them (layouts/ids/meeting.py's ANCHORS).
    assert found - anchors(found) == declared(projector_ids)


def test_the_projector_callbacks_use_only_its_ids():
    recorder = Recorder()
    projector_callbacks.register(recorder)
    used = id_names(recorder.ids)
    assert used == declared(projector_ids) - {projector_ids.JOIN}


def test_the_live_banner_labels_its_region_with_its_heading():
    banner = live_banner.live_banner([{**MEETING, "location": None, "open_for_questions": True}])
    assert rendered_ids(banner) == declared(live_banner_ids)
    assert getattr(banner, "aria-labelledby") == live_banner_ids.HEADING


def test_layouts_and_callbacks_spell_no_projector_or_banner_id():
    values = declared(projector_ids) | declared(live_banner_ids)
    for path in ("layouts/projector.py", "callbacks/projector.py", "layouts/live_banner.py"):
        source = (ROOT / path).read_text()
        spelled = [s for s in re.findall(ID_PLACES, source) if s in values]
        assert spelled == [], path
