"""The one way a Dash callback turns a refusal into what the person sees.

A service refuses with a ``DomainError`` (``kcstat_dash/services/errors.py``), whose message is
already written to be shown; callbacks catch ``DomainError`` and show ``message_for(error)``
instead of mapping each exception type to words of their own. The JSON API shows the same
message (``kcstat_dash/web/routes/json_errors.py``), in the request's language as here.
"""

from __future__ import annotations

from kcstat_dash.services.errors import DomainError

__all__ = ["DomainError", "message_for"]


def message_for(error: DomainError) -> str:
    """The words to show for ``error``: its own message, which every surface shares, in the
    page's language."""
    return error.said()
