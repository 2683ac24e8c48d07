"""The six KCStat goal areas, in the city's order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaDefinition:
    slug: str
    name: str
    description: str


AREAS: tuple[AreaDefinition, ...] = (
    AreaDefinition("neighborhoods", "Neighborhoods and Healthy Communities",
                   "Code enforcement, trash and recycling, public health and housing."),
    AreaDefinition("finance", "Finance and Governance",
                   "How the city manages its money and how residents rate its leadership."),
    AreaDefinition("infrastructure", "Infrastructure and Transportation",
                   "Streets, potholes, street lights, water and sewers."),
    AreaDefinition("economic-development", "Economic Development",
                   "Jobs, development and the city's image."),
    AreaDefinition("public-safety", "Public Safety",
                   "Police, fire, animal health and abandoned vehicles."),
    AreaDefinition("customer-service", "Customer Service",
                   "311 responsiveness and satisfaction with city services."),
)

AREA_BY_NAME = {a.name: a for a in AREAS}
