"""Kansas City's time zone: times are stored in UTC and shown in America/Chicago."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("America/Chicago")


def to_local(moment: datetime) -> datetime:
    """A stored UTC time as Kansas City's wall-clock time."""
    return moment.astimezone(CITY_TZ)


def local_to_utc(moment: datetime) -> datetime:
    """A naive Kansas City wall-clock time (as the city's exports give it) in UTC."""
    return moment.replace(tzinfo=CITY_TZ).astimezone(UTC)


def format_local(moment: datetime, fmt: str = "%a %b %-d, %Y, %-I:%M %p %Z") -> str:
    return to_local(moment).strftime(fmt)
