"""The rules that place a post: which meeting gets it, which measure it names, its text."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from kcstat_dash.models import Meeting
from kcstat_dash.services.meetings import MEETING_LENGTH
from kcstat_dash.services.questions import MAX_LENGTH
from kcstat_dash.services.social.source import newer_id
from kcstat_dash.services.social.store import measure_named, meeting_for, normalise_text
from kcstat_dash.services.social.x import parse_search_page
from tests.social.conftest import utc
from tests.social.x_api import fixture

JUNE = utc(2026, 6, 17, 23, 30)


def meeting(start, end=None, status="scheduled", title="m") -> Meeting:
    return Meeting(title=title, starts_at=start, ends_at=end, status=status)


def test_a_post_during_a_meeting_goes_to_it():
    june = meeting(JUNE, JUNE + timedelta(hours=2), "ended", "june")
    july = meeting(JUNE + timedelta(days=28), title="july")
    assert meeting_for([july, june], JUNE + timedelta(minutes=30)).title == "june"


def test_a_meeting_marked_live_with_no_end_takes_posts_until_it_ends():
    june = meeting(JUNE, None, "live", "june")
    july = meeting(JUNE + timedelta(days=28), title="july")
    assert meeting_for([june, july], JUNE + timedelta(hours=6)).title == "june"


def test_a_meeting_with_no_end_set_is_live_for_its_usual_length():
    june = meeting(JUNE, None, "ended", "june")
    july = meeting(JUNE + timedelta(days=28), title="july")
    minute = timedelta(minutes=1)
    assert meeting_for([june, july], JUNE + MEETING_LENGTH - minute).title == "june"
    assert meeting_for([june, july], JUNE + MEETING_LENGTH + minute).title == "july"


def test_a_post_between_meetings_goes_to_the_next_one_even_if_it_has_ended_since():
    may = meeting(JUNE - timedelta(days=28), JUNE - timedelta(days=28, hours=-2), "ended", "may")
    june = meeting(JUNE, JUNE + timedelta(hours=2), "ended", "june")
    july = meeting(JUNE + timedelta(days=28), title="july")
    assert meeting_for([may, june, july], JUNE - timedelta(days=3)).title == "june"


def test_a_post_after_the_last_meeting_goes_to_the_latest_and_none_means_none():
    june = meeting(JUNE, JUNE + timedelta(hours=2), "ended", "june")
    assert meeting_for([june], JUNE + timedelta(days=3)).title == "june"
    assert meeting_for([], JUNE) is None


POTHOLES = SimpleNamespace(slug="pothole-on-time-rate", hashtag="potholes")
REQUESTS = SimpleNamespace(slug="311-requests", hashtag=None)


@pytest.mark.parametrize("text, expected", [
    ("Why so slow on #potholes?", "pothole-on-time-rate"),
    ("WHY SO SLOW ON #POTHOLES", "pothole-on-time-rate"),
    ("what does pothole-on-time-rate count", "pothole-on-time-rate"),
    ("#potholesKC are everywhere", None),        # another hashtag that starts the same
    ("potholes everywhere", None),               # the word, not the hashtag
    ("is x311-requests a thing", None),          # the slug inside another word
    ("311-requests vs #potholes", "311-requests"),  # the first one named
    ("#potholes and 311-requests", "pothole-on-time-rate"),
])
def test_a_measure_is_named_by_its_slug_or_hashtag_as_a_whole_word(text, expected):
    from kcstat_dash.services.social.store import _measure_patterns

    found = measure_named(_measure_patterns([POTHOLES, REQUESTS]), text)
    assert (found.slug if found else None) == expected


def test_text_is_trimmed_and_long_posts_are_cut():
    assert normalise_text("  hello \n") == "hello"
    long = normalise_text("a" * 5000)
    assert len(long) == MAX_LENGTH and long.endswith("…")  # the web form's limit


def test_ids_compare_as_numbers_not_strings():
    assert newer_id("999", "1000") == "1000"
    assert newer_id(None, "5") == "5" and newer_id("5", None) == "5"


def test_a_long_post_uses_its_full_note_text():
    page = fixture("search_later.json")
    page["data"][0]["note_tweet"] = {"text": "x" * 400}
    assert parse_search_page(page).posts[0].text == "x" * 400


def test_an_empty_search_is_a_last_page_with_nothing_in_it():
    page = parse_search_page(fixture("search_empty.json"))
    assert (page.posts, page.newest_id, page.next_token) == ([], None, None)
