"""The impure half of each database-backed page: what Dash Pages calls as its ``layout``.

Each function here takes the page's path variables (and ignores the query string), loads the
page's data as plain dicts through its service (``services/page_data.py``) with the request's
session, and hands them to the page's pure builder, ``layouts.<page>.render``. Nothing else
happens here, so everything a page shows can be built, and tested, from plain data with no
database (tests/test_pure_layouts.py). Layouts may not import the database (the
"pure-layouts" import contract); this module, in the UI's top layer, may.
``layouts.register_pages(LAYOUTS)`` puts these on each app's pages.
"""

from __future__ import annotations

from dash import html

import layouts.area
import layouts.ask
import layouts.cite
import layouts.measure
import layouts.meeting
import layouts.meetings
import layouts.moderate
import layouts.moderation_summary
import layouts.overview
import layouts.projector
import layouts.steward
from kcstat_dash.services import page_data
from kcstat_dash.services.accounts import MODERATE, STEWARD
from kcstat_dash.web.auth import current_staff, staff_may
from kcstat_dash.web.extensions import db
from kcstat_dash.web.public_url import public_base_url


def overview(**_query) -> html.Div:
    return layouts.overview.render(page_data.overview_page(db.session))


def area(slug: str | None = None, **_query) -> html.Div:
    return layouts.area.render(page_data.area_page(db.session, slug))


def measure(slug: str | None = None, **_query) -> html.Div:
    return layouts.measure.render(page_data.measure_page(db.session, slug), slug)


def cite(citation_id: str | None = None, **_query) -> html.Div:
    return layouts.cite.render(page_data.cite_page(db.session, citation_id, public_base_url()))


def meetings(**_query) -> html.Div:
    return layouts.meetings.render(page_data.meetings_page(db.session))


def meeting(meeting_id: str | None = None, **_query) -> html.Div:
    return layouts.meeting.render(page_data.meeting_view(db.session, meeting_id))


def projector(meeting_id: str | None = None, **_query) -> html.Div:
    data = page_data.meeting_view(db.session, meeting_id, order="top",
                                  limit=layouts.projector.PROJECTOR_QUESTIONS)
    return layouts.projector.render(data and {**data, "public_url": public_base_url()})


def ask(meeting_id: str | None = None, **_query) -> html.Div:
    return layouts.ask.render(page_data.ask_view(db.session, meeting_id))


def moderation_summary(meeting_id: str | None = None, **_query) -> html.Div:
    return layouts.moderation_summary.render(
        page_data.moderation_summary_page(db.session, meeting_id), meeting_id)


def moderate(**_query) -> html.Div:
    if not staff_may(MODERATE):
        return layouts.moderate.render(None, signed_in=current_staff() is not None)
    return layouts.moderate.render(page_data.moderate_page(db.session))


def steward(**_query) -> html.Div:
    if not staff_may(STEWARD):
        return layouts.steward.render(None, signed_in=current_staff() is not None)
    return layouts.steward.render(page_data.steward_page(db.session))


# Page module -> its layout, for layouts.register_pages.
LAYOUTS = {
    "layouts.overview": overview,
    "layouts.area": area,
    "layouts.measure": measure,
    "layouts.cite": cite,
    "layouts.meetings": meetings,
    "layouts.meeting": meeting,
    "layouts.projector": projector,
    "layouts.ask": ask,
    "layouts.moderation_summary": moderation_summary,
    "layouts.moderate": moderate,
    "layouts.steward": steward,
}
