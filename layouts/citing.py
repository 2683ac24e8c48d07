"""Pieces for citing: the measure page's "Cite this" section, copyable texts, verification."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from kcstat_dash.services.formatting import period_label
from layouts.ids import meeting as meeting_ids

# A verification's state is told in words and a symbol, never by colour alone; the words are
# the domain's (citations.STATE_LABELS), so every surface says the same.
VERIFICATION_STYLE = {"same": ("success", "✓"), "changed": ("warning", "!"),
                      "unavailable": ("secondary", "–")}


def copy_field(field_id: str, label: str, text: str, rows: int = 3) -> html.Div:
    """A labelled read-only text with a Copy button (a real button: keyboard and screen readers)."""
    return html.Div([
        dbc.Label(label, html_for=field_id, className="fw-semibold"),
        dbc.Textarea(id=field_id, value=text, readonly=True, rows=rows, className="cite-text"),
        html.Div([
            # html.Button, not dbc.Button: it takes the aria-label naming what is copied.
            html.Button("Copy", id={"type": "copy-button", "target": field_id}, type="button",
                        className="btn btn-outline-primary btn-sm mt-1",
                        **{"aria-label": f"Copy {label[0].lower()}{label[1:]}"}),
            html.Span(id={"type": "copy-status", "target": field_id}, role="status",
                      className="ms-2 small"),
        ]),
    ], className="mb-3")


def add_to_packet_button(citation_id: str) -> html.Div:
    return html.Div([
        dbc.Button("Add to my testimony packet", id={"type": "add-to-packet",
                                                     "citation": citation_id},
                   color="secondary", className="me-2"),
        html.Span(id={"type": "packet-add-status", "citation": citation_id}, role="status",
                  className="small"),
    ], className="mb-2")


def cite_section(detail: dict) -> html.Section:
    """Pick a period (or click a chart point) and cite it."""
    periods = [p["period"] for p in reversed(detail["observations"])]
    return html.Section([
        html.H2("Cite this statistic", className="h4", id="cite-heading"),
        html.P("Choose a period, or click a point on the chart, and press Cite this. You get a "
               "citation to paste into testimony, with a permanent page that anyone can check "
               "against the city's data later.", className="text-muted"),
        dbc.Row([
            dbc.Col([
                dbc.Label("Period to cite", html_for="cite-period"),
                dbc.Select(id="cite-period", value=periods[0],
                           options=[{"label": period_label(p), "value": p} for p in periods]),
            ], md=5),
            dbc.Col(dbc.Button("Cite this", id="cite-button", color="primary"),
                    md="auto", className="d-flex align-items-end mt-2 mt-md-0"),
        ], className="mb-3 g-2"),
        dcc.Store(id="cite-measure", data=detail["slug"]),
        html.Div(id="cite-result", **{"aria-live": "polite"}),
    ], className="mb-4 cite-section", **{"aria-labelledby": "cite-heading"})


def citation_created(view: dict) -> dbc.Alert:
    """What the resident sees after citing: the text to copy and where the citation lives."""
    return dbc.Alert([
        html.H3(f"Citation created: {view['snapshot']['measure']['name']}, "
                f"{view['snapshot']['period_label']}", className="h5"),
        copy_field("created-short-text", "Citation text (short form)", view["text"]["short"]),
        html.P([html.A("Open the citation's permanent page", href=f"/cite/{view['id']}",
                       className="created-citation-link"),
                " (full form, verification and the JSON)."]),
        add_to_packet_button(view["id"]),
    ], color="light", className="citation-created border")


def cite_error(message: str) -> dbc.Alert:
    return dbc.Alert([html.Strong("Could not cite. "), message], color="warning",
                     className="cite-error")


def verification_badge(verification: dict) -> dbc.Badge:
    """The verdict in a word and a symbol (the packet's items)."""
    colour, symbol = VERIFICATION_STYLE[verification["state"]]
    return dbc.Badge([html.Span(symbol, **{"aria-hidden": "true"}), " ", verification["label"]],
                     color=colour, text_color="dark" if colour == "warning" else None,
                     className=f"verification-badge verification-{verification['state']}")


def differences_table(differences: list[dict], caption: str = "What differs, and why"):
    """Each field that moved since the citation: what it was, what it is, why."""
    return dbc.Table([
        html.Caption(caption, className="caption-top"),
        html.Thead(html.Tr([html.Th("What", scope="col"), html.Th("When cited", scope="col"),
                            html.Th("Today", scope="col"), html.Th("Why", scope="col")])),
        html.Tbody([html.Tr([html.Th(d["label"], scope="row"), html.Td(d["then"]),
                             html.Td(d["now"]), html.Td(d["reason"])],
                            className=f"difference difference-{d['field']}")
                    for d in differences]),
    ], size="sm", responsive=True, className="verification-differences")


def verification_panel(verification: dict) -> html.Section:
    colour, symbol = VERIFICATION_STYLE[verification["state"]]
    children = [html.H2("Verification against today's data", className="h4"),
                dbc.Alert([html.Strong([html.Span(symbol, **{"aria-hidden": "true"}), " ",
                                        verification["label"], ". "]),
                           verification["summary"]],
                          color=colour,
                          className=f"verification verification-{verification['state']}")]
    if verification["differences"]:
        children.append(differences_table(verification["differences"]))
    children += [html.P(note, className="verification-note") for note in verification["notes"]]
    if not verification["hash_ok"]:
        children.append(dbc.Alert("The stored snapshot no longer matches its hash.",
                                  color="danger"))
    return html.Section(children, className="mb-4")


def facts_list(facts: list[dict], class_name: str = "row snapshot-facts") -> html.Dl:
    """The citation's facts (publisher, n, data through, completeness, coverage...)."""
    items = []
    for fact in facts:
        items += [html.Dt(fact["label"], className="col-sm-3"),
                  html.Dd(fact["text"], className="col-sm-9")]
    return html.Dl(items, className=class_name)


def snapshot_list(view: dict, cited_at_local: str, imported_at_local: str | None) -> html.Dl:
    snapshot = view["snapshot"]
    source = snapshot["source"]
    source_link = (html.A(source["url"], href=source["url"])
                   if (source["url"] or "").startswith(("https://", "http://")) else "—")
    facts = [f for f in view["facts"] if f["label"] not in ("Value",)]
    rows = [
        ("Measure", snapshot["measure"]["name"]), ("Goal area", snapshot["area"]["name"]),
        ("Period", snapshot["period_label"]), ("Value", snapshot["value_text"]),
        *[(f["label"], f["text"]) for f in facts],
        ("Narrative in force", snapshot["narrative"] or "None published for this period"),
        ("Data address", source_link),
        ("Imported", f"{imported_at_local} from {source['import_source']}"
         if imported_at_local else "—"),
        ("Cited", cited_at_local),
        ("Content hash (SHA-256)", html.Code(view["content_hash"], className="hash")),
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
        ["Cite this", html.Span(f": {flag.get('measure_name', flag['measure'])}, "
                                f"{period_label(flag['period'])}", className="visually-hidden")],
        type="button", className="btn btn-link btn-sm ms-1 cite-flag",
        id=meeting_ids.cite_flag(question_id, flag["measure"], flag["period"]))


def flag_citation_created(view: dict) -> html.P:
    """A flagged statistic just cited, from a meeting's feed: its page opens in a new tab."""
    return html.P([
        f"Citation created: {view['snapshot']['measure']['name']}, "
        f"{view['snapshot']['period_label']}. ",
        html.A("Open the citation (new tab)", href=f"/cite/{view['id']}", target="_blank",
               rel="noopener", className="flag-citation-link"),
    ], className="alert alert-light border mb-2 flag-citation")
