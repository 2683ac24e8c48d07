"""The overview, area, measure, citation, packet and 404 pages in Spanish: Spanish words, values
and months written the Spanish way (Babel), no English sentence left outside what is marked
lang="en", the Spanish narrative or a note that there is none, chart ticks and hovers in
Spanish, and citations that are the same citation whichever language they were made from.

Expected Spanish is written out here from the language's own rules (month abbreviations,
decimal comma), not taken from the code's helpers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from callbacks import pages
from callbacks import steward as steward_callbacks
from kcstat_dash import catalogs, i18n
from kcstat_dash.db import db
from kcstat_dash.models import AuditEntry, Narrative
from kcstat_dash.services import citations, measures, stewardship
from kcstat_dash.services.errors import DomainError
from layouts import area as area_page
from layouts import cite as cite_page
from layouts import measure as measure_page
from layouts import not_found_404, overview, packet
from layouts import steward as steward_page
from layouts.charts import trend_figure
from layouts.ids import steward as steward_ids
from tests.test_pages import find_class, text_of

SPANISH_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov",
                  "dic")
DAYS_MEASURE = "311-median-days-to-close"


def spanish_month(period: str) -> str:
    """``2019-03`` → ``mar 2019``, as Spanish abbreviates months (CLDR: lower case, "sept")."""
    return f"{SPANISH_MONTHS[int(period[5:7]) - 1]} {period[:4]}"


def _english_pieces() -> set[str]:
    """Every English phrase of three words or more in the catalog whose Spanish differs: one of
    them on a Spanish page is English left over."""
    pieces = set()
    for message in catalogs.read("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if text in strings:
                continue
            for piece in re.split(r"\{\w*\}|%\(\w+\)\w|“|”", text):
                piece = piece.strip(" .,:;()·")
                if len(piece.split()) >= 3:
                    pieces.add(piece)
    return pieces


ENGLISH = _english_pieces()


def shown_text(component) -> str:
    """What a component tree says in the page's language: its text and accessible names,
    leaving out what is marked lang="en" (a citation's hashed words, untranslated data)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(shown_text(c) for c in component)
    if getattr(component, "lang", None) == "en":
        return ""
    # The live meeting banner belongs to the meeting pages' translation (and names meetings,
    # whose titles are data); it is checked with them.
    if "live-banner" in (getattr(component, "className", None) or "").split():
        return ""
    names = [getattr(component, "aria-label", None) or "",
             getattr(component, "value", None) if isinstance(getattr(component, "value", None),
                                                             str) else ""]
    figure = getattr(component, "figure", None)
    return " ".join([*names, figure_text(figure) if figure is not None else "",
                     shown_text(getattr(component, "children", None))])


def figure_text(figure) -> str:
    """The words a chart shows: trace names, hovers, tick labels, titles and annotations."""
    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    found: list[str] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ("name", "text", "hovertext", "ticktext"):
            found.append(value)
    walk(data)
    return " ".join(found)


def leftover_english(text: str) -> list[str]:
    return sorted(piece for piece in ENGLISH if piece in text)


def in_spanish(make):
    with i18n.using("es"):
        return make()


def test_the_overview_is_in_spanish_with_no_english_left(app):
    page = in_spanish(pages.overview)
    text = shown_text(page)
    assert "Indicadores de desempeño de KCStat" in text
    assert "Solicitudes por baches cerradas a tiempo" in text  # a measure's name
    assert "Infraestructura" in text or "infraestructura" in text  # an area's name
    assert re.search(r"\d+ indicadores: \d+ cumplieron su meta", text)
    assert leftover_english(text) == []
    # English stays English.
    english = text_of(pages.overview())
    assert "KCStat performance measures" in english and "Medidas" not in english


@pytest.mark.parametrize("slug", ["infrastructure", "public-safety", "finance"])
def test_area_pages_are_in_spanish_with_no_english_left(app, slug):
    text = shown_text(in_spanish(lambda: pages.area(slug=slug)))
    assert leftover_english(text) == []
    assert "Fuente:" in text


@pytest.mark.parametrize("slug", [DAYS_MEASURE, "pothole-on-time-rate",
                                  "kcpd-crimes-against-persons", "survey-police-services"])
def test_measure_pages_are_in_spanish_with_no_english_left(app, slug):
    page = in_spanish(lambda: pages.measure(slug=slug))
    text = shown_text(page)
    assert "Lo que dice la ciudad" in text and "Tendencia" in text
    assert leftover_english(text) == []


def test_a_measure_page_writes_values_and_months_the_spanish_way(app):
    text = shown_text(in_spanish(lambda: pages.measure(slug=DAYS_MEASURE)))
    assert "Mediana de días para cerrar una solicitud al 311" in text
    assert "Más bajo es mejor." in text  # the definition, translated
    assert re.search(r"\d+,\d días", text), "a decimal comma before días"
    assert not re.search(r"\d+\.\d days", text)
    assert re.search(r"de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
                     r"noviembre|diciembre) de \d{4}", text), "a month written out in Spanish"


def test_the_trend_chart_speaks_spanish(app):
    detail = measures.measure_detail(db.session, DAYS_MEASURE)
    figure = in_spanish(lambda: trend_figure(detail))
    values = figure.data[0]
    for point, hover in zip(detail["observations"], values.hovertext, strict=True):
        assert hover.startswith(spanish_month(point["period"]) + ": "), hover
        assert "solicitud" in hover
    # Explicit ticks, named in Spanish, at real periods of the series.
    assert figure.layout.xaxis.tickvals and len(figure.layout.xaxis.tickvals) <= 12
    assert list(figure.layout.xaxis.ticktext) == [spanish_month(p)
                                                  for p in figure.layout.xaxis.tickvals]
    assert set(figure.layout.xaxis.tickvals) <= {p["period"] for p in detail["observations"]}
    assert figure.layout.yaxis.title.text == "Días"
    assert "Meta" in [trace.name for trace in figure.data]
    # Clicks still name the period (customdata), whatever the language.
    assert list(values.customdata) == [p["period"] for p in detail["observations"]]
    # The English chart keeps English months.
    english = trend_figure(detail)
    assert english.layout.xaxis.ticktext[0].split()[0] in (
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _narrative(spanish: str | None) -> dict:
    detail = measures.measure_detail(db.session, DAYS_MEASURE)
    stewardship.write_narrative(db.session, DAYS_MEASURE, detail["latest_period"],
                                "Crews were reassigned to the ice storm response.", None,
                                body_es=spanish)
    db.session.commit()
    return detail


def test_a_spanish_narrative_is_shown_on_spanish_pages(app):
    _narrative("Las cuadrillas se reasignaron a la respuesta a la tormenta de hielo.")
    spanish = in_spanish(lambda: pages.measure(slug=DAYS_MEASURE))
    text = shown_text(spanish)
    assert "Las cuadrillas se reasignaron" in text
    assert "Crews were reassigned" not in text_of(spanish)
    assert not find_class(spanish, "narrative-untranslated")
    english = text_of(pages.measure(slug=DAYS_MEASURE))
    assert "Crews were reassigned" in english and "cuadrillas" not in english


def test_without_a_spanish_narrative_the_english_one_is_marked_and_explained(app):
    _narrative(None)
    page = in_spanish(lambda: pages.measure(slug=DAYS_MEASURE))
    note = find_class(page, "narrative-untranslated")
    assert len(note) == 1 and "no tiene versión en español" in text_of(note)
    shown = find_class(page, "narrative")
    assert [p.lang for p in shown] == ["en"]
    assert "Crews were reassigned" in text_of(shown)
    # A newer English version without Spanish does not keep showing the older Spanish.
    stewardship.write_narrative(db.session, DAYS_MEASURE, measures.measure_detail(
        db.session, DAYS_MEASURE)["latest_period"], "Rewritten.", None, body_es="Reescrita.")
    stewardship.write_narrative(db.session, DAYS_MEASURE, measures.measure_detail(
        db.session, DAYS_MEASURE)["latest_period"], "Rewritten again.", None)
    db.session.commit()
    page = in_spanish(lambda: pages.measure(slug=DAYS_MEASURE))
    assert "Reescrita" not in text_of(page) and "Rewritten again." in text_of(page)


def test_the_steward_saves_the_spanish_narrative_with_its_audit(app):
    # The page (English, for staff) offers the optional field, marked as Spanish.
    form = steward_page.forms()
    field = [c for c in _components(form)
             if getattr(c, "id", None) == steward_ids.NARRATIVE_BODY_ES]
    assert field and field[0].lang == "es"
    assert "Spanish narrative (optional)" in text_of(form)
    # The save button's row hands the optional Spanish to the service, in one transaction.
    period = measures.measure_detail(db.session, DAYS_MEASURE)["latest_period"]
    done = steward_callbacks.save(steward_ids.SAVE_NARRATIVE, DAYS_MEASURE, {
        "narrative_period": period, "narrative_body": "Crews were reassigned.",
        "narrative_body_es": "Las cuadrillas se reasignaron."}, None)
    assert done == "Narrative published."
    row = db.session.query(Narrative).order_by(Narrative.id.desc()).first()
    assert (row.body, row.body_es, row.period) == (
        "Crews were reassigned.", "Las cuadrillas se reasignaron.", period)
    audit = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert "Las cuadrillas se reasignaron." in str(audit.after)
    # Left empty, there is no Spanish version; markup is refused as in the English field.
    steward_callbacks.save(steward_ids.SAVE_NARRATIVE, DAYS_MEASURE, {
        "narrative_period": period, "narrative_body": "Only English.",
        "narrative_body_es": "  "}, None)
    assert db.session.query(Narrative).order_by(Narrative.id.desc()).first().body_es is None
    with pytest.raises(DomainError):
        stewardship.write_narrative(db.session, DAYS_MEASURE, period, "Fine.", None,
                                    body_es="<script>x</script>")


def _components(component) -> list:
    if isinstance(component, list | tuple):
        return [c for child in component for c in _components(child)]
    if component is None or isinstance(component, str | int | float):
        return []
    return [component, *_components(getattr(component, "children", None))]


def test_a_citation_hashes_the_same_from_a_spanish_page(sample_session):
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    english = citations.prepare_citation(sample_session, DAYS_MEASURE, "2019-03", now=now)
    with i18n.using("es"):
        spanish = citations.prepare_citation(sample_session, DAYS_MEASURE, "2019-03", now=now)
        verified = citations.verify(sample_session, spanish)
    assert spanish.snapshot == english.snapshot
    assert spanish.content_hash == english.content_hash
    assert english.snapshot["period_label"] == "March 2019"
    assert english.snapshot["value_text"].endswith("days")
    assert english.snapshot["coverage"]["scope"].endswith("neighborhoods, a sample")
    # Checked from a Spanish page, nothing has moved.
    assert verified["state"] == "same"


def test_the_citation_api_answers_the_same_snapshot_in_either_language(client):
    made = {}
    for language in ("en", "es"):
        answer = client.post("/api/citations", json={"measure": DAYS_MEASURE,
                                                     "period": "2019-03"},
                             headers={"Accept-Language": language})
        assert answer.status_code == 201
        body = answer.get_json()
        assert citations.content_hash(body["snapshot"]) == body["content_hash"]
        made[language] = {k: v for k, v in body["snapshot"].items() if k != "cited_at"}
    assert made["es"] == made["en"]


def test_the_citation_page_is_in_spanish_and_keeps_the_citation_english(app):
    citation = citations.create_citation(db.session, DAYS_MEASURE, "2019-03")
    db.session.commit()
    with app.server.test_request_context("/"):
        page = in_spanish(lambda: pages.cite(citation_id=citation.id))
    text = shown_text(page)
    assert "Mediana de días para cerrar una solicitud al 311, marzo de 2019:" in text
    assert re.search(r"marzo de 2019: \d+(,\d)? días", text)
    assert "Verificación con los datos de hoy" in text and "Sigue igual hoy" in text
    assert re.search(r"Los datos de hoy dan \d+(,\d)? días, con igual", text)
    assert "Solicitudes de servicio al 311 de Kansas City" in text  # the source, in facts
    assert leftover_english(text) == []
    # The text to paste is the citation's own (English, hashed), and marked so.
    short = [c for c in find_class(page, "cite-text") if c.id == "cite-short-text"]
    assert short and short[0].lang == "en" and "Retrieved" in short[0].value


def test_the_packet_page_and_its_print_page_are_in_spanish(app, client):
    citation = citations.create_citation(db.session, DAYS_MEASURE, "2019-03")
    db.session.commit()
    # As the packet's callback does, in the request's language.
    body = in_spanish(lambda: packet.packet_body(
        citations.packet_views(db.session, [citation.id], "http://localhost"), shared=False,
        base_url="http://x"))
    text = shown_text(body) + shown_text(in_spanish(lambda: packet.layout()))
    assert "1 cita en su paquete" in text and "Paquete de testimonio" in text
    assert leftover_english(text) == []
    printed = client.get(f"/packet/print?ids={citation.id}",
                         headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in printed
    assert "Paquete de testimonio: estadísticas de KCStat" in printed
    assert "marzo de 2019:" in printed and 'class="cite-text" lang="en"' in printed
    visible = re.sub(r"<[^>]*lang=\"en\"[^>]*>[^<]*<", "<", printed)
    assert leftover_english(re.sub(r"<[^>]+>", " ", visible)) == []
    english = client.get(f"/packet/print?ids={citation.id}").get_data(as_text=True)
    assert '<html lang="en">' in english and "Testimony packet: KCStat statistics" in english
    assert 'lang="en"' not in english.split("<html", 1)[1].split(">", 1)[1]


def test_an_unknown_citation_and_an_unknown_page_say_so_in_spanish(client):
    answer = client.get("/cite/aaaaaaaaaaaaaaaa", headers={"Accept-Language": "es"})
    assert answer.status_code == 404
    assert '<html lang="es">' in answer.get_data(as_text=True)
    assert "Cita no encontrada" in answer.get_data(as_text=True)
    text = shown_text(in_spanish(not_found_404.layout))
    assert "No pudimos encontrar esa página" in text and leftover_english(text) == []


def test_page_titles_follow_the_language(app, client):
    with i18n.using("es"):
        assert overview.title() == "KCStat Dash — Resumen"
        assert area_page.title(slug="finance") == "KCStat Dash — Finanzas y Gobernanza" or \
            area_page.title(slug="finance").startswith("KCStat Dash — Finanzas")
        assert packet.title() == "KCStat Dash — Paquete de testimonio"
        assert cite_page.title() == "KCStat Dash — Cita"
        assert not_found_404.title() == "KCStat Dash — Página no encontrada"
        assert measure_page.title(slug=DAYS_MEASURE) == f"KCStat Dash — {DAYS_MEASURE}"
    assert overview.title() == "KCStat Dash — Overview"
    # Dash Pages names the page for sharing in the request's language (the tab's title is set
    # from the same function when the page is shown).
    page = client.get("/packet", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert 'property="og:title" content="KCStat Dash — Paquete de testimonio"' in page


def test_exports_and_the_citation_text_stay_english_from_a_spanish_browser(app, client):
    citation = citations.create_citation(db.session, DAYS_MEASURE, "2019-03")
    db.session.commit()
    spanish = {"Accept-Language": "es"}
    csv = client.get(f"/exports/packet.csv?ids={citation.id}", headers=spanish).get_data(
        as_text=True)
    assert "Today's data gives" in csv and "March 2019" in csv
    assert "Los datos de hoy" not in csv and "marzo" not in csv
    body = client.get(f"/api/citations/{citation.id}", headers=spanish).get_json()
    assert body["text"]["short"].startswith(body["snapshot"]["publisher"] + ": Median days")
    assert "March 2019" in body["text"]["full"] and "marzo" not in body["text"]["full"]


def test_every_measure_definition_and_caveat_has_its_spanish(app):
    """A definition or caveat composed from marked pieces (a statistic's words and what it
    counts, a survey question, two police caveats) is said in Spanish whole, never left in
    English."""
    for summary in measures.list_measures(db.session):
        page = in_spanish(lambda s=summary: pages.measure(slug=s["slug"]))
        definition = find_class(page, "definition")
        assert definition and getattr(definition[0], "lang", None) is None, summary["slug"]
        assert leftover_english(shown_text(definition)) == [], summary["slug"]
        if summary.get("caveat"):
            assert leftover_english(shown_text(find_class(page, "caveat"))) == []
            assert text_of(find_class(page, "caveat")) != summary["caveat"]
