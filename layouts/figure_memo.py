"""Figures built once per data version and language, and kept in this process's memory.

A chart's figure is a pure function of the data it draws; building one (plotly's validation of
every trace) costs a meeting page most of its build. A figure that names the data version its
numbers came from (services/data_version.py, changed by every write to the numbers) can be kept
under ``(kind, args, data_version, language)``: ``args`` names everything else the figure
draws (a measure, its flag counts, a height). Figures without a data version (pages built from
small dicts in tests) are built every time. Kept as plain dicts, which Dash serialises faster
than figure objects and which no caller can change by accident (``copy`` on the way out).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_FIGURES = 512  # a few areas' measures at a few flag states; each is tens of KB

_lock = threading.Lock()
_figures: OrderedDict[tuple, dict] = OrderedDict()


def cached(kind: str, args: Hashable, data_version: Hashable | None, build: Callable[[], dict],
           language: str = "en") -> dict:
    """The figure ``build()`` makes for ``(kind, args)`` at ``data_version`` in ``language``.

    ``data_version`` is ``services.data_version.token`` (the version and its database)."""
    if data_version is None:
        return build()
    key = (kind, args, data_version, language)
    with _lock:
        found = _figures.get(key)
        if found is not None:
            _figures.move_to_end(key)
    if found is None:
        found = build()
        with _lock:
            _figures[key] = found
            while len(_figures) > MAX_FIGURES:
                _figures.popitem(last=False)
    # Shallow per level Dash might touch: the figure's layout and data lists are not mutated by
    # Dash, but a caller adjusting a cached figure must not change everyone's.
    return copy.copy(found)


def clear() -> None:
    with _lock:
        _figures.clear()
