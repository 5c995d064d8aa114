"""`heap-device demo` without a browser: its server is a local data plane serving a strict-CSP
page and a production tag to copy, and the command stops on Ctrl-C. The page itself, driven in
Chromium, is e2e/test_demo.py.
"""

import base64
import hashlib
import html
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from e2e.served import start_demo, stop_demo
from heap_device.tools.bundle import logical_name
from heap_device.tools.output import MANIFEST

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_demo(tmp_path_factory.mktemp("demo"))
    yield server
    stop_demo(server)


def test_server_is_a_local_data_plane(server):
    base = server.url

    def get(path):
        with urllib.request.urlopen(base + path.lstrip("/")) as r:
            return r.status, r.headers.get("Content-Type"), r.read()

    request = urllib.request.Request(
        base + "v1/track", data=b'{"type": "track", "event": "x"}', method="POST"
    )
    with urllib.request.urlopen(request) as r:
        assert r.status == 200
    seen = json.loads(get("/__dataplane")[2])["events"]
    assert seen[-1]["path"] == "/v1/track" and seen[-1]["body"]["event"] == "x"
    assert json.loads(get("/__dataplane?since=%d" % seen[-1]["n"])[2])["events"] == []

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(base + "other", data=b"{}", method="POST"))
    assert refused.value.code == 404

    assert get("/")[1] == "text/html; charset=utf-8"
    # The build's files are named by their content: found through its manifest.
    files = {logical_name(f): f for f in json.loads(get("/heap/" + MANIFEST)[2])["files"]}
    assert get("/heap/" + files["heap-device-runtime.js"])[1] == "text/javascript"
    assert get("/heap/" + files["micropython/micropython.wasm"])[1] == "application/wasm"
    assert get("/heap-standin.js")[1] == "text/javascript"

    # Strict-CSP friendly: scripts are files or JSON data; no inline event handlers or styles.
    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, dict(attrs)))
    parser.feed(get("/")[2].decode("utf-8"))
    scripts = [a for t, a in tags if t == "script"]
    assert scripts and all("src" in a or a.get("type") == "application/json" for a in scripts)
    assert [(t, k) for t, a in tags for k in a if k.startswith("on") or k == "style"] == []


def test_command_prints_url_and_stops_on_ctrl_c():
    proc = subprocess.Popen(
        [sys.executable, "-m", "heap_device.tools.cli", "demo", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[1]).group(0)
        with urllib.request.urlopen(url) as r:
            assert b"heap-device demo" in r.read()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and err == ""


def test_the_tag_to_copy_is_a_production_tag(server):
    """The copyable tag has no debug and no stand-in scriptUrl (a site copying it would log every
    event and load Heap from the demo server); its SRI is the served heap-device.js's."""
    with urllib.request.urlopen(server.url) as r:
        page = r.read().decode("utf-8")
    shown = re.search(r'<pre class="code" id="production-tag">(.*?)</pre>', page, re.S)
    assert shown, "the page shows no tag to copy"
    tag = html.unescape(shown.group(1))
    options = json.loads(html.unescape(re.search(r'data-options="([^"]*)"', tag).group(1)))
    assert options == {"trackPageCalls": True}
    with urllib.request.urlopen(server.url + "heap/" + MANIFEST) as r:
        entry = json.loads(r.read())["entry"]
    with urllib.request.urlopen(server.url + "heap/" + entry) as r:
        served = r.read()
    digest = base64.b64encode(hashlib.sha384(served).digest()).decode()
    assert 'integrity="sha384-%s"' % digest in tag
