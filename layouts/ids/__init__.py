"""Component ids, one module per page, each id spelled once.

A page's layout gives its components these ids, its callbacks (``callbacks/<page>.py``) listen
to them, and its script in ``assets/`` receives the ones it needs from the page itself, as JSON
in a ``data-<page>-ids`` attribute on the page's root element (``script_ids``): no inline
script, so nothing for the Content-Security-Policy to hash. Only these modules write an id as
a string; the test of each page's ids checks the layout uses every one of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping


def script_ids(page: str, ids: Mapping[str, str]) -> dict[str, str]:
    """The attribute handing ``page``'s script its ids: ``data-<page>-ids='{"name": "id"}'``."""
    return {f"data-{page}-ids": json.dumps(dict(ids), sort_keys=True)}
