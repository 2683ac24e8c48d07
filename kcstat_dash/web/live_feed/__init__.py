"""The live feed's poll: a WSGI handler in front of Flask (``poll``) and its own connections.

The feed a poll carries is rendered by ``callbacks/rendered_feeds.py`` (it draws with
``layouts.qa_feed``, so it sits above the layouts); the app factory hands it to the poll.
"""
