"""The app's callbacks as Dash wires them: each property is written by one callback only."""

from __future__ import annotations

from collections import Counter


def _outputs(spec: dict) -> list[str]:
    """The properties one callback writes ("id.prop"), as Dash keys them in its callback list."""
    output = spec["output"]
    if output.startswith("..") and output.endswith(".."):
        return output[2:-2].split("...")
    return [output]


def test_no_property_is_written_by_two_callbacks(app):
    # Dash refuses such a pair only in debug mode; in production both run, and two callbacks
    # writing one store race each other (two feed polls did: the plain one advanced the page's
    # version, so the other never fetched the feed that version carried). A property that
    # several callbacks may write says so with allow_duplicate, which Dash marks with "@".
    written = Counter(output for spec in app._callback_list for output in _outputs(spec)
                      if "@" not in output)
    assert [output for output, count in written.items() if count > 1] == []
