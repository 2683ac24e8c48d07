"""Real Chromium (Debian's /usr/bin/chromium) through Playwright: page weight and Dash requests."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A mid-range phone: what most residents in the room will hold.
PHONE = {
    "viewport": {"width": 393, "height": 851},
    "device_scale_factor": 2.75,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"),
}


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


@dataclass
class PageWeight:
    """What the browser fetched for one first visit, as counted on the wire."""

    encoded_bytes: int = 0
    decoded_bytes: int = 0
    resources: list[tuple[str, int, int]] = field(default_factory=list)  # url, encoded, decoded
    text: str = ""

    def loaded(self, needle: str) -> bool:
        return any(needle in url for url, _, _ in self.resources)


def _launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def first_visit(base_url: str, path: str, settle_ms: int = 1500,
                wait_for: str | None = None) -> PageWeight:
    """Load ``path`` on a phone with an empty cache; sum Chromium's encoded transfer sizes."""
    from playwright.sync_api import sync_playwright

    weight = PageWeight()
    urls: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        decoded: dict[str, int] = {}

        def on_response(event):
            urls[event["requestId"]] = event["response"]["url"]

        def on_data(event):
            decoded[event["requestId"]] = decoded.get(event["requestId"], 0) + event["dataLength"]

        def on_finished(event):
            request_id = event["requestId"]
            weight.resources.append((urls.get(request_id, "?"), int(event["encodedDataLength"]),
                                     decoded.get(request_id, 0)))

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.dataReceived", on_data)
        cdp.on("Network.loadingFinished", on_finished)
        page.goto(base_url + path, wait_until="networkidle")
        if wait_for:
            page.wait_for_selector(wait_for, timeout=20000)
        # Dash loads some component code lazily after the first render: let that finish too.
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(settle_ms)
        weight.text = page.inner_text("body")
        browser.close()
    weight.encoded_bytes = sum(encoded for _, encoded, _ in weight.resources)
    weight.decoded_bytes = sum(size for _, _, size in weight.resources)
    return weight


def capture_dash_request(base_url: str, path: str, output_contains: str,
                         timeout_s: float = 30.0) -> bytes:
    """The body of the ``/_dash-update-component`` POST the browser makes for ``path``."""
    from playwright.sync_api import sync_playwright

    found: list[bytes] = []
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page()

        def on_request(request):
            if "/_dash-update-component" in request.url and request.method == "POST":
                body = request.post_data_buffer or b""
                if output_contains.encode() in body:
                    found.append(body)

        page.on("request", on_request)
        page.goto(base_url + path, wait_until="networkidle")
        deadline = time.monotonic() + timeout_s
        while not found and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        browser.close()
    if not found:
        raise RuntimeError(f"the browser made no Dash request for {output_contains!r} on {path}")
    return found[0]
