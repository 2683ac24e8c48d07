"""The public app speaks English and Spanish: chosen by the browser or by one tap, remembered,
said in <html lang>, and every public string has its Spanish in the catalog (checked in CI)."""

from __future__ import annotations

import pytest

from kcstat_dash import catalogs, i18n
from kcstat_dash.services import formatting
from kcstat_dash.web.language import COOKIE, choose


def _html_lang(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index("<html lang=\"") + len("<html lang=\"")
    return page[start:page.index("\"", start)]


@pytest.mark.parametrize(("header", "expected"), [
    (None, "en"), ("es-MX,es;q=0.9,en;q=0.5", "es"), ("es", "es"), ("fr-FR,fr", "en"),
    ("fr;q=1,es;q=0.8,en;q=0.5", "es"), ("en-US,en;q=0.9,es;q=0.8", "en"),
])
def test_the_browser_language_decides_without_a_choice(header, expected):
    assert choose(None, header) == expected


def test_a_remembered_choice_beats_the_browser():
    assert choose("es", "en-US") == "es"
    assert choose("en", "es-MX") == "en"
    assert choose("klingon", "es") == "es"  # a cookie naming nothing we have is ignored


def test_the_page_says_its_language(client):
    assert _html_lang(client.get("/")) == "en"
    assert _html_lang(client.get("/", headers={"Accept-Language": "es-MX,es"})) == "es"


def test_one_tap_switches_and_is_remembered(client):
    answer = client.get("/lang/es", headers={"Referer": "http://localhost/areas/finance?x=1"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/areas/finance?x=1")
    cookie = client.get_cookie(COOKIE)
    assert cookie.value == "es" and cookie.max_age and cookie.max_age > 300 * 24 * 3600
    # An English browser now gets Spanish, until it switches back.
    assert _html_lang(client.get("/", headers={"Accept-Language": "en-US"})) == "es"
    client.get("/lang/en")
    assert _html_lang(client.get("/", headers={"Accept-Language": "es"})) == "en"


def test_the_switch_never_sends_anyone_elsewhere(client):
    for referrer in ("https://evil.example/phish", "//evil.example/x", "javascript:alert(1)"):
        answer = client.get("/lang/es", headers={"Referer": referrer})
        assert answer.headers["Location"] in ("/", "http://localhost/")


def test_an_unknown_language_changes_nothing(client):
    client.get("/lang/xx")
    assert client.get_cookie(COOKIE) is None


def test_the_layout_is_made_in_the_request_language(client):
    spanish = client.get("/_dash-layout", headers={"Accept-Language": "es"}).get_json()
    english = client.get("/_dash-layout", headers={"Accept-Language": "en"}).get_json()
    assert "Saltar al contenido principal" in str(spanish)
    assert "Skip to main content" in str(english)
    # Each page offers the other language, named in that language and marked as it.
    assert "'href': '/lang/en'" in str(spanish) and "'lang': 'en'" in str(spanish)
    assert "'href': '/lang/es'" in str(english) and "'lang': 'es'" in str(english)


def test_pages_vary_by_language_for_caches(client):
    vary = client.get("/").headers.get("Vary", "")
    assert "Accept-Language" in vary and "Cookie" in vary


def test_values_are_written_the_language_s_way():
    # Spanish writes a decimal comma, groups thousands with a point and names months in lower
    # case (Babel's CLDR data for "es").
    with i18n.using("es"):
        assert formatting.format_value(4.5, "days") == "4,5 días"
        assert formatting.format_value(1, "days") == "1 día"
        assert formatting.format_value(66.7, "percent") == "66,7 %"
        assert formatting.counted(12345) == "12.345 solicitudes"
        assert formatting.period_label("2019-03") == "marzo de 2019"
    assert formatting.counted(12345) == "12,345 requests"
    assert formatting.period_label("2019-03") == "March 2019"
    assert i18n.language() == "en"  # the block did not leak


@pytest.mark.parametrize(("value", "english", "spanish"), [
    (999, "999", "999"), (1000, "1,000", "1000"), (9999, "9,999", "9999"),
    (10000, "10,000", "10.000"), (1234567, "1,234,567", "1.234.567"), (-2500, "-2,500", "-2500"),
])
def test_thousands_are_grouped_from_the_digits_the_language_groups_from(value, english, spanish):
    # CLDR: English groups from four whole digits; Spanish (minimumGroupingDigits 2) from five,
    # so a four-digit number is written whole.
    assert formatting.number(value) == english
    with i18n.using("es"):
        assert formatting.number(value) == spanish
        assert formatting.counted(value).startswith(spanish + " ")


def test_every_public_string_is_translated():
    assert catalogs.problems() == []


def test_the_first_html_is_titled_in_the_language(client):
    spanish = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with i18n.using("es"):
        title = i18n.gettext("KCStat Dash — Kansas City performance measures")
    assert f"<title>{title}</title>" in spanish and title not in english
    assert "<title>KCStat Dash — Kansas City performance measures</title>" in english
