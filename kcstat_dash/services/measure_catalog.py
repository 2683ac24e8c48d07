"""Every measure computed from 311 data, declared once: which requests, which statistic, target."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcstat_dash.i18n import N_
from kcstat_dash.services.statistics import (
    COUNT,
    MEDIAN_DAYS_TO_CLOSE,
    ON_TIME_RATE,
    Statistic,
)

Values = tuple[str, ...]
# The last sentence of every definition (the survey's and the police measures' too).
BETTER = {"higher": N_("Higher is better."), "lower": N_("Lower is better.")}


@dataclass(frozen=True)
class RequestFilter:
    """Which requests a measure counts: those matching any one of its rules.

    A rule maps ``ServiceRequest`` columns (category, type, department, ...) to the values
    allowed, and a request matches it when every listed column has one of its values. The
    city recoded its requests in 2015 (broad CATEGORY, the specific kind moved to TYPE), so a
    measure that spans the years lists the old coding and the new one as separate rules. No
    rules means every request.
    """

    rules: tuple[tuple[tuple[str, Values], ...], ...] = field(default_factory=tuple)

    @classmethod
    def where(cls, *rules: dict[str, str | Values]) -> RequestFilter:
        """``RequestFilter.where({"category": "Water", "type": ("Leak",)}, {...})``."""
        return cls(tuple(
            tuple((column, (values,) if isinstance(values, str) else tuple(values))
                  for column, values in rule.items())
            for rule in rules))

    def describe(self) -> str:
        if not self.rules:
            return "all 311 requests"
        parts = [" and ".join(f"{column.upper().replace('_', ' ')} is "
                              + " or ".join(f"“{v}”" for v in values)
                              for column, values in rule) for rule in self.rules]
        return "requests whose " + "; or whose ".join(parts)


@dataclass(frozen=True)
class MeasureDefinition:
    slug: str
    name: str
    area: str  # an area slug from services.areas
    statistic: Statistic
    what: str  # the requests in plain words, e.g. "pothole requests"
    requests: RequestFilter
    direction: str  # "higher" or "lower" is better
    target: float | None = None
    hashtag: str | None = None

    @property
    def unit(self) -> str:
        return self.statistic.unit

    def _better(self) -> str:
        return BETTER[self.direction]

    def definition_text(self) -> str:
        """The definition in plain words, for every reader."""
        return f"{self.statistic.describe(self.what)} {self._better()}"

    def rule_text(self) -> str:
        """The exact field rule, for analysts checking the number against the export."""
        return f"{self.statistic.rule(self.requests.describe())} {self._better()}"


# Each filter below was checked against the city's exports (2007-2020, both codings); the
# comments give the spellings found and why some requests are left out.
POTHOLES = RequestFilter.where({"type": "Pothole"}, {"category": "Pothole"})  # as specified
# Property maintenance violations on private property (NHS code enforcement). Board-ups and
# dangerous buildings are measured on their own below.
CODE_ENFORCEMENT = RequestFilter.where(
    {"category": "Property Violations", "type": "Private Property"},
    {"category": ("Nuisance Violations", "Property & Nuisance Violations")},
    {"category": "Property / Buildings / Construction", "type": "Property Maintenance"})
# The collection service: missed trash, recycling, bulky items, leaf and brush, carts. Dead
# animal pickup, dumping and nuisance trash on private property are other work.
TRASH = RequestFilter.where(
    {"category": "Trash", "type": ("City", "Recycle", "Bulky", "Roll-out Cart", "Leaf & Brush")},
    {"category": "Bulky Appointment"},
    {"category": "Trash / Recycling", "type": ("Trash Collection", "Trash", "Recycling",
                                               "Bulky Pick Up", "Leaf / Brush", "Trash Cart")})
ILLEGAL_DUMPING = RequestFilter.where({"category": "Trash", "type": "Illegal Dumping"},
                                      {"category": "Trash / Recycling", "type": "Dumping"})
# Leaks and repairs on the water system; restoration after a repair, billing and meter
# administration are follow-ups with other timeframes.
WATER_LEAKS = RequestFilter.where(
    {"category": "Water Leak", "type": ("All", "Investigations", "Repair", "Pipeline Repair",
                                        "Hydrant Repair", "Valve Repair", "Water Main Repair",
                                        "Curb Box", "Icing")},
    {"category": "Water Main Break"},
    {"category": "Water", "type": ("Leak", "No Water / Pressure")})
# Sewers and storm drains; referrals to other agencies are not the city's work to time.
SEWERS = RequestFilter.where(
    {"category": ("Sewer", "Storm Water")},
    {"category": "Storm Water / Sewer", "type": ("Storm Drain / Catch Basin", "Sewer Backup / Leak",
                                                 "Sewer Odor", "Manhole", "Sinkhole")})
STREET_LIGHTS = RequestFilter.where({"category": "Street Light"},
                                    {"category": "Lights / Signals", "type": "Street Light"})
# Animal control (NHS): strays, bites, cruelty, wildlife. Rodents and insects are the Health
# department's, and dead animal pickup was Public Works' (under Trash) until 2015.
ANIMALS = RequestFilter.where(
    {"category": "Animal", "type": ("Owned or Stray at Large", "Stray Confined", "Other",
                                    "Emergency", "Injury or Cruelty involving an Animal",
                                    "Investigation", "Wildlife", "Barking Dog", "Bite",
                                    "Return Call to Citizen")},
    {"category": "Animals / Pets", "type": ("Stray", "Cruelty or Neglect", "Wildlife", "Bite",
                                            "Questionable Activity", "Services",
                                            "Permit / License")})
ABANDONED_VEHICLES = RequestFilter.where(
    {"category": "Vehicle", "type": "Abandoned"},
    {"category": "Vehicles / Parking", "type": "Abandoned On Street"})
# Board-ups were coded under Property Violations until 2015; dangerous building cases
# continue under Property / Buildings / Construction.
DANGEROUS_BUILDINGS = RequestFilter.where(
    {"category": "Property Violations", "type": "Board Up"},
    {"category": "Property / Buildings / Construction", "type": "Dangerous Building"})

# Targets are KCStat Dash's starting values, not adopted city targets: analysts set the city's
# own through the stewardship screen, and the history of targets is kept.
ALL_REQUESTS = RequestFilter()

CATALOG: tuple[MeasureDefinition, ...] = (
    MeasureDefinition("311-requests", N_("311 requests received"), "customer-service",
                      COUNT, N_("311 requests"), ALL_REQUESTS, "lower"),
    MeasureDefinition("311-on-time-rate", N_("311 requests closed on time"), "customer-service",
                      ON_TIME_RATE, N_("311 requests"), ALL_REQUESTS, "higher", target=80.0),
    MeasureDefinition("311-median-days-to-close", N_("Median days to close a 311 request"),
                      "customer-service", MEDIAN_DAYS_TO_CLOSE, N_("311 requests"), ALL_REQUESTS,
                      "lower", target=7.0),
    MeasureDefinition("pothole-on-time-rate", N_("Pothole requests closed on time"),
                      "infrastructure", ON_TIME_RATE, N_("pothole requests"), POTHOLES, "higher",
                      target=80.0, hashtag="potholes"),
    MeasureDefinition("pothole-requests", N_("Pothole requests received"), "infrastructure",
                      COUNT, N_("pothole requests"), POTHOLES, "lower"),
    MeasureDefinition("streetlight-on-time-rate", N_("Street light requests closed on time"),
                      "infrastructure", ON_TIME_RATE, N_("street light requests"), STREET_LIGHTS,
                      "higher", target=80.0),
    MeasureDefinition("water-median-days-to-close", N_("Median days to close a water leak request"),
                      "infrastructure", MEDIAN_DAYS_TO_CLOSE, N_("water leak requests"),
                      WATER_LEAKS, "lower", target=5.0),
    MeasureDefinition("sewer-on-time-rate", N_("Sewer and storm drain requests closed on time"),
                      "infrastructure", ON_TIME_RATE, N_("sewer and storm drain requests"), SEWERS,
                      "higher", target=80.0),
    MeasureDefinition("code-enforcement-on-time-rate", N_("Code violation cases closed on time"),
                      "neighborhoods", ON_TIME_RATE, N_("code violation cases"), CODE_ENFORCEMENT,
                      "higher", target=70.0, hashtag="codeenforcement"),
    MeasureDefinition("code-enforcement-median-days",
                      N_("Median days to close a code violation case"),
                      "neighborhoods", MEDIAN_DAYS_TO_CLOSE, N_("code violation cases"),
                      CODE_ENFORCEMENT, "lower", target=30.0),
    MeasureDefinition("trash-on-time-rate", N_("Trash and recycling requests closed on time"),
                      "neighborhoods", ON_TIME_RATE, N_("trash and recycling requests"), TRASH,
                      "higher", target=90.0),
    MeasureDefinition("illegal-dumping-on-time-rate", N_("Illegal dumping requests closed on time"),
                      "neighborhoods", ON_TIME_RATE, N_("illegal dumping requests"),
                      ILLEGAL_DUMPING, "higher", target=80.0),
    MeasureDefinition("animal-on-time-rate", N_("Animal control requests closed on time"),
                      "public-safety", ON_TIME_RATE, N_("animal control requests"), ANIMALS,
                      "higher", target=80.0),
    MeasureDefinition("abandoned-vehicle-median-days",
                      N_("Median days to close an abandoned vehicle request"), "public-safety",
                      MEDIAN_DAYS_TO_CLOSE, N_("abandoned vehicle requests"), ABANDONED_VEHICLES,
                      "lower", target=10.0),
    MeasureDefinition("board-up-on-time-rate", N_("Dangerous building requests closed on time"),
                      "public-safety", ON_TIME_RATE, N_("dangerous building requests"),
                      DANGEROUS_BUILDINGS, "higher", target=80.0),
)
