"""Retake docs/demo.png: the demo after three calls, each RudderStack call beside its Heap calls.

    .venv/bin/python -m e2e.demo_screenshot        # or: make screenshot

Starts `heap-device demo`'s server on a free 127.0.0.1 port (offline: the Heap stand-in), drives
it in Chromium as e2e/test_demo.py does (its Visit: nothing may leave the demo server), fires three
presets and writes a 1280x800 PNG (about 150 KB). The inspector shows the newest call first: the
refused "undefined" identity (a warning), then the sign-up (identify: two Heap calls, nested,
list and date traits flattened); the order, fired first, is below the fold.
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS
from e2e.served import start_demo, stop_demo
from e2e.test_demo import Visit

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "demo.png"
VIEWPORT = {"width": 1280, "height": 800}
# Fired in this order; the inspector shows the newest first.
PRESETS = ("order", "signup", "placeholder")


def take(out=OUT):
    """Write the screenshot to ``out``; return its size in bytes."""
    with tempfile.TemporaryDirectory() as root, sync_playwright() as playwright:
        server = start_demo(Path(root))
        launch = {"args": CHROMIUM_FLAGS}
        if CHROMIUM.exists():
            launch["executable_path"] = str(CHROMIUM)
        browser = playwright.chromium.launch(**launch)
        try:
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            visit = Visit(page, server.url.rstrip("/"))
            visit.open(server.url)
            for preset in PRESETS:
                visit.fire(preset)
            events = "n => document.querySelectorAll('#dataplane .dp-event').length >= n"
            page.wait_for_function(events, arg=len(PRESETS))  # "data plane ✓" on every entry
            visit.check_clean()  # no stray request, no page error: the picture shows a clean run
            page.mouse.move(0, 0)  # no button left hovered
            page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
            page.screenshot(path=str(out))
        finally:
            browser.close()
            stop_demo(server)
    return out.stat().st_size


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    print("wrote %s (%d KB)" % (out, take(out) // 1024))
