"""Values read as a person would say them: units, rounding, and one day, not "1 days"."""
import pytest

from kcstat_dash.services.formatting import format_value


@pytest.mark.parametrize("value, unit, expected", [
    (1.0, "days", "1 day"),
    (1.04, "days", "1.0 days"),
    (0.0, "days", "0 days"),
    (2.0, "days", "2 days"),
    (4.56, "days", "4.6 days"),
    (66.6667, "percent", "66.7%"),
    (50.0, "percent", "50%"),
    (1234.0, "count", "1,234"),
    (None, "days", "no data"),
])
def test_values_read_as_spoken(value, unit, expected):
    assert format_value(value, unit) == expected
