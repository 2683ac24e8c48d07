"""X (Twitter) as a social source: API v2 recent search through tweepy, one page per call."""

from __future__ import annotations

import html
from datetime import datetime

import requests
import tweepy

from kcstat_dash.services.social.source import (
    CursorRejected,
    Page,
    Post,
    RateLimited,
    SocialSource,
    SourceFatal,
    SourceMalformed,
    SourceUnavailable,
)

TWEET_FIELDS = ["created_at", "author_id", "edit_history_tweet_ids", "note_tweet", "lang"]
REQUEST_TIMEOUT = 30  # seconds; tweepy sets none, and a hung socket must not stall the worker


class _TimeoutSession(requests.Session):
    """A requests session with a default timeout (tweepy's client uses a plain session)."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return super().request(*args, **kwargs)


class XSource(SocialSource):
    """Recent search (the last seven days) for a query such as ``#KCStat -is:retweet``."""

    name = "x"

    def __init__(self, bearer_token: str, query: str, max_results: int = 100):
        # return_type=dict: the JSON as X sent it, so that a malformed page is ours to judge;
        # wait_on_rate_limit=False: the ingestion loop waits, with a clock tests can drive.
        self.client = tweepy.Client(bearer_token=bearer_token, return_type=dict,
                                    wait_on_rate_limit=False)
        self.client.session = _TimeoutSession()
        self.query = query
        self.max_results = max_results

    def fetch(self, since_id: str | None, page_token: str | None) -> Page:
        try:
            body = self.client.search_recent_tweets(
                self.query, since_id=since_id, next_token=page_token,
                max_results=self.max_results, tweet_fields=TWEET_FIELDS,
                expansions=["author_id"], user_fields=["username"])
        except tweepy.TooManyRequests as exc:
            raise RateLimited("X rate limit reached (429 Too Many Requests)",
                              exc.reset_time) from exc
        except tweepy.Unauthorized as exc:
            raise SourceFatal("X rejected the bearer token (401 Unauthorized): check "
                              "X_BEARER_TOKEN.") from exc
        except tweepy.Forbidden as exc:
            raise SourceFatal(_forbidden_message(exc.response)) from exc
        except tweepy.BadRequest as exc:
            raise _bad_request(exc, since_id, page_token) from exc
        except tweepy.TwitterServerError as exc:
            raise SourceUnavailable(f"X is having trouble ({_status(exc)}); will retry.") from exc
        except tweepy.HTTPException as exc:
            raise SourceUnavailable(f"X answered {_status(exc)}.") from exc
        except requests.JSONDecodeError as exc:
            raise SourceMalformed("X sent a malformed response (not JSON).") from exc
        except requests.RequestException as exc:
            raise SourceUnavailable(f"Could not reach X: {exc.__class__.__name__}: {exc}") from exc
        return parse_search_page(body)


def _status(exc: tweepy.HTTPException) -> str:
    return f"{exc.response.status_code} {exc.response.reason}"


def _problem(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _forbidden_message(response) -> str:
    problem = _problem(response)
    if problem.get("reason") == "client-not-enrolled":
        return ("X refused the request (403 client-not-enrolled): the bearer token's app is not "
                "enrolled for recent search. Attach the app to a Project with an access level "
                "that includes GET /2/tweets/search/recent in the X developer portal"
                + (f" ({problem['registration_url']})" if problem.get("registration_url") else "")
                + ".")
    detail = problem.get("detail") or "; ".join(
        e.get("message", "") for e in problem.get("errors", []) if isinstance(e, dict))
    return ("X refused the request (403 Forbidden): the credentials may not use recent search"
            + (f": {detail}" if detail else ".") )


def _bad_request(exc: tweepy.BadRequest, since_id: str | None, page_token: str | None):
    problem = _problem(exc.response)
    parameters: set[str] = set()
    for error in problem.get("errors", []):
        if isinstance(error, dict) and isinstance(error.get("parameters"), dict):
            parameters.update(error["parameters"])
    messages = "; ".join(exc.api_messages) or problem.get("detail") or "400 Bad Request"
    if page_token and parameters & {"next_token", "pagination_token"}:
        return CursorRejected(f"X refused the saved page token ({messages}).", "page_token")
    if since_id and "since_id" in parameters:
        return CursorRejected(f"X refused the saved since_id ({messages}).", "since_id")
    return SourceFatal(f"X refused the search (400 Bad Request): {messages}. "
                       "Check KCSTAT_SOCIAL_QUERY.")


def parse_search_page(body) -> Page:
    """Normalise one recent-search response; a page that is not shaped like X's is refused."""
    if not isinstance(body, dict) or not isinstance(body.get("meta"), dict):
        raise SourceMalformed("X sent a malformed response (no meta object).")
    meta = body["meta"]
    tweets = body.get("data", [])
    users = (body.get("includes") or {}).get("users", [])
    if not isinstance(tweets, list) or not isinstance(users, list):
        raise SourceMalformed("X sent a malformed response (data or includes.users not a list).")
    handles = {u.get("id"): u.get("username") for u in users if isinstance(u, dict)}
    posts = [_post(tweet, handles) for tweet in tweets]
    if posts and not (meta.get("newest_id") and meta.get("oldest_id")):
        raise SourceMalformed("X sent a malformed response (posts without newest_id/oldest_id).")
    # Partial errors (a deleted author, say) come beside the data; they are worth a log line.
    warnings = [e.get("detail") or e.get("title") or str(e)
                for e in body.get("errors", []) if isinstance(e, dict)]
    return Page(posts=posts, newest_id=meta.get("newest_id"), oldest_id=meta.get("oldest_id"),
                next_token=meta.get("next_token"), warnings=warnings)


def _post(tweet, handles: dict) -> Post:
    try:
        post_id = str(tweet["id"])
        text = (tweet.get("note_tweet") or {}).get("text") or tweet["text"]
        posted_at = datetime.fromisoformat(tweet["created_at"].replace("Z", "+00:00"))
        history = [str(i) for i in tweet.get("edit_history_tweet_ids") or [post_id]]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise SourceMalformed(f"X sent a malformed post ({exc.__class__.__name__}: {exc}): "
                                f"{str(tweet)[:200]}") from exc
    if not post_id.isdigit() or posted_at.tzinfo is None or not isinstance(text, str):
        raise SourceMalformed(f"X sent a malformed post: {str(tweet)[:200]}")
    handle = handles.get(tweet.get("author_id"))
    # X escapes &, < and > in post text; the Q&A stores plain text and escapes on display.
    url = (f"https://x.com/{handle}/status/{post_id}" if handle
           else f"https://x.com/i/web/status/{post_id}")
    return Post(id=post_id, root_id=history[0], text=html.unescape(text), posted_at=posted_at,
                author_handle=handle, url=url, language=tweet.get("lang"))
