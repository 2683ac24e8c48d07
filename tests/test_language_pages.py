"""The overview, area, measure, citation and packet pages in Spanish: Spanish words, values and
months written the Spanish way (Babel), the Spanish narrative or a note that there is none, and
citations that are the same citation whichever language they were made from."""

from __future__ import annotations

from datetime import UTC, datetime

from kcstat_dash import i18n
from kcstat_dash.services import citations


def test_a_citation_hashes_the_same_from_a_spanish_page(sample_session):
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    english = citations.prepare_citation(sample_session, "311-median-days-to-close", "2019-03",
                                         now=now)
    with i18n.using("es"):
        spanish = citations.prepare_citation(sample_session, "311-median-days-to-close",
                                             "2019-03", now=now)
    assert spanish.snapshot == english.snapshot
    assert spanish.content_hash == english.content_hash
    assert english.snapshot["period_label"] == "March 2019"
    assert english.snapshot["value_text"].endswith("days")
