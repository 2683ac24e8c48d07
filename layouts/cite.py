"""A citation's permanent page: the snapshot, today's verification, and texts to copy."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
from dash import html

from kcstat_dash.i18n import _
from kcstat_dash.services import citations
from kcstat_dash.services.citation_words import cited_heading, cited_value
from kcstat_dash.services.verdicts import status_words
from kcstat_dash.timezone import format_local
from layouts.citing import (
    add_to_packet_button,
    citation_language,
    copy_field,
    snapshot_list,
    verification_panel,
)
from layouts.components import PART, empty_state, in_english, with_parts

HOW_TO_CHECK = """import hashlib, json, urllib.request
body = json.load(urllib.request.urlopen("{json_url}"))
canonical = json.dumps(body["snapshot"], sort_keys=True, separators=(",", ":"),
                       ensure_ascii=False)
print(hashlib.sha256(canonical.encode("utf-8")).hexdigest() == body["content_hash"])"""


def _local(iso: str | None) -> str | None:
    if not iso:
        return None
    return format_local(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))


def render(view: dict | None) -> html.Div:
    """The page from ``services.page_data.cite_page`` (None: no such citation)."""
    if view is None:
        return empty_state(_("Citation not found"), _("There is no citation at this address."),
                           html.A(_("See all measures"), href="/"))
    snapshot = view["snapshot"]
    lang = citation_language()
    return html.Div([
        html.P(_("Citation"), className="eyebrow"),
        html.H1(cited_heading(snapshot)),
        html.P([" · ".join(citations.qualifiers(snapshot)), " · ",
                _("{status} when cited (target {target})", status=status_words(snapshot["status"]),
                  target=cited_value(snapshot, "target")) if snapshot["target_text"] else
                _("{status} when cited", status=status_words(snapshot["status"]))],
               className="lead cite-qualifiers"),
        html.P([*with_parts(_("Published by {publisher}. This page is permanent; its snapshot "
                              "never changes.", publisher=PART),
                            in_english(snapshot["publisher"])), " ",
                html.A(_("Go to the measure"), href=f"/measures/{snapshot['measure']['slug']}")],
               className="cite-publisher"),
        verification_panel(view["verification"]),
        html.Section([
            html.H2(_("Cite it"), className="h4"),
            copy_field("cite-short-text", _("Short form"), view["text"]["short"], lang=lang),
            copy_field("cite-full-text", _("Full form"), view["text"]["full"], rows=6, lang=lang),
            add_to_packet_button(view["id"]),
            html.P(html.A(_("Open my testimony packet"), href="/packet")),
        ], className="mb-4"),
        html.Section([
            html.H2(_("What was published when it was cited"), className="h4"),
            snapshot_list(view, _local(snapshot["cited_at"]),
                          _local(snapshot["source"]["imported_at"])),
        ], className="mb-4"),
        html.Section([
            html.H2(_("Check it yourself"), className="h4"),
            html.P([_("The hash is SHA-256 over the snapshot written as canonical JSON (RFC 8785: "
                      "keys sorted, no spaces, UTF-8, whole numbers without a decimal point).")
                    + " " + _("Get the") + " ",
                    html.A(_("citation as JSON"), href=view["json_url"],
                           className="citation-json-link"),
                    " " + _("and run:")]),
            html.Pre(html.Code(HOW_TO_CHECK.format(json_url=view["json_url"])),
                     className="how-to-check", tabIndex="0"),
        ], className="mb-4"),
    ], className="cite-page")


def title(citation_id: str | None = None, **_query) -> str:
    """The page's title in the request's language (Dash Pages calls it per request)."""
    return _("KCStat Dash — {page}", page=_("Citation"))


def register(layout) -> None:
    """Register the page; ``layout`` (callbacks/pages.py) loads its data and calls render."""
    dash.register_page(__name__, path_template="/cite/<citation_id>", name="Citation",
                       title=title, layout=layout)
