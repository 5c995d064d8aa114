"""A rebuild against a real browser cache: files named by their content, served for good.

One Chromium context (its HTTP cache kept between visits; no request routing, which would turn
that cache off) visits a page, then the same folder is rebuilt with an upgrade that changes the
module pack (a site transform added). The old page, cached tag and all, and the new page both
deliver events; the second visit asks the server for none of the bundle's files, and after the
rebuild only what changed is fetched.
"""

import json

from e2e import served
from e2e.conftest import BOOT_TIMEOUT_MS
from heap_device.tools import cli
from heap_device.tools.bundle import is_content_addressed, logical_name
from heap_device.tools.output import read_manifest

APP_ID = "1234567890"
DEST = {"appId": APP_ID, "connectionMode": "device"}
IDENTITY = "def transformEvent(event, metadata):\n    return event\n"


def _visit(page, url, n):
    page.goto(url)
    page.wait_for_function("() => (window.__heapCalls || []).length >= %d" % n)
    return page.evaluate("window.__heapCalls")


def _bundle_gets(server, folder):
    """The bundle files the browser asked the server for since the last call (and forget them)."""
    asked = [p for p in server.fetched if p.startswith("/%s/" % folder)]
    server.fetched.clear()
    return sorted(logical_name(p.split("/", 2)[2]) for p in asked)


def test_a_rebuild_meets_a_real_browser_cache(page, site, tmp_path):
    server = served.start(site.root, note_gets=True)
    page.set_default_timeout(BOOT_TIMEOUT_MS)  # each visit starts Python (no watch fixture here)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        out = site.root / "rebuilt"
        options = {"scriptUrl": server.origin + "/heap-standin.js"}  # no routing: a real cache
        assert cli.main(["build", "--out", str(out), "--dev"]) == 0
        old = read_manifest(out)
        url = site.page("rebuilt", DEST, early=3, options=options).replace(
            site.origin, server.origin
        )
        early = [["track", ["early %d" % i, {"i": i}]] for i in range(3)]

        assert _visit(page, url, 3)[-3:] == early  # a cold visit fetches every file
        assert "micropython/micropython.wasm" in _bundle_gets(server, "rebuilt")
        assert _visit(page, url, 3)[-3:] == early
        assert _bundle_gets(server, "rebuilt") == []  # repeat visit: all from the cache

        rules = tmp_path / "rules.py"
        rules.write_text(IDENTITY, encoding="utf-8")
        assert cli.main(["build", "--out", str(out), "--dev", "--transform", str(rules)]) == 0
        new = read_manifest(out)
        changed = sorted(set(new["files"]) - set(old["files"]))
        assert "heap_device/modules.bin" in {logical_name(n) for n in changed}
        assert new["previous"]["entry"] == old["entry"]  # the old build's files are kept
        new_url = site.page("rebuilt", DEST, early=3, options=options)
        new_url = new_url.replace(site.origin, server.origin)

        # The old page (its tag still names the old build) keeps working...
        assert _visit(page, url, 3)[-3:] == early
        assert _bundle_gets(server, "rebuilt") == []
        # ...and the new page fetches only what changed (a transform needs the interpreter that
        # has the modules a transform may use: its .wasm is one of them), nothing it cached.
        assert _visit(page, new_url, 3)[-3:] == early
        fetched = _bundle_gets(server, "rebuilt")
        assert "heap_device/modules.bin" in fetched and "heap-device-runtime.js" in fetched
        assert set(fetched) <= {logical_name(n) for n in changed}, (fetched, changed)
        assert all(is_content_addressed(n) for n in changed if not n.endswith(".html"))
        assert errors == [], json.dumps(errors)
    finally:
        served.stop(server)
