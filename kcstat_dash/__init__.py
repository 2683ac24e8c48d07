"""KCStat Dash: Kansas City's performance measures beside a moderated public Q&A feed."""

__version__ = "0.1.0"
