"""How a web request asks, votes and is recognised: the one path for the form and the API.

A client is a browser (the random id the page keeps in local storage) or, for API callers, the
network address. Keys are hashed with the secret key so that neither ids nor addresses are
stored as they came.
"""

from __future__ import annotations

import hashlib
import re

from flask import current_app, request
from sqlalchemy.orm import Session

from kcstat_dash.models import Question
from kcstat_dash.services import questions, rate_limits
from kcstat_dash.web.extensions import limiter

BROWSER_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")


def _hash(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}:{kind}:{value}".encode()).hexdigest()


def valid_browser_id(browser_id: object) -> str | None:
    return browser_id if isinstance(browser_id, str) and BROWSER_ID.match(browser_id) else None


def client_key(browser_id: object = None) -> str:
    """Who is asking: the browser when the page says which, else the network address."""
    browser = valid_browser_id(browser_id)
    return _hash("browser", browser) if browser else _hash("address", request.remote_addr or "")


def voter_key(browser_id: object) -> str | None:
    """One "me too" per browser: only a browser id counts, never a shared address."""
    browser = valid_browser_id(browser_id)
    return _hash("voter", browser) if browser else None


def ask(session: Session, *, browser_id: object = None, **fields) -> Question:
    """Rate-limit the client, store the question and commit; nothing is stored on refusal."""
    questions.check_submission(**fields)  # malformed input costs no rate-limit slot
    key = client_key(browser_id)
    settings = current_app.extensions["kcstat_settings"]
    try:
        rate_limits.take_question_slot(limiter.limiter, key, _hash("address", request.remote_addr
                                                                    or ""),
                                       client_limits=settings.question_rate_limits)
        question = questions.submit_question(session, client_key=key, **fields)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return question


def upvote(session: Session, question_id: int, browser_id: object) -> tuple[int, bool]:
    """Record this browser's "me too" and commit."""
    try:
        result = questions.upvote(session, question_id, voter_key(browser_id) or "")
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result
