"""A testimony packet (several citations) as CSV, Excel, JSON and a printable page's data.

Every format says what the citation and packet pages say: the same status words
(``verdicts.status_label``), the same verdict and differences (``citations.verify``), and the
n, completeness, coverage and publisher a reader needs beside the value.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font

from kcstat_dash.services import citations, verdicts
from kcstat_dash.services.formatting import excel_number_format, format_value, period_end
from kcstat_dash.services.tabular import csv_text

COLUMNS = ["citation_id", "url", "publisher", "measure", "measure_slug", "area", "period",
           "period_label", "value", "value_text", "unit", "n", "partial", "provisional",
           "data_through", "scope", "citywide", "target", "target_text", "status", "status_text",
           "narrative", "source", "dataset", "source_url", "import_source", "imported_at",
           "cited_at", "content_hash", "verification", "verification_label",
           "verification_summary", "differences", "value_now", "status_now", "short_text",
           "full_text"]
WIDTHS = {"measure": 40, "narrative": 50, "short_text": 80, "full_text": 100, "url": 45,
          "content_hash": 66, "verification_summary": 50, "differences": 60, "scope": 40,
          "publisher": 40, "source_url": 40}
# Columns that hold the measure's own numbers, shown in its number format.
VALUE_COLUMNS = ("value", "target", "value_now")
LINK_COLUMNS = ("url", "source_url")
DIFFERENCE_COLUMNS = ["citation_id", "measure", "period", "field", "then", "now", "why"]


def citation_row(view: dict) -> dict:
    """One citation as a flat row, the same in every tabular format."""
    snapshot, verification = view["snapshot"], view.get("verification") or {}
    source = snapshot["source"]
    coverage = snapshot.get("coverage") or {}
    current = verification.get("current") or {}
    return {
        "citation_id": view["id"], "url": view["url"], "publisher": snapshot["publisher"],
        "measure": snapshot["measure"]["name"],
        "measure_slug": snapshot["measure"]["slug"], "area": snapshot["area"]["name"],
        "period": snapshot["period"], "period_label": snapshot["period_label"],
        "value": snapshot["value"], "value_text": snapshot["value_text"],
        "unit": snapshot["measure"]["unit"],
        "n": snapshot.get("n", snapshot.get("request_count")),
        "partial": snapshot.get("partial"), "provisional": snapshot.get("provisional"),
        "data_through": snapshot.get("data_through") or "",
        "scope": coverage.get("scope", citations.NOT_RECORDED),
        "citywide": coverage.get("citywide"),
        "target": snapshot["target"], "target_text": snapshot["target_text"] or "",
        "status": verdicts.canonical_status(snapshot["status"]),
        "status_text": verdicts.status_label(snapshot["status"]),
        "narrative": snapshot["narrative"] or "",
        "source": source["name"], "dataset": source.get("dataset") or "",
        "source_url": source["url"] or "",
        "import_source": source["import_source"] or "", "imported_at": source["imported_at"] or "",
        "cited_at": snapshot["cited_at"], "content_hash": view["content_hash"],
        "verification": verification.get("state", ""),
        "verification_label": verification.get("label", ""),
        "verification_summary": verification.get("summary", ""),
        "differences": "; ".join(citations.difference_text(d)
                                 for d in verification.get("differences") or []),
        "value_now": current.get("value"),
        "status_now": verdicts.status_label(current["status"]) if current else "",
        "short_text": view["text"]["short"], "full_text": view["text"]["full"],
    }


def packet_csv(views: list[dict]) -> str:
    return csv_text(COLUMNS, [citation_row(v) for v in views])


def packet_json(views: list[dict], generated_at: str) -> str:
    return json.dumps({"generated_at": generated_at, "count": len(views), "citations": views},
                      ensure_ascii=False, indent=2)


def _put(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl would store text starting with "=" as a formula; keep every text as text.
        cell.data_type = "s"
    return cell


def _link(cell, url: str) -> None:
    """A real hyperlink (clickable in Excel and LibreOffice), only to web addresses."""
    if url.startswith(("https://", "http://")):
        cell.hyperlink = url
        cell.style = "Hyperlink"


def _header(sheet, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        _put(sheet, 1, column, name).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = \
            WIDTHS.get(name, 16)
    sheet.freeze_panes = "B2"


def packet_xlsx(views: list[dict]) -> bytes:
    """A workbook: "Citations" (one row each), "Differences" (one row per field that moved
    since a citation) and a sheet per citation with its chart."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Citations"
    _header(sheet, COLUMNS)
    for row, view in enumerate(views, start=2):
        values = citation_row(view)
        number_format = excel_number_format(values["unit"])
        for column, name in enumerate(COLUMNS, start=1):
            cell = _put(sheet, row, column, values[name])
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in VALUE_COLUMNS:
                cell.number_format = number_format
            elif name == "n":
                cell.number_format = "#,##0"
            elif name in LINK_COLUMNS:
                _link(cell, values[name])
    differences = book.create_sheet("Differences")
    _header(differences, DIFFERENCE_COLUMNS)
    row = 2
    for view in views:
        for difference in (view.get("verification") or {}).get("differences") or []:
            for column, value in enumerate(
                    (view["id"], view["snapshot"]["measure"]["name"], view["snapshot"]["period"],
                     difference["label"], difference["then"], difference["now"],
                     difference["reason"]), start=1):
                _put(differences, row, column, value).alignment = Alignment(wrap_text=True,
                                                                            vertical="top")
            row += 1
    for number, view in enumerate(views, start=1):
        _chart_sheet(book, number, view)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _period_moment(period: str) -> datetime | None:
    end = period_end(period)
    return datetime(end.year, end.month, end.day) if end else None


def _chart_sheet(book: Workbook, number: int, view: dict) -> None:
    """The citation's text, its context series as data, and a native chart of it with both
    axes shown and periods placed by date (a scatter chart: survey years stay years apart)."""
    snapshot = view["snapshot"]
    unit = snapshot["measure"]["unit"]
    sheet = book.create_sheet(f"{number} {snapshot['measure']['slug']}"[:31])
    _put(sheet, 1, 1, view["text"]["short"]).font = Font(bold=True)
    _put(sheet, 2, 1, f"Citation {view['id']}; SHA-256 {view['content_hash']}")
    _link(_put(sheet, 3, 1, view["url"]), view["url"])
    header = 4
    for column, name in enumerate(("period", "period_end", "value", "target", "n"), start=1):
        _put(sheet, header, column, name).font = Font(bold=True)
    series = snapshot.get("series") or []
    for offset, point in enumerate(series, start=1):
        _put(sheet, header + offset, 1, point["period"])
        _put(sheet, header + offset, 2, _period_moment(point["period"])).number_format = \
            "yyyy-mm-dd"
        _put(sheet, header + offset, 3, point["value"]).number_format = excel_number_format(unit)
        _put(sheet, header + offset, 4, point["target"]).number_format = excel_number_format(unit)
        _put(sheet, header + offset, 5, point.get("n")).number_format = "#,##0"
    sheet.column_dimensions["B"].width = 12
    if not series or any(_period_moment(p["period"]) is None for p in series):
        return
    last = header + len(series)
    chart = ScatterChart()
    chart.title = f"{snapshot['measure']['name']} to {snapshot['period_label']}"
    chart.style = 13
    chart.height, chart.width = 8, 18
    dates = Reference(sheet, min_col=2, min_row=header + 1, max_row=last)
    columns = (3, 4) if any(p["target"] is not None for p in series) else (3,)
    for column in columns:
        values = Reference(sheet, min_col=column, min_row=header, max_row=last)
        line = Series(values, dates, title_from_data=True)
        line.marker.symbol = "circle" if column == 3 else "none"
        if column == 4:
            line.graphicalProperties.line.dashStyle = "dash"
        chart.series.append(line)
    chart.x_axis.title = "period (placed by date)"
    chart.x_axis.number_format = "mmm yyyy" if series[0]["period"][:2] != "FY" else '"FY"yyyy'
    chart.x_axis.majorTickMark = "out"
    chart.y_axis.title = {"percent": "percent", "days": "days", "count": "requests"}.get(unit,
                                                                                        unit)
    chart.y_axis.number_format = excel_number_format(unit)
    chart.y_axis.scaling.min = 0
    # Newer Excel hides an axis openpyxl leaves "deleted" by default; a printed chart with no
    # y-axis cannot be read.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    sheet.add_chart(chart, "G4")


def _nice_step(span: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about four ticks."""
    raw = span / 4 or 1.0
    power = 10 ** int(f"{raw:e}".split("e")[1])
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def chart_geometry(series: list[dict], unit: str = "count", width: int = 560,
                   height: int = 180) -> dict:
    """Where a small chart's points, y-axis ticks and period labels go, for the printable
    page's inline SVG: periods placed by date, values against a labelled y-axis from zero."""
    empty = {"width": width, "height": height, "line": "", "target": "", "points": [],
             "ticks": [], "labels": [], "axis": None}
    dated = [(p, period_end(p["period"])) for p in series]
    if not series or any(d is None for _, d in dated):
        return empty
    values = [p["value"] for p in series] + [p["target"] for p in series
                                             if p["target"] is not None]
    step = _nice_step(max(max(values), 0) - min(0.0, min(values)))
    low = min(0.0, min(values) // step * step)
    top = max(step, -(-max(values) // step) * step)
    left, right, pad_top, bottom = 64, 16, 12, 28
    first = min(d for _, d in dated).toordinal()
    days = max(max(d for _, d in dated).toordinal() - first, 1)

    def x(day) -> float:
        if len(series) == 1:
            return float(left + (width - left - right) / 2)
        return round(left + (day.toordinal() - first) / days * (width - left - right), 1)

    def y(value: float) -> float:
        return round(height - bottom - (value - low) / (top - low) * (height - bottom - pad_top),
                     1)

    points = [{"x": x(d), "y": y(p["value"]), "period": p["period"]} for p, d in dated]
    target = " ".join(f"{x(d)},{y(p['target'])}" for p, d in dated if p["target"] is not None)
    ticks, tick = [], low
    while tick <= top + step / 1000:
        ticks.append({"y": y(tick), "text": format_value(tick, unit)})
        tick += step
    # Few points (survey years) are each named; a monthly series names its first and last.
    named = points if len(points) <= 6 else [points[0], points[-1]]
    # The end labels align inward so they stay inside the picture.
    anchors = ["start", *["middle"] * (len(named) - 2), "end"] if len(named) > 1 else ["middle"]
    labels = [{"x": p["x"], "text": p["period"], "anchor": a}
              for p, a in zip(named, anchors, strict=True)]
    return {"width": width, "height": height, "points": points, "target": target,
            "line": " ".join(f"{p['x']},{p['y']}" for p in points), "ticks": ticks,
            "labels": labels, "axis": {"x": left, "top": pad_top, "bottom": height - bottom,
                                       "right": width - right}}
