"""The six KCStat goal areas, in the city's order."""

from __future__ import annotations

from dataclasses import dataclass

from kcstat_dash.i18n import N_


@dataclass(frozen=True)
class AreaDefinition:
    """Name and description in English, marked for the catalog: pages show ``gettext(name)``."""

    slug: str
    name: str
    description: str


AREAS: tuple[AreaDefinition, ...] = (
    AreaDefinition("neighborhoods", N_("Neighborhoods and Healthy Communities"),
                   N_("Code enforcement, trash and recycling, public health and housing.")),
    AreaDefinition("finance", N_("Finance and Governance"),
                   N_("How the city manages its money and how residents rate its leadership.")),
    AreaDefinition("infrastructure", N_("Infrastructure and Transportation"),
                   N_("Streets, potholes, street lights, water and sewers.")),
    AreaDefinition("economic-development", N_("Economic Development"),
                   N_("Jobs, development and the city's image.")),
    AreaDefinition("public-safety", N_("Public Safety"),
                   N_("Police, fire, animal health and abandoned vehicles.")),
    AreaDefinition("customer-service", N_("Customer Service"),
                   N_("311 responsiveness and satisfaction with city services.")),
)

AREA_BY_NAME = {a.name: a for a in AREAS}
