"""The heap-device command: build writes a self-contained folder, snippet prints a matching tag."""

import base64
import hashlib
import html
import re
import subprocess
import sys

import pytest

from heap_device.tools import bundle, cli


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "heap_device.tools.cli", *args], capture_output=True, text=True
    )


def files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "runtime, interpreter_files",
    [
        ("micropython", ["micropython/micropython.mjs", "micropython/micropython.wasm"]),
        (
            "pyodide",
            [
                "pyodide/pyodide-lock.json",
                "pyodide/pyodide.asm.mjs",
                "pyodide/pyodide.asm.wasm",
                "pyodide/pyodide.mjs",
                "pyodide/python_stdlib.zip",
            ],
        ),
    ],
)
def test_build_writes_only_what_the_browser_needs(tmp_path, runtime, interpreter_files):
    # The default build: the adapter, the worker's script, the modules, one interpreter.
    out = tmp_path / "heap"
    result = run("build", "--out", str(out), "--runtime", runtime)
    assert result.returncode == 0, result.stderr
    files = files_in(out)
    assert "heap-device.js" in files and "heap-device-runtime.js" in files
    ext = ".mpy" if runtime == "micropython" else ".py"  # MicroPython gets precompiled bytecode
    assert "heap_device/browser/bridge" + ext in files
    assert "heap_device/core/calls" + ext in files and "heap_device/core/settings" + ext in files
    assert not [f for f in files if f.startswith("heap_device/") and not f.endswith(ext)]
    assert not [f for f in files if "browser/main." in f]  # PyScript's entry: PyScript build only
    assert not [f for f in files if f.startswith("heap_device/tools/")]
    assert [f for f in files if f.split("/")[0] in ("micropython", "pyodide")] == interpreter_files
    assert not [f for f in files if f.startswith("pyscript/")]
    adapter = (out / "heap-device.js").read_text(encoding="utf-8")
    assert '"runtime": "%s"' % runtime in adapter and '"boot": "worker"' in adapter
    worker = (out / "heap-device-runtime.js").read_text(encoding="utf-8")
    assert '"runtime": "%s"' % runtime in worker and '"core/calls%s"' % ext in worker


def test_pyscript_boot_build_ships_pyscript_and_sources(tmp_path):
    out = tmp_path / "heap"
    (out / "heap_device").mkdir(parents=True)
    (out / "heap_device" / "stale.mpy").write_bytes(b"M")  # left over from a worker build
    assert run("build", "--out", str(out), "--boot", "pyscript").returncode == 0
    files = files_in(out)
    assert "heap_device/browser/main.py" in files and "heap_device/core/calls.py" in files
    assert not [f for f in files if f.endswith(".mpy")]
    pyscript = [f for f in files if f.startswith("pyscript/")]
    assert "pyscript/core.js" in pyscript
    assert not [f for f in files if f.endswith(".map")]
    assert not [f for f in pyscript if re.search(r"codemirror|xterm|toml|zip|pyodide_graph", f)]
    adapter = (out / "heap-device.js").read_text(encoding="utf-8")
    assert '"boot": "pyscript"' in adapter and '"browser/main.py"' in adapter
    assert "tools/" not in adapter
    tag = run("snippet", "--base-url", "/heap", "--boot", "pyscript").stdout
    digest = hashlib.sha384((out / "heap-device.js").read_bytes()).digest()
    assert 'integrity="sha384-%s"' % base64.b64encode(digest).decode() in tag


def test_snippet_integrity_matches_the_built_adapter(tmp_path):
    out = tmp_path / "heap"
    assert run("build", "--out", str(out)).returncode == 0
    result = run("snippet", "--base-url", "https://cdn.example.test/heap/")
    assert result.returncode == 0, result.stderr
    tag = result.stdout.strip()
    digest = hashlib.sha384((out / "heap-device.js").read_bytes()).digest()
    expected = "sha384-" + base64.b64encode(digest).decode()
    assert tag == (
        '<script src="https://cdn.example.test/heap/heap-device.js" integrity="%s" '
        'crossorigin="anonymous"></script>' % expected
    )


def test_snippet_escapes_the_tag_options():
    result = run(
        "snippet",
        "--base-url",
        "/heap",
        "--options",
        '{"sdk": "classic", "accountIdProperty": "<\\"&>"}',
    )
    assert result.returncode == 0, result.stderr
    attribute = re.search(r'data-options="([^"]*)"', result.stdout).group(1)
    assert "<" not in attribute and '"' not in attribute
    assert html.unescape(attribute) == '{"sdk":"classic","accountIdProperty":"<\\"&>"}'


@pytest.mark.parametrize(
    "args",
    [
        ["snippet"],
        ["snippet", "--base-url", "/heap", "--options", "{nope"],
        ["snippet", "--base-url", "/heap", "--options", "[1, 2]"],
        ["snippet", "--base-url", "/he ap"],
        ["snippet", "--base-url", 'https://cdn.example.test/heap" onload="alert(1)'],
        ["snippet", "--base-url", "/heap'x"],
        ["snippet", "--base-url", "javascript:alert(1)//"],
        ["snippet", "--base-url", "JavaScript:alert(1)"],
        ["snippet", "--base-url", "data:text/javascript,alert(1)"],
        # The options are checked as the browser would check them.
        ["snippet", "--base-url", "/heap", "--options", '{"appId": "12ab"}'],
        ["snippet", "--base-url", "/heap", "--options", '{"sdk": "v4"}'],
        ["snippet", "--base-url", "/heap", "--options", '{"hostname": "a/b"}'],
        ["snippet", "--base-url", "/heap", "--options", '{"trackPageCall": true}'],
        ["build", "--out", "/proc/heap-device-out"],
        ["build"],
        ["build", "--out", "x", "--runtime", "cpython"],
        ["launch"],
        ["build", "--out", "x", "--runtime", "pyodide", "--boot", "direct"],
        ["snippet", "--base-url", "/heap", "--runtime", "pyodide", "--boot", "direct"],
    ],
)
def test_bad_arguments_get_one_line_and_status_2(args):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("heap-device: ") and result.stderr.count("\n") == 1


def test_build_without_node_modules_says_run_npm_ci(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bundle, "NODE_MODULES", tmp_path / "node_modules")
    assert cli.main(["build", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "run npm ci" in err and err.count("\n") == 1


def test_build_refuses_an_out_it_cannot_use(tmp_path):
    a_file = tmp_path / "heap.txt"
    a_file.write_text("keep me", encoding="utf-8")
    for out, words in ((a_file, "is a file"), (a_file / "sub", "cannot be written")):
        result = run("build", "--out", str(out))
        assert result.returncode == 2 and result.stdout == ""
        assert words in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert a_file.read_text(encoding="utf-8") == "keep me"


def test_snippet_accepts_good_options_and_plain_urls():
    for base in ("/heap", "https://cdn.example.test/heap", "http://127.0.0.1:8000/h", "heap"):
        options = '{"appId": 42, "sdk": "classic", "connectionMode": "device"}'
        result = run("snippet", "--base-url", base, "--options", options)
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("app_id", ["abc", "12 3", "", "1" * 33, "<script>"])
def test_demo_refuses_a_bad_app_id(app_id):
    result = run("demo", "--app-id", app_id)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("heap-device: --app-id") and result.stderr.count("\n") == 1


def test_demo_with_a_bad_app_id_says_so():
    # The demo itself (it serves until Ctrl-C) is tested in test_demo.py.
    result = run("demo", "--app-id", "abc")
    assert result.returncode == 2 and result.stdout == ""
    assert "--app-id 'abc'" in result.stderr and result.stderr.count("\n") == 1
