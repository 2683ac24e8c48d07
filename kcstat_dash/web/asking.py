"""How a web request asks, votes, cites and is recognised: one path for the page and the API.

A client is a browser (its server-issued, signed id: ``browser_ids``) or, without a valid one,
its network address. Every action takes its rate-limit slot here, per client and per address,
whether it came from a Dash callback or the JSON API. Keys are hashed with the secret key so
that neither ids nor addresses are stored as they came. Each action is one
``db.transaction()``: stored whole, or (on any refusal) not at all.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request

from kcstat_dash.models import Citation, Question
from kcstat_dash.services import citations, own_questions, questions, rate_limits
from kcstat_dash.services.public_input import record_id
from kcstat_dash.web import browser_ids
from kcstat_dash.web.extensions import db, limiter


def _hash(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}:{kind}:{value}".encode()).hexdigest()


def _address_key() -> str:
    return _hash("address", request.remote_addr or "")


def client_key(browser_id: object = None) -> str:
    """Who is asking: the signed browser id when there is one, else the network address."""
    browser = browser_ids.current(browser_id)
    return _hash("browser", browser) if browser else _address_key()


def voter_key(browser_id: object = None) -> str:
    """One "me too" per browser; a client without a signed id has one per address, so made-up
    ids add nothing."""
    browser = browser_ids.current(browser_id)
    return _hash("voter", browser) if browser else _hash("voter-address",
                                                           request.remote_addr or "")


def _take(action: str, key: str) -> None:
    settings = current_app.extensions["kcstat_settings"]
    limits = {"question": settings.question_limits, "vote": settings.vote_limits,
              "citation": settings.citation_limits}[action]
    rate_limits.take_slot(limiter.limiter, action, limits, key, _address_key())


def ask(*, browser_id: object = None, **fields) -> Question:
    """Rate-limit the client, store the question and commit; nothing is stored on refusal."""
    questions.check_submission(**fields)  # malformed input costs no rate-limit slot
    key = client_key(browser_id)
    with db.transaction() as session:
        _take("question", key)
        return questions.submit_question(session, client_key=key, **fields)


def upvote(question_id: object, browser_id: object = None) -> tuple[int, bool]:
    """Rate-limit the client, record its "me too" and commit: the new count, and whether this
    vote was new."""
    question_id = record_id(question_id)
    with db.transaction() as session:
        questions.votable(session, question_id)  # refused before it costs a slot
        _take("vote", client_key(browser_id))
        return questions.upvote(session, question_id, voter_key(browser_id))


def own(question_ids: object, meeting_id: object = None) -> list[dict]:
    """The questions among ``question_ids`` this client asked (its browser id, or address)."""
    return own_questions.own_questions(db.session, question_ids, client_key(), meeting_id)


def withdraw(question_id: object) -> Question:
    """Withdraw a pending question this client asked, and commit; ``QuestionRejected`` (and
    nothing changed) when it is not this client's or no longer pending."""
    with db.transaction() as session:
        return own_questions.withdraw(session, question_id, client_key())


def cite(measure: object, period: object) -> Citation:
    """Rate-limit the client, create the citation and commit. Input errors
    (``citations.CitationInputError`` and the rest) are raised before any slot is taken."""
    with db.transaction() as session:
        citation = citations.prepare_citation(session, measure, period)
        _take("citation", client_key())
        session.add(citation)
        session.flush()
        return citation
