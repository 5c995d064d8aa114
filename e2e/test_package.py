"""From `pip install` to a live site, as a Python user would do it, far from the clone.

The wheel (built from the sdist, as `make dist` does) is installed into a fresh venv outside the
repository. Its `heap-device build` writes a bundle and prints the tag; a local site with that tag
and the real RudderStack SDK runs in Chromium and the events reach the Heap stand-in; then its
`heap-device check` finds the deploy sound. `make test` hands in the wheel `make dist` built
(HEAP_DEVICE_DIST); run alone, this file builds its own.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from e2e import served as server
from heap_device.tools.server import HEAP_SCRIPT, STANDIN

REPO = Path(__file__).resolve().parent.parent
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


def clean_env(**extra):
    """The environment of a user's shell: nothing pointing into the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    given = os.environ.get("HEAP_DEVICE_DIST")
    if given:
        return Path(given).resolve()
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    """A fresh venv outside the repository with the wheel installed; returns its bin folder."""
    home = tmp_path_factory.mktemp("user")
    assert REPO not in home.parents
    [wheel] = dist.glob("heap_device-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    pip = [str(home / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(wheel)], check=True, cwd=home, env=clean_env())
    return home


def heap_device(home, *args, **options):
    return subprocess.run(
        [str(home / "venv" / "bin" / "heap-device"), *args],
        capture_output=True,
        text=True,
        cwd=home,
        env=clean_env(),
        **options,
    )


def test_the_wheel_carries_what_the_cli_needs_and_no_pyodide(dist):
    [wheel] = dist.glob("heap_device-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = "heap_device/tools/shipped/"
    for needed in (
        "static/page/main.js",
        "static/demo/heap-standin.js",
        "templates/snippet.html",
        "templates/demo.html",
        "package.json",
        "node_modules/@pyscript/core/dist/core.js",
        "node_modules/@micropython/micropython-webassembly-pyscript/micropython.wasm",
        "node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js",
    ):
        assert shipped + needed in names
    assert not [n for n in names if "pyodide" in n.lower()]
    assert not [n for n in names if n.endswith(".map") or "/tests/" in n]
    # The Python that ships is the clone's, no more (a stale build/lib must not leak in).
    for room in ("core", "browser", "tools"):
        ours = {p.name for p in (REPO / "heap_device" / room).glob("*.py")}
        packed = {
            n.rsplit("/", 1)[1] for n in names if re.fullmatch(r"heap_device/%s/\w+\.py" % room, n)
        }
        assert packed == ours, room
    # Every file of static/ ships, whoever adds one.
    for path in (REPO / "static").rglob("*"):
        if path.is_file():
            assert shipped + "static/" + path.relative_to(REPO / "static").as_posix() in names


def test_the_sdist_builds_the_same_wheel(dist, tmp_path):
    """The wheel straight from the clone holds the same files, byte for byte, as the dist one
    (built from the sdist)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )

    def record(folder):
        [wheel] = folder.glob("heap_device-*.whl")
        with zipfile.ZipFile(wheel) as z:
            [name] = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")]
            return sorted(z.read(name).decode().splitlines())

    assert record(tmp_path) == record(dist)


def test_from_pip_install_to_a_live_site(installed, page):
    home = installed
    version = heap_device(home, "--version")
    assert version.returncode == 0 and version.stdout.startswith("heap-device 0.1.0\n")
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert "MicroPython %s\n" % pinned["@micropython/micropython-webassembly-pyscript"] in (
        version.stdout
    )
    # It reads its own copies, not the clone.
    where = subprocess.run(
        [
            str(home / "venv" / "bin" / "python"),
            "-c",
            "from heap_device.tools import assets; print(assets.INSTALLED, assets.ROOT)",
        ],
        capture_output=True,
        text=True,
        cwd=home,
        env=clean_env(),
        check=True,
    ).stdout.split()
    assert where[0] == "True" and Path(where[1]).is_relative_to(home)

    site = home / "site"
    built = heap_device(home, "build", "--out", "site/heap", "--base-url", "/heap")
    assert built.returncode == 0, built.stderr
    tag = built.stdout
    assert tag.startswith('<script src="/heap/heap-device.js" integrity="sha384-')
    assert heap_device(home, "snippet", "--from", "site/heap", "--base-url", "/heap").stdout == tag

    shutil.copyfile(SDK, site / "rsa.js")
    (site / "analytics.js").write_text(LOAD_CODE, encoding="utf-8")
    html = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">\n'
    html += tag + '<script src="/rsa.js"></script><script src="/analytics.js"></script>\n'
    (site / "index.html").write_text(html, encoding="utf-8")
    # docs/security.md's policy for the build at hand: 'unsafe-eval' for the PyScript boot only.
    adapter = (site / "heap" / "heap-device.js").read_text(encoding="utf-8")
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

        checked = heap_device(home, "check", live.url)
        assert checked.returncode == 0, checked.stdout
        assert re.fullmatch(
            r"heap-device check: sound: \d+ files served right from .*\n", checked.stdout
        )
    finally:
        server.stop(live)


def test_the_installed_demo_serves_and_pyodide_says_what_it_needs(installed):
    home = installed
    pyodide = heap_device(home, "build", "--out", "p/heap", "--runtime", "pyodide")
    assert pyodide.returncode == 2
    assert "--pyodide-dir DIR" in pyodide.stderr and pyodide.stderr.count("\n") == 1
    demo = subprocess.Popen(
        [str(home / "venv" / "bin" / "heap-device"), "demo", "--port", "0"],
        cwd=home,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        demo.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", demo.stdout.readline()).group(0)
        for path in (
            "",
            "heap/heap-device.js",
            "vendor/rudderstack.js",
            "heap-standin.js",
            "demo/main.mjs",
        ):
            with urllib.request.urlopen(url + path) as answer:
                assert answer.status == 200 and answer.read()
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=10)
    finally:
        demo.kill()
    assert demo.returncode == 0 and err == ""


def test_the_installed_try_and_build_take_a_transform(installed):
    """heap-device try and build --transform on the installed wheel (transform's addition)."""
    home = installed
    (home / "rules.py").write_text(
        "def transformEvent(event, metadata):\n"
        "    event['event'] = event['event'].upper()\n"
        "    return event\n",
        encoding="utf-8",
    )
    message = '{"type": "track", "event": "signed up", "properties": {"plan": "pro"}}'
    tried = heap_device(home, "try", "--transform", "rules.py", input=message)
    assert tried.returncode == 0, tried.stderr
    assert tried.stdout.endswith('Heap calls\n  heap.track("SIGNED UP", {"plan":"pro"})\n')
    (home / "bad.py").write_text("import typing\ndef transformEvent(e, m):\n    return e\n")
    refused = heap_device(home, "build", "--out", "t/heap", "--transform", "bad.py")
    assert refused.returncode == 2 and "bad.py:1: imports typing" in refused.stderr
    assert not (home / "t").exists()
    built = heap_device(home, "build", "--out", "t/heap", "--transform", "rules.py")
    assert built.returncode == 0, built.stderr


def test_the_installed_wheel_gives_pytest_the_plugin_and_its_stand_in(installed):
    """heap-device[testing]'s plugin (plugin's addition): its entry point, and the stand-in it
    serves, from the wheel (pytest and pytest-playwright themselves are the extra's, not here)."""
    script = (
        "import json; from importlib.metadata import distribution; "
        "from heap_device.tools.server import STANDIN; d = distribution('heap-device'); "
        "print(json.dumps([[(e.name, e.value) for e in d.entry_points if e.group == 'pytest11'], "
        "[r for r in d.requires if 'testing' in r], str(STANDIN), STANDIN.is_file()]))"
    )
    python = str(installed / "venv" / "bin" / "python")
    run = {"capture_output": True, "text": True, "env": clean_env(), "cwd": installed}
    out = subprocess.run([python, "-c", script], **run)
    points, requires, standin, present = json.loads(out.stdout)
    assert points == [["heap_device", "heap_device.tools.pytest_plugin"]]
    assert any(r.startswith("pytest-playwright") for r in requires), requires
    assert present and "/heap_device/tools/shipped/static/demo/" in standin
