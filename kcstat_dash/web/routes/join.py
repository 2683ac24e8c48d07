"""The short address the projector shows for joining: ``/j/<meeting id>`` leads to its ask page.

Typed from the back of a room, ``kcstat.example.org/j/7`` is shorter than the ask page's own
address; it only redirects, so it carries no state and needs no limit. It names no language
(one code serves a room of English and Spanish speakers): the ask page opens in each resident's
own, their remembered choice or their browser's (``web/language.py``).
"""

from __future__ import annotations

from flask import Blueprint, redirect

from kcstat_dash.services.public_input import record_id

blueprint = Blueprint("join", __name__)


def join_path(meeting_id: int) -> str:
    return f"/j/{meeting_id}"


@blueprint.get("/j/<int:meeting_id>")
def join(meeting_id: int):
    if record_id(meeting_id) is None:
        return redirect("/meetings", code=302)
    return redirect(f"/meetings/{meeting_id}/ask", code=302)
