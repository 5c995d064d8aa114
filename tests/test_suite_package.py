"""The wheel and the sdist, as `pip install` gets them, and the installed commands, far from the
clone (no browser: e2e/test_package.py takes the installed wheel to a live site in Chromium).

The wheel (built from the sdist, as `make dist` does) is installed into a fresh venv outside the
repository (e2e/wheel_venv.py); its commands run as a user's shell would run them.
"""

import json
import re
import signal
import subprocess
import sys
import urllib.request
import zipfile

import pytest

from e2e.wheel_venv import REPO, Installed, clean_env, dist_folder, venv_with


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    return dist_folder(tmp_path_factory)


@pytest.fixture
def installed(dist, tmp_path):
    [wheel] = dist.glob("heap_device-*.whl")
    return Installed(venv_with(wheel), tmp_path)


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
        "node_modules/rudder-sdk-js/dist/npm/index.js",
        "node_modules/rudder-sdk-js/LICENSE.md",
    ):
        assert shipped + needed in names
    assert not [n for n in names if "pyodide" in n.lower()]
    # Test-only code stays out: the server's test knobs (e2e/served.py), the pack reader.
    with zipfile.ZipFile(wheel) as z:
        assert b"path_headers" not in z.read("heap_device/tools/server.py")
        assert b"def unpack_modules" not in z.read("heap_device/tools/bundle.py")
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


def test_the_installed_demo_serves_and_pyodide_says_what_it_needs(installed):
    pyodide = installed.heap_device("build", "--out", "p/heap", "--runtime", "pyodide")
    assert pyodide.returncode == 2
    assert "--pyodide-dir DIR" in pyodide.stderr and pyodide.stderr.count("\n") == 1
    demo = subprocess.Popen(
        [str(installed.venv / "bin" / "heap-device"), "demo", "--port", "0"],
        cwd=installed.home,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        demo.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", demo.stdout.readline()).group(0)
        with urllib.request.urlopen(url + "heap/heap-device.files.json") as answer:
            entry = json.loads(answer.read())["entry"]
        for path in (
            "",
            "heap/" + entry,
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
    home = installed.home
    (home / "rules.py").write_text(
        "import re\n"
        "def transformEvent(event, metadata):\n"
        "    event['event'] = re.sub(r'[0-9]+', '#', event['event'].upper())\n"
        "    return event\n",
        encoding="utf-8",
    )
    message = '{"type": "track", "event": "signed up 2", "properties": {"plan": "pro"}}'
    # Its pattern is compiled on the runtime first (tools/host/patterns.py ships too).
    tried = installed.heap_device("try", "--transform", "rules.py", input=message)
    assert tried.returncode == 0, tried.stderr
    assert tried.stdout.endswith('Heap calls\n  heap.track("SIGNED UP #", {"plan":"pro"})\n')
    (home / "bad.py").write_text("import typing\ndef transformEvent(e, m):\n    return e\n")
    refused = installed.heap_device("build", "--out", "t/heap", "--transform", "bad.py")
    assert refused.returncode == 2 and "bad.py:1: imports typing" in refused.stderr
    assert not (home / "t").exists()
    built = installed.heap_device("build", "--out", "t/heap", "--transform", "rules.py")
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
    out = installed.run("python", "-c", script)
    points, requires, standin, present = json.loads(out.stdout)
    assert points == [["heap_device", "heap_device.tools.pytest_plugin"]]
    assert any(r.startswith("pytest-playwright") for r in requires), requires
    assert present and "/heap_device/tools/shipped/static/demo/" in standin
