"""The site's public base URL for absolute links: ``KCSTAT_PUBLIC_URL``, never the Host header.

A client chooses the Host header it sends, so a link built from it (in a calendar feed, a
citation, a packet) could point anywhere. Production refuses to start without the setting
(``Settings.check_can_serve``); local runs link to the local address.
"""

from __future__ import annotations

from flask import current_app


def public_base_url() -> str:
    return current_app.extensions["kcstat_settings"].public_url
