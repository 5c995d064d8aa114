"""Measure what heap-device costs a page: navigation -> first Heap call, and bundle bytes.

Run: .venv/bin/python -m e2e.measure [runs]. Uses the docs/website-setup.md page (bundled v3 SDK,
one track call at load), Heap's CDN answered by the e2e stand-in; prints medians per bundle.
"""

import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.conftest import (
    BUNDLES,
    CHROMIUM,
    CHROMIUM_FLAGS,
    HEAP_SCRIPT,
    REPO,
    SDKS,
)
from heap_device.tools import server as local_server
from heap_device.tools.server import STANDIN

LOAD_CODE = """
const analytics = new rudderanalytics.RudderAnalytics();
analytics.load('write-key', location.origin, {getSourceConfig: () => ({source: {id: 's',
  workspaceId: 'w', enabled: true, config: {}, destinations: [{id: 'h', enabled: true,
  config: {appId: '1234567890'},
  destinationDefinition: {name: 'HEAP', displayName: 'Heap.io'}}]}})});
rudderanalytics.track('Order Completed', {order_id: 'o-1', total: 99.5});
"""


def cli(*args):
    cmd = [sys.executable, "-m", "heap_device.tools.cli", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO).stdout


def bundle_bytes(folder):
    files = [p for p in folder.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    packed = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    return raw, packed


def main(runs=5):
    root = Path(tempfile.mkdtemp(prefix="heap-device-measure-"))
    shutil.copyfile(SDKS["v3"], root / "rsa.js")
    (root / "analytics.js").write_text(LOAD_CODE, encoding="utf-8")
    standin = STANDIN.read_text(encoding="utf-8")
    server = local_server.start(root, limit=0)
    origin = server.origin

    def route(r):
        url = r.request.url
        if url.startswith(origin):
            r.continue_()
        elif HEAP_SCRIPT.match(url):
            r.fulfill(status=200, content_type="text/javascript", body=standin)
        else:
            r.abort()

    launch = {"executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS} if CHROMIUM.exists() else {}
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch)
        for runtime, args in BUNDLES.items():
            tag = cli("build", "--out", str(root / runtime), "--base-url", "/" + runtime, *args)
            page_html = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">\n'
            page_html += (
                tag + '<script src="/rsa.js"></script><script src="/analytics.js"></script>'
            )
            (root / (runtime + ".html")).write_text(page_html, encoding="utf-8")
            times = []
            for _ in range(runs):
                context = browser.new_context()  # cold: nothing cached
                page = context.new_page()
                page.route("**/*", route)
                page.goto(origin + "/" + runtime + ".html")
                page.wait_for_function("window.__firstCallAt !== undefined", timeout=60_000)
                times.append(page.evaluate("window.__firstCallAt"))
                context.close()
            raw, packed = bundle_bytes(root / runtime)
            print(
                "%-11s first Heap call: median %d ms (runs: %s); bundle %d bytes, gzip -9 %d"
                % (
                    runtime,
                    statistics.median(times),
                    ", ".join("%d" % t for t in times),
                    raw,
                    packed,
                )
            )
        browser.close()
    server.shutdown()
    shutil.rmtree(root)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
