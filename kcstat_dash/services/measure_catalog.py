"""Every measure computed from 311 data, declared once: which requests, which statistic, target."""

from __future__ import annotations

from dataclasses import dataclass, field

# How the 311 statistics are defined (by month of CREATION DATE):
#   count              number of matching requests created in the month
#   on_time_rate       percent with EXCEEDED EST TIMEFRAME = N, among those flagged Y or N
#   median_days_to_close  median DAYS TO CLOSE among requests with STATUS RESOL
STATISTICS = ("count", "on_time_rate", "median_days_to_close")
UNITS = {"count": "count", "on_time_rate": "percent", "median_days_to_close": "days"}


@dataclass(frozen=True)
class RequestFilter:
    """Which requests a measure counts: a request matches if any listed field has a listed value.

    Field names are ``ServiceRequest`` columns (category, type, department, ...). The city's
    coding changed over the years, so a filter lists every spelling the exports used. An empty
    filter matches every request.
    """

    any_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def describe(self) -> str:
        if not self.any_of:
            return "all 311 requests"
        parts = [f"{column.upper().replace('_', ' ')} is " + " or ".join(f"“{v}”" for v in values)
                 for column, values in self.any_of.items()]
        return "requests whose " + ", or whose ".join(parts)


@dataclass(frozen=True)
class MeasureDefinition:
    slug: str
    name: str
    area: str  # an area slug from services.areas
    statistic: str
    requests: RequestFilter
    direction: str  # "higher" or "lower" is better
    target: float | None = None
    hashtag: str | None = None

    @property
    def unit(self) -> str:
        return UNITS[self.statistic]

    def definition_text(self) -> str:
        what = self.requests.describe()
        if self.statistic == "count":
            text = f"Number of {what} created in the month (by CREATION DATE)."
        elif self.statistic == "on_time_rate":
            text = (f"Among the month's {what} (counting only those with an EXCEEDED EST "
                    "TIMEFRAME flag of Y or N), the percent flagged N: closed within the city's "
                    "estimated timeframe.")
        else:
            text = (f"Median DAYS TO CLOSE of the month's {what} that were resolved "
                    "(STATUS RESOL).")
        better = "Higher" if self.direction == "higher" else "Lower"
        return f"{text} {better} is better."


POTHOLES = RequestFilter({"type": ("Pothole",), "category": ("Pothole",)})
CODE_ENFORCEMENT = RequestFilter({"category": (
    "Property Violations", "Nuisance Violations", "Property & Nuisance Violations")})
TRASH = RequestFilter({"category": ("Trash", "Trash / Recycling", "Bulky Appointment")})
WATER = RequestFilter({"category": ("Water Leak", "Water", "Water Services")})
STREET_LIGHTS = RequestFilter({"category": ("Street Light",), "type": ("Street Light",)})
ANIMALS = RequestFilter({"category": ("Animal", "Animals / Pets")})
ABANDONED_VEHICLES = RequestFilter({"type": ("Abandoned On Street", "Abandoned")})
DANGEROUS_BUILDINGS = RequestFilter({"type": ("Board Up",)})

# Targets are KCStat Dash's starting values, not adopted city targets: analysts set the city's
# own through the stewardship screen, and the history of targets is kept.
CATALOG: tuple[MeasureDefinition, ...] = (
    MeasureDefinition("311-requests", "311 requests received", "customer-service", "count",
                      RequestFilter(), "lower"),
    MeasureDefinition("311-on-time-rate", "311 requests closed on time", "customer-service",
                      "on_time_rate", RequestFilter(), "higher", target=80.0),
    MeasureDefinition("311-median-days-to-close", "Median days to close a 311 request",
                      "customer-service", "median_days_to_close", RequestFilter(), "lower",
                      target=7.0),
    MeasureDefinition("pothole-on-time-rate", "Pothole requests closed on time", "infrastructure",
                      "on_time_rate", POTHOLES, "higher", target=80.0, hashtag="potholes"),
    MeasureDefinition("pothole-requests", "Pothole requests received", "infrastructure", "count",
                      POTHOLES, "lower"),
    MeasureDefinition("streetlight-on-time-rate", "Street light requests closed on time",
                      "infrastructure", "on_time_rate", STREET_LIGHTS, "higher", target=80.0),
    MeasureDefinition("water-median-days-to-close", "Median days to close a water request",
                      "infrastructure", "median_days_to_close", WATER, "lower", target=5.0),
    MeasureDefinition("code-enforcement-on-time-rate", "Code violation cases closed on time",
                      "neighborhoods", "on_time_rate", CODE_ENFORCEMENT, "higher", target=70.0,
                      hashtag="codeenforcement"),
    MeasureDefinition("code-enforcement-median-days", "Median days to close a code violation case",
                      "neighborhoods", "median_days_to_close", CODE_ENFORCEMENT, "lower",
                      target=30.0),
    MeasureDefinition("trash-on-time-rate", "Trash and recycling requests closed on time",
                      "neighborhoods", "on_time_rate", TRASH, "higher", target=90.0),
    MeasureDefinition("animal-on-time-rate", "Animal control requests closed on time",
                      "public-safety", "on_time_rate", ANIMALS, "higher", target=80.0),
    MeasureDefinition("abandoned-vehicle-median-days", "Median days to close an abandoned vehicle "
                      "request", "public-safety", "median_days_to_close", ABANDONED_VEHICLES,
                      "lower", target=10.0),
    MeasureDefinition("board-up-on-time-rate", "Dangerous building board-ups closed on time",
                      "public-safety", "on_time_rate", DANGEROUS_BUILDINGS, "higher", target=80.0),
)

CATALOG_BY_SLUG = {m.slug: m for m in CATALOG}
