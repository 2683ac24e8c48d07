"""The stewardship and admin pages keep their ids as the moderation page does (tests/
test_page_ids.py): spelled once in layouts/ids/<page>.py, every one rendered by the layout, no
other used by the callbacks, none retyped in the layout or callbacks."""

from __future__ import annotations

import re

import pytest

from layouts import admin, steward
from layouts.ids import admin as admin_ids
from layouts.ids import steward as steward_ids
from tests.test_page_ids import ROOT, declared, rendered_ids

TODO = [{"slug": "pothole-on-time-rate", "name": "Potholes repaired on time",
         "period": "2020-08", "value": 50.0, "target": 80.0, "unit": "percent",
         "headline": True, "n": 40, "kind": "311"}]


def steward_page():
    data = {"choices": [{"slug": "pothole-on-time-rate", "name": "Potholes repaired on time"}],
            "status_counts": {"met": 1, "missed": 2, "no-target": 0, "too-few": 0,
                              "partial": 0, "within-margin": 0}}
    return steward.render(data, signed_in=True), steward.todo_list(TODO)


def admin_page(monkeypatch):
    monkeypatch.setattr(admin, "staff_may", lambda *_roles: True)
    return (admin.layout(),)


PAGES = [("stw", steward_ids, "steward"), ("adm", admin_ids, "admin")]


def test_the_stewardship_page_renders_every_id_of_its_module_and_no_other():
    assert rendered_ids(*steward_page()) == declared(steward_ids)


def test_the_admin_page_renders_every_id_of_its_module_and_no_other(monkeypatch):
    assert rendered_ids(*admin_page(monkeypatch)) == declared(admin_ids)


@pytest.mark.parametrize("prefix, module, _page", PAGES)
def test_the_staff_callbacks_use_only_their_pages_ids(app, prefix, module, _page):
    used = set()
    for spec in app._callback_list:
        parts = [spec["output"], *(d["id"] for d in spec["inputs"] + spec["state"])]
        used |= set(re.findall(rf"{prefix}-[\w-]+", " ".join(parts)))
    assert used and used <= declared(module)


@pytest.mark.parametrize("prefix, module, page", PAGES)
def test_layout_and_callbacks_spell_no_id_of_their_page(prefix, module, page):
    for path in (f"layouts/{page}.py", f"callbacks/{page}.py"):
        source = (ROOT / path).read_text()
        spelled = [s for s in re.findall(rf"""["']({prefix}-[\w-]+)["']""", source)
                   if s in declared(module)]
        assert spelled == [], path
