"""Prints the results as a table and writes them, with the machine, into docs/PERFORMANCE.md."""

from __future__ import annotations

import re
from pathlib import Path

from bench.findings import ScenarioResult


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(results: list[ScenarioResult], machine: dict[str, str], settings: dict[str, str],
             backend: str) -> str:
    lines = [f"### {backend}", ""]
    lines += [f"- **{key}**: {value}" for key, value in machine.items()]
    lines += [f"- **{key}**: {value}" for key, value in settings.items()]
    lines += ["", "| scenario | measure | result | target | |", "| --- | --- | --- | --- | --- |"]
    for result in results:
        if result.skipped:
            lines.append(f"| {result.title} | — | not run: {_cell(result.skipped)} | | |")
            continue
        for finding in result.findings:
            lines.append(f"| {_cell(finding.scenario)} | {_cell(finding.measure)} | "
                         f"{_cell(finding.value)} | {_cell(finding.target)} | {finding.verdict} |")
    lines += ["", "How each was measured:", ""]
    for result in results:
        if result.skipped:
            continue
        lines.append(f"- **{result.title}.** {result.method}")
        lines += [f"  ({detail})" for detail in result.details]
    return "\n".join(lines) + "\n"


def text_table(results: list[ScenarioResult]) -> str:
    rows = [("scenario", "measure", "result", "target", "")]
    for result in results:
        if result.skipped:
            rows.append((result.title, "—", f"not run: {result.skipped}", "", ""))
        for finding in result.findings:
            rows.append((finding.scenario, finding.measure, finding.value, finding.target,
                         finding.verdict))
    widths = [min(max(len(row[i]) for row in rows), 70) for i in range(5)]
    out = []
    for index, row in enumerate(rows):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write_section(path: Path, backend: str, body: str) -> None:
    """Replace this backend's generated section of the document, keeping everything else."""
    begin, end = f"<!-- bench:{backend} begin -->", f"<!-- bench:{backend} end -->"
    block = f"{begin}\n{body}{end}"
    text = path.read_text() if path.exists() else "# Performance\n\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
