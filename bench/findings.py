"""One measured result, with the target it is held to, as the report prints it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    scenario: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None  # None: no target for this line

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


@dataclass
class ScenarioResult:
    """What one scenario found, and how it was done (printed under the table)."""

    key: str
    title: str
    findings: list[Finding] = field(default_factory=list)
    method: str = ""
    details: list[str] = field(default_factory=list)
    skipped: str | None = None

    def add(self, measure: str, value: str, target: str = "", met: bool | None = None) -> None:
        self.findings.append(Finding(self.title, measure, value, target, met))
