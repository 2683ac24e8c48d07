"""The Flask side of KCStat Dash: the app factory, extensions, routes and the live feed's poll.

The domain (the rest of ``kcstat_dash``) never imports this package; this package imports the
domain, and only the app factory (``app.py``) reaches up to the UI packages, ``layouts`` and
``callbacks``, to put the Dash pages on the server.
"""
