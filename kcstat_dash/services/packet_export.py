"""A testimony packet (several citations) as CSV, Excel, JSON and a printable page's data."""

from __future__ import annotations

import io
import json

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font

from kcstat_dash.services.tabular import csv_text

COLUMNS = ["citation_id", "url", "measure", "measure_slug", "area", "period", "period_label",
           "value", "value_text", "unit", "target", "status", "narrative", "source", "source_url",
           "import_source", "imported_at", "cited_at", "content_hash", "verification",
           "verification_summary", "short_text", "full_text"]
WIDTHS = {"measure": 40, "narrative": 50, "short_text": 80, "full_text": 100, "url": 45,
          "content_hash": 66, "verification_summary": 50}


def citation_row(view: dict) -> dict:
    """One citation as a flat row, the same in every tabular format."""
    snapshot, verification = view["snapshot"], view.get("verification") or {}
    source = snapshot["source"]
    return {
        "citation_id": view["id"], "url": view["url"], "measure": snapshot["measure"]["name"],
        "measure_slug": snapshot["measure"]["slug"], "area": snapshot["area"]["name"],
        "period": snapshot["period"], "period_label": snapshot["period_label"],
        "value": snapshot["value"], "value_text": snapshot["value_text"],
        "unit": snapshot["measure"]["unit"], "target": snapshot["target"],
        "status": snapshot["status"], "narrative": snapshot["narrative"] or "",
        "source": source["name"], "source_url": source["url"] or "",
        "import_source": source["import_source"] or "", "imported_at": source["imported_at"] or "",
        "cited_at": snapshot["cited_at"], "content_hash": view["content_hash"],
        "verification": verification.get("state", ""),
        "verification_summary": verification.get("summary", ""),
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


def packet_xlsx(views: list[dict]) -> bytes:
    """A workbook: a "Citations" sheet (one row each) and a sheet per citation with its chart."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Citations"
    for column, name in enumerate(COLUMNS, start=1):
        _put(sheet, 1, column, name).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = \
            WIDTHS.get(name, 16)
    for row, view in enumerate(views, start=2):
        values = citation_row(view)
        for column, name in enumerate(COLUMNS, start=1):
            _put(sheet, row, column, values[name]).alignment = Alignment(wrap_text=True,
                                                                         vertical="top")
    sheet.freeze_panes = "B2"
    for number, view in enumerate(views, start=1):
        _chart_sheet(book, number, view)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _chart_sheet(book: Workbook, number: int, view: dict) -> None:
    """The citation's text, its context series as data, and a native line chart of it."""
    snapshot = view["snapshot"]
    sheet = book.create_sheet(f"{number} {snapshot['measure']['slug']}"[:31])
    _put(sheet, 1, 1, view["text"]["short"]).font = Font(bold=True)
    _put(sheet, 2, 1, f"Citation {view['id']}; SHA-256 {view['content_hash']}")
    header = 4
    for column, name in enumerate(("period", "value", "target"), start=1):
        _put(sheet, header, column, name).font = Font(bold=True)
    series = snapshot.get("series") or []
    for offset, point in enumerate(series, start=1):
        _put(sheet, header + offset, 1, point["period"])
        _put(sheet, header + offset, 2, point["value"])
        _put(sheet, header + offset, 3, point["target"])
    if not series:
        return
    last = header + len(series)
    chart = LineChart()
    chart.title = f"{snapshot['measure']['name']} to {snapshot['period_label']}"
    chart.y_axis.title = snapshot["measure"]["unit"]
    chart.x_axis.title = "period"
    chart.height, chart.width = 8, 18
    columns = 3 if any(p["target"] is not None for p in series) else 2
    chart.add_data(Reference(sheet, min_col=2, max_col=columns, min_row=header, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    sheet.add_chart(chart, "E4")


def chart_geometry(series: list[dict], width: int = 560, height: int = 160) -> dict:
    """Where a small line chart's points go (for the printable page's inline SVG)."""
    values = [p["value"] for p in series] + [p["target"] for p in series
                                             if p["target"] is not None]
    if not series:
        return {"width": width, "height": height, "line": "", "target": "", "points": []}
    top, low = max(values), min(0.0, min(values))
    span = (top - low) or 1.0
    pad = 24
    step = (width - 2 * pad) / max(len(series) - 1, 1)

    def y(value: float) -> float:
        return round(height - pad - (value - low) / span * (height - 2 * pad), 1)

    points = [{"x": round(pad + i * step, 1), "y": y(p["value"]), "period": p["period"]}
              for i, p in enumerate(series)]
    target = " ".join(f"{round(pad + i * step, 1)},{y(p['target'])}"
                      for i, p in enumerate(series) if p["target"] is not None)
    return {"width": width, "height": height, "points": points, "target": target,
            "line": " ".join(f"{p['x']},{p['y']}" for p in points)}
