"""Pieces for citing: the measure page's "Cite this" section, copyable texts, verification."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.i18n import DEFAULT_LANGUAGE, _, language
from kcstat_dash.services import citations
from kcstat_dash.services.citation_words import cited_names, cited_value
from kcstat_dash.services.formatting import period_label
from kcstat_dash.services.measure_words import say
from layouts.components import in_english
from layouts.ids import meeting as meeting_ids

# A verification's state is told in words and a symbol, never by colour alone; the words are
# the domain's (citations.STATE_LABELS), so every surface says the same.
VERIFICATION_STYLE = {"same": ("success", "✓"), "changed": ("warning", "!"),
                      "unavailable": ("secondary", "–")}


def copy_field(field_id: str, label: str, text: str, rows: int = 3,
               lang: str | None = None) -> html.Div:
    """A labelled read-only text with a Copy button (a real button: keyboard and screen readers).
    ``lang`` marks a text in another language than the page's (a citation is English)."""
    return html.Div([
        dbc.Label(label, html_for=field_id, className="fw-semibold"),
        dbc.Textarea(id=field_id, value=text, readonly=True, rows=rows, className="cite-text",
                     **({"lang": lang} if lang else {})),
        html.Div([
            # html.Button, not dbc.Button: it takes the aria-label naming what is copied.
            html.Button(_("Copy"), id={"type": "copy-button", "target": field_id}, type="button",
                        className="btn btn-outline-primary btn-sm mt-1",
                        **{"aria-label": _("Copy {what}", what=label[:1].lower() + label[1:])}),
            html.Span(id={"type": "copy-status", "target": field_id}, role="status",
                      className="ms-2 small"),
        ]),
        # The copy script's words, in the page's language (callbacks/citing.py reads them).
    ], className="mb-3 copy-field", **{"data-copied": _("Copied."),
                                       "data-selected": _("Selected: press Ctrl+C to copy.")})


def add_to_packet_button(citation_id: str) -> html.Div:
    return html.Div([
        dbc.Button(_("Add to my testimony packet"), id={"type": "add-to-packet",
                                                     "citation": citation_id},
                   color="secondary", className="me-2"),
        html.Span(id={"type": "packet-add-status", "citation": citation_id}, role="status",
                  className="small"),
    ], className="mb-2")


def cite_section(detail: dict) -> html.Section:
    """Pick a period (or click a chart point) and cite it."""
    periods = [p["period"] for p in reversed(detail["observations"])]
    return html.Section([
        html.H2(_("Cite this statistic"), className="h4", id="cite-heading"),
        html.P(_("Choose a period, or click a point on the chart, and press Cite this. You get "
                 "a citation to paste into testimony, with a permanent page that anyone can "
                 "check against the city's data later."), className="text-muted"),
        dbc.Row([
            dbc.Col([
                dbc.Label(_("Period to cite"), html_for="cite-period"),
                dbc.Select(id="cite-period", value=periods[0],
                           options=[{"label": period_label(p), "value": p} for p in periods]),
            ], md=5),
            dbc.Col(dbc.Button(_("Cite this"), id="cite-button", color="primary"),
                    md="auto", className="d-flex align-items-end mt-2 mt-md-0"),
        ], className="mb-3 g-2"),
        dcc.Store(id="cite-measure", data=detail["slug"]),
        html.Div(id="cite-result", **{"aria-live": "polite"}),
    ], className="mb-4 cite-section", **{"aria-labelledby": "cite-heading"})


def citation_created(view: dict) -> dbc.Alert:
    """What the resident sees after citing: the text to copy and where the citation lives."""
    return dbc.Alert([
        html.H3(_("Citation created: {measure}, {period}", **cited_names(view["snapshot"])),
                className="h5"),
        copy_field("created-short-text", _("Citation text (short form)"),
                   view["text"]["short"], lang=citation_language()),
        html.P([html.A(_("Open the citation's permanent page"), href=f"/cite/{view['id']}",
                       className="created-citation-link"),
                " " + _("(full form, verification and the JSON).")]),
        add_to_packet_button(view["id"]),
    ], color="light", className="citation-created border")


def citation_language() -> str | None:
    """``en`` on a page in another language: a citation's text is English, as it was hashed."""
    return None if language() == DEFAULT_LANGUAGE else "en"


def cite_error(message: str) -> dbc.Alert:
    return dbc.Alert([html.Strong(_("Could not cite.") + " "), message], color="warning",
                     className="cite-error")


def verification_badge(verification: dict) -> dbc.Badge:
    """The verdict in a word and a symbol (the packet's items)."""
    colour, symbol = VERIFICATION_STYLE[verification["state"]]
    return dbc.Badge([html.Span(symbol, **{"aria-hidden": "true"}), " ", _(verification["label"])],
                     color=colour, text_color="dark" if colour == "warning" else None,
                     className=f"verification-badge verification-{verification['state']}")


def differences_table(differences: list[dict], caption: str | None = None):
    """Each field that moved since the citation: what it was, what it is, why."""
    return dbc.Table([
        html.Caption(caption or _("What differs, and why"), className="caption-top"),
        html.Thead(html.Tr([html.Th(_("What"), scope="col"), html.Th(_("When cited"), scope="col"),
                            html.Th(_("Today"), scope="col"), html.Th(_("Why"), scope="col")])),
        html.Tbody([html.Tr([html.Th(_(d["label"]), scope="row"), html.Td(d["then"]),
                             html.Td(d["now"]), html.Td(d["reason"])],
                            className=f"difference difference-{d['field']}")
                    for d in differences]),
    ], size="sm", responsive=True, className="verification-differences")


def verification_panel(verification: dict) -> html.Section:
    colour, symbol = VERIFICATION_STYLE[verification["state"]]
    children = [html.H2(_("Verification against today's data"), className="h4"),
                dbc.Alert([html.Strong([html.Span(symbol, **{"aria-hidden": "true"}), " ",
                                        _(verification["label"]), ". "]),
                           verification["summary"]],
                          color=colour,
                          className=f"verification verification-{verification['state']}")]
    if verification["differences"]:
        children.append(differences_table(verification["differences"]))
    children += [html.P(note, className="verification-note") for note in verification["notes"]]
    if not verification["hash_ok"]:
        children.append(dbc.Alert(_("The stored snapshot no longer matches its hash."),
                                  color="danger"))
    return html.Section(children, className="mb-4")


def fact_text(fact: dict):
    """A fact's text; the publisher's name is its own English words, marked so."""
    return in_english(fact["text"]) if fact["label"] == citations.PUBLISHED_BY else fact["text"]


def facts_list(facts: list[dict], class_name: str = "row snapshot-facts") -> html.Dl:
    """The citation's facts (publisher, n, data through, completeness, coverage...)."""
    items = []
    for fact in facts:
        items += [html.Dt(_(fact["label"]), className="col-sm-3"),
                  html.Dd(fact_text(fact), className="col-sm-9")]
    return html.Dl(items, className=class_name)


def snapshot_list(view: dict, cited_at_local: str, imported_at_local: str | None) -> html.Dl:
    snapshot = view["snapshot"]
    source = snapshot["source"]
    source_link = (html.A(source["url"], href=source["url"])
                   if (source["url"] or "").startswith(("https://", "http://")) else "—")
    facts = [f for f in view["facts"] if f["label"] not in ("Value",)]
    # What was cited, in the page's language; the narrative is the city's own words (English).
    rows = [
        (_("Measure"), cited_names(snapshot)["measure"]),
        (_("Goal area"), say(snapshot["area"]["name"])),
        (_("Period"), cited_names(snapshot)["period"]),
        (_("Value"), cited_value(snapshot)),
        *[(_(f["label"]), fact_text(f)) for f in facts],
        (_("Narrative in force"), in_english(snapshot["narrative"]) if snapshot["narrative"]
         else _("None published for this period")),
        (_("Data address"), source_link),
        (_("Imported"), _("{when} from {source}", when=imported_at_local,
                          source=source["import_source"]) if imported_at_local else "—"),
        (_("Cited"), cited_at_local),
        (_("Content hash (SHA-256)"), html.Code(view["content_hash"], className="hash")),
    ]
    items = []
    for term, description in rows:
        items += [html.Dt(term, className="col-sm-3"), html.Dd(description, className="col-sm-9")]
    return html.Dl(items, className="row snapshot")


def cite_flag_button(question_id: int, flag: dict) -> html.Button:
    """"Cite this" beside a question's flagged statistic: cites that measure and period.

    Its name starts with the words it shows (WCAG 2.5.3: a voice user says "Cite this"); what
    it cites follows, for screen readers only. The citation opens in a new tab from the page's
    status line (callbacks/citing.py), so a tap never leaves the live meeting.
    """
    return html.Button(
        [_("Cite this"), html.Span(f": {flag.get('measure_name', flag['measure'])}, "
                                   f"{period_label(flag['period'])}",
                                   className="visually-hidden")],
        type="button", className="btn btn-link btn-sm ms-1 cite-flag",
        id=meeting_ids.cite_flag(question_id, flag["measure"], flag["period"]))


def flag_citation_created(view: dict) -> html.P:
    """A flagged statistic just cited, from a meeting's feed: its page opens in a new tab."""
    return html.P([
        _("Citation created: {measure}, {period}.", **cited_names(view["snapshot"])) + " ",
        html.A(_("Open the citation (new tab)"), href=f"/cite/{view['id']}", target="_blank",
               rel="noopener", className="flag-citation-link"),
    ], className="alert alert-light border mb-2 flag-citation")
