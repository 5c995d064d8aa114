"""From `pip install` to a live site, as a Python user would do it, far from the clone.

The wheel (built from the sdist, as `make dist` does) is installed into a fresh venv outside the
repository (e2e/wheel_venv.py). Its `heap-device build` writes a bundle and prints the tag; a
local site with that tag and the real RudderStack SDK runs in Chromium and the events reach the
Heap stand-in; then its `heap-device check` finds the deploy sound. What needs no browser (the
wheel's files, the sdist, the installed demo, try and the pytest plugin) is in
tests/test_suite_package.py.
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from e2e import served as server
from e2e.wheel_venv import REPO, Installed, dist_folder, venv_with
from heap_device.tools.output import entry_file
from heap_device.tools.server import HEAP_SCRIPT, STANDIN

SDK = REPO / "node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js"
LOAD_CODE = """
const analytics = new rudderanalytics.RudderAnalytics();
analytics.load('write-key', location.origin, {getSourceConfig: () => ({source: {id: 's',
  workspaceId: 'w', enabled: true, config: {}, destinations: [{id: 'h', enabled: true,
  config: {appId: '1234567890'},
  destinationDefinition: {name: 'HEAP', displayName: 'Heap.io'}}]}}),
  destSDKBaseURL: location.origin + '/no-integrations', polyfillIfRequired: false});
rudderanalytics.identify('user-from-the-wheel', {plan: 'pro'});
rudderanalytics.track('Installed From The Wheel', {n: 1});
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    [wheel] = dist_folder(tmp_path_factory).glob("heap_device-*.whl")
    return Installed(venv_with(wheel), tmp_path_factory.mktemp("user"))


def test_from_pip_install_to_a_live_site(installed, page):
    home = installed.home
    heap_device = installed.heap_device
    version = heap_device("--version")
    assert version.returncode == 0 and version.stdout.startswith("heap-device 0.1.0\n")
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert "MicroPython %s\n" % pinned["@micropython/micropython-webassembly-pyscript"] in (
        version.stdout
    )
    # It reads its own copies, not the clone.
    where = installed.run(
        "python", "-c", "from heap_device.tools import assets; print(assets.INSTALLED, assets.ROOT)"
    ).stdout.split()
    assert where[0] == "True" and Path(where[1]).is_relative_to(installed.venv)

    site = home / "site"
    built = heap_device("build", "--out", "site/heap", "--base-url", "/heap")
    assert built.returncode == 0, built.stderr
    tag = built.stdout
    assert re.match(r'<script src="/heap/heap-device\.[0-9a-f]{12}\.js" integrity="sha384-', tag)
    # snippet --from remembers the base URL the build was given.
    assert heap_device("snippet", "--from", "site/heap").stdout == tag

    shutil.copyfile(SDK, site / "rsa.js")
    (site / "analytics.js").write_text(LOAD_CODE, encoding="utf-8")
    html = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">\n'
    html += tag + '<script src="/rsa.js"></script><script src="/analytics.js"></script>\n'
    (site / "index.html").write_text(html, encoding="utf-8")
    # docs/security.md's policy for the build at hand: 'unsafe-eval' for the PyScript boot only.
    adapter = entry_file(site / "heap").read_text(encoding="utf-8")
    # minified, from the wheel's static/minified/ (no Node here): not the assembled modules
    assert adapter.startswith('!function(){"use strict";\nvar BUILD = {'), adapter[:80]
    pyscript = re.search(r'var BUILD = \{[^\n]*"boot": "pyscript"', adapter) is not None
    policy = "default-src 'self'; img-src data:; script-src 'self' 'wasm-unsafe-eval'%s %s" % (
        " 'unsafe-eval'" if pyscript else "",
        "https://cdn.us.heap-api.com",
    )
    live = server.start(site, headers={"Content-Security-Policy": policy})
    strays = []
    try:

        def route(r):
            url = r.request.url
            if url.startswith(live.origin + "/") and "/no-integrations" not in url:
                r.continue_()
            elif HEAP_SCRIPT.match(url):
                r.fulfill(status=200, content_type="text/javascript", body=STANDIN.read_text())
            else:
                strays.append(url)
                r.abort()

        page.route("**/*", route)
        console = []
        page.on("console", lambda m: console.append(m.text))
        page.on("pageerror", lambda e: console.append(str(e)))
        page.set_default_timeout(60_000)
        page.goto(live.url)
        # Polled from outside: wait_for_function evaluates a string in the page, which this
        # strict CSP refuses, and the page would then see an EvalError that is not ours.
        for _ in range(600):
            if page.evaluate("(window.__heapCalls || []).some(c => c[0] === 'track')"):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(("no track call reached Heap", console, strays))
        calls = page.evaluate("window.__heapCalls")
        assert ["identify", ["user-from-the-wheel"]] in calls
        assert ["track", ["Installed From The Wheel", {"n": 1}]] in calls
        assert strays == []

        checked = heap_device("check", live.url)
        assert checked.returncode == 0, checked.stdout
        assert re.fullmatch(
            r"heap-device check: bytes: a cold visit downloads [\d.]+ KB \(\d+ files; "
            r"Content-Encoding: br \d+\); uncompressed it would be [\d.]+ KB\n"
            r"heap-device check: sound: \d+ files served right from .*\n",
            checked.stdout,
        )
    finally:
        server.stop(live)
