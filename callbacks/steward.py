"""The stewardship page's callbacks: each checks the caller is an analyst or admin first
(``require_role``: signed in, the role, and the page's CSRF token), then calls services, then
renders with ``layouts.steward``. What each save button does is one row of ``SAVES``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.errors import DomainError, message_for
from callbacks.wiring import Callbacks
from kcstat_dash.services import measures, stewardship
from kcstat_dash.services.accounts import STEWARD
from kcstat_dash.web.auth import require_role
from kcstat_dash.web.extensions import db
from layouts import steward as view
from layouts.ids import steward as ids
from layouts.staff import message

callbacks = Callbacks()
register = callbacks.register


@dataclass(frozen=True)
class Save:
    """A save button: the service (``service(session, slug, *form fields, user_id,
    **optional fields)``), the form fields it takes in order, what to say when it is done, and
    the optional form fields it takes by name (service keyword → form field)."""

    service: Callable[..., Any]
    fields: tuple[str, ...]
    done: str
    optional: dict[str, str] = field(default_factory=dict)


SAVES = {  # in the order of the callback's inputs
    ids.SAVE_TARGET: Save(stewardship.set_target, ("target_period", "target_value"),
                          "Target saved; earlier periods keep the targets they had."),
    ids.SAVE_NARRATIVE: Save(stewardship.write_narrative, ("narrative_period", "narrative_body"),
                             "Narrative published.", {"body_es": "narrative_body_es"}),
    ids.SAVE_PEER: Save(stewardship.add_peer, ("peer_period", "peer_name", "peer_value",
                                               "peer_url"), "Peer value saved."),
}
FORM = {"target_period": ids.TARGET_PERIOD, "target_value": ids.TARGET_VALUE,
        "narrative_period": ids.NARRATIVE_PERIOD, "narrative_body": ids.NARRATIVE_BODY,
        "narrative_body_es": ids.NARRATIVE_BODY_ES,
        "peer_period": ids.PEER_PERIOD, "peer_name": ids.PEER_NAME, "peer_value": ids.PEER_VALUE,
        "peer_url": ids.PEER_URL}


def save(button: str, slug: str, form: dict, user_id: int) -> str:
    """One change in one transaction with its audit entry; returns what was done, in words."""
    chosen = SAVES[button]
    with db.transaction() as session:
        chosen.service(session, slug, *(form[f] for f in chosen.fields), user_id,
                       **{keyword: form.get(name) for keyword, name in chosen.optional.items()})
    return chosen.done


@callbacks.callback(
    output={"history": Output(ids.HISTORY, "children"), "todo": Output(ids.TODO, "children")},
    inputs={"slug": Input(ids.MEASURE, "value"), "refresh": Input(ids.REFRESH, "data")},
)
def show(slug, refresh):
    require_role(*STEWARD)
    todo = view.todo_list(stewardship.todo(db.session))
    if not slug:
        return {"history": None, "todo": todo}
    try:
        measure = measures.get_measure(db.session, slug)
    except DomainError:  # a measure gone since the page was drawn
        return {"history": None, "todo": todo}
    return {"history": view.target_history(stewardship.target_history(db.session, slug),
                                           measure.unit), "todo": todo}


@callbacks.callback(
    output={"slug": Output(ids.MEASURE, "value"),
            "period": Output(ids.NARRATIVE_PERIOD, "value")},
    inputs={"clicks": Input(ids.todo_item(ALL, ALL), "n_clicks")},
    prevent_initial_call=True,
)
def pick_todo(clicks):
    require_role(*STEWARD)
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    return {"slug": ctx.triggered_id["slug"], "period": ctx.triggered_id["period"]}


@callbacks.callback(
    output={"message": Output(ids.MESSAGE, "children"), "refresh": Output(ids.REFRESH, "data")},
    inputs={"clicks": {button: Input(button, "n_clicks") for button in SAVES}},
    state={"slug": State(ids.MEASURE, "value"),
           "form": {name: State(field, "value") for name, field in FORM.items()},
           "refresh": State(ids.REFRESH, "data")},
    prevent_initial_call=True,
)
def act(clicks, slug, form, refresh):
    user = require_role(*STEWARD)
    button = ctx.triggered_id
    if button not in SAVES or not ctx.triggered[0].get("value"):
        raise PreventUpdate
    try:
        text = save(button, slug, form, user.id)
    except DomainError as error:
        return {"message": message(message_for(error), ok=False), "refresh": no_update}
    return {"message": message(text), "refresh": (refresh or 0) + 1}
