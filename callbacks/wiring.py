"""Callbacks defined at module level, put on every app the factory builds.

Dash's own ``dash.callback`` collects callbacks in one global list that the first app set up
takes and empties, while the tests build many apps in one process. So a page's module keeps its
own ``Callbacks`` list, decorates plain module-level functions with it, and the app factory
(through ``callbacks.register``) hands the list to each app. The functions stay importable and
callable as they are written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash


class Callbacks:
    """One page's callbacks, in the order they were defined."""

    def __init__(self) -> None:
        self._entries: list[Callable[[dash.Dash], None]] = []

    def callback(self, *args: Any, **kwargs: Any) -> Callable[[Callable], Callable]:
        """Like ``app.callback`` (dict ``output``/``inputs``/``state`` too); the function is
        returned unchanged."""
        def add(function: Callable) -> Callable:
            self._entries.append(lambda app: app.callback(*args, **kwargs)(function))
            return function
        return add

    def clientside(self, function: dash.ClientsideFunction, *args: Any, **kwargs: Any) -> None:
        """Like ``app.clientside_callback``: a function of a script in assets/."""
        self._entries.append(
            lambda app: app.clientside_callback(function, *args, **kwargs))

    def register(self, app: dash.Dash) -> None:
        for add_to in self._entries:
            add_to(app)
