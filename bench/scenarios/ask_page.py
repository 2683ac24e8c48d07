"""(f) The compressed bytes a phone downloads on its first visit to the ask page."""

from __future__ import annotations

from bench import protocol
from bench.browser import chromium_available, first_visit
from bench.findings import ScenarioResult

TARGET_KB = 500


def run(context) -> ScenarioResult:
    result = ScenarioResult("f", "(f) ask page, first visit on a phone")
    if not chromium_available():
        result.skipped = "Chromium is not installed at /usr/bin/chromium"
        return result
    path = context.ask_path or protocol.ask_page_path(context.meeting_id)
    weight = first_visit(context.app.url, path,
                        wait_for=None if context.ask_path else protocol.ASK_FORM_SELECTOR)
    plotly = [url for url, _, _ in weight.resources if "plotly" in url.rsplit("/", 1)[-1].lower()]
    kilobytes = weight.encoded_bytes / 1000
    result.add("transferred (compressed, headers included)", f"{kilobytes:.0f} KB",
               f"< {TARGET_KB} KB", kilobytes < TARGET_KB)
    result.add("unpacked", f"{weight.decoded_bytes / 1000:.0f} KB")
    result.add("requests", str(len(weight.resources)))
    result.add("plotly.js loaded", "yes" if plotly else "no", "no", not plotly)
    result.method = (
        f"Chromium ({'/usr/bin/chromium'}) through Playwright, as a phone (393×851, mobile, "
        f"touch) with an empty cache, opens `{path}` and waits until the ask form is shown and "
        "the network is idle; the sum is Chromium's `encodedDataLength` of every response "
        "(bytes on the wire, headers included).")
    heaviest = sorted(weight.resources, key=lambda r: -r[1])[:8]
    result.details.append("heaviest: " + "; ".join(
        f"{url.split('?')[0].rsplit('/', 1)[-1] or url} {encoded / 1000:.0f} KB" for url, encoded, _
        in heaviest))
    return result
