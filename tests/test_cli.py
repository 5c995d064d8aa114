"""The heap-device command: build writes a self-contained folder, snippet prints a matching tag."""

import base64
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.packs import unpack_modules
from heap_device.tools import assets, cli
from heap_device.tools.bundle import BOOTS, logical_name
from heap_device.tools.output import entry_file, read_manifest
from heap_device.tools.precompress import is_copy

# The build without PyScript (no 'unsafe-eval'), whatever it is called.
STRICT = next(b for b in BOOTS if b != "pyscript")

REPO = Path(__file__).resolve().parent.parent


def run(*args, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "heap_device.tools.cli", *args],
        capture_output=True,
        text=True,
        env=None if env is None else {**os.environ, **env},
        cwd=cwd,
    )


def files_in(folder):
    """The files in a build folder as the sources name them (the build names them by content)."""
    ours = ("heap-device.files.json", "heap-device.tag.html")
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return sorted(
        logical_name(name)
        for name in names
        if name.rsplit("/", 1)[-1] not in ours and not is_copy(name, names)
    )


def file_of(folder, logical):
    """The file of the build in ``folder`` that the sources name ``logical``."""
    names = read_manifest(folder)["files"]
    [name] = [n for n in names if logical_name(n) == logical]
    return folder / name


def sri(path):
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def one_line_error(result, *words):
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr.startswith("heap-device: ") and result.stderr.count("\n") == 1, result
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("built") / "heap"
    assert run("build", "--out", str(out)).returncode == 0
    return out


@pytest.mark.parametrize(
    "runtime, interpreter_files",
    [
        ("micropython", ["micropython/micropython.wasm"]),
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
    packs = [f for f in files if f.startswith("heap_device/")]
    if runtime == "micropython":
        # Our MicroPython has heap_device's core and bridge frozen in: no modules to load, and
        # its glue is inside the runtime module (one verified file).
        assert packs == []
    else:
        # Every module in one file.
        assert packs == ["heap_device/modules.bin"]
        modules = unpack_modules(file_of(out, "heap_device/modules.bin").read_bytes())
        assert "browser/bridge.py" in modules and "core/calls.py" in modules
        assert "core/settings.py" in modules and "__init__.py" in modules
        assert not [name for name in modules if not name.endswith(".py")]
        assert not [name for name in modules if name.startswith(("browser/main.", "tools/"))]
        assert modules["core/calls.py"][:2] == b'""'
    assert [f for f in files if f.split("/")[0] in ("micropython", "pyodide")] == interpreter_files
    assert not [f for f in files if f.startswith("pyscript/")]
    adapter = entry_file(out).read_text(encoding="utf-8")
    assert '"runtime": "%s"' % runtime in adapter and '"boot": "worker"' in adapter
    worker = file_of(out, "heap-device-runtime.js")
    assert '"%s"' % worker.name in adapter  # the entry names what it loads, by content
    text = worker.read_text(encoding="utf-8")
    assert '"runtime": "%s"' % runtime in text
    if packs:
        pack = file_of(out, "heap_device/modules.bin").relative_to(out).as_posix()
        assert '"pack": "%s"' % pack in text
    # Beside each file its precompressed copies (for micropython.wasm: br about 14% below gzip).
    wasm = file_of(out, interpreter_files[-1 if runtime == "micropython" else 2])
    br, gz = (wasm.with_name(wasm.name + s) for s in (".br", ".gz"))
    assert 0 < br.stat().st_size < gz.stat().st_size < wasm.stat().st_size
    assert {wasm.name + ".br", wasm.name + ".gz"} <= {p.name for p in wasm.parent.iterdir()}


def test_a_build_without_pyscript_has_no_pyscript(tmp_path):
    out = tmp_path / "heap"
    (out / "pyscript").mkdir(parents=True)  # an empty folder: nothing of anyone's is lost
    assert run("build", "--out", str(out), "--boot", STRICT).returncode == 0
    files = files_in(out)
    assert not [f for f in files if f.startswith("pyscript/")]
    assert "micropython/micropython.wasm" in files
    assert '"boot": "%s"' % STRICT in entry_file(out).read_text(encoding="utf-8")


def test_snippet_hashes_the_build_it_is_given_not_a_re_render(tmp_path):
    # Built for another boot, the tag used to be rendered for the default one: SRI mismatch.
    out = tmp_path / "heap"
    assert run("build", "--out", str(out), "--boot", STRICT).returncode == 0
    result = run("snippet", "--from", str(out), "--base-url", "https://cdn.example.test/heap/")
    assert result.returncode == 0, result.stderr
    entry = entry_file(out)
    assert result.stdout.strip() == (
        '<script src="https://cdn.example.test/heap/%s" integrity="%s" '
        'crossorigin="anonymous"></script>' % (entry.name, sri(entry))
    )
    entry.write_text("// edited after the build\n", encoding="utf-8")
    again = run("snippet", "--from", str(out), "--base-url", "/heap").stdout
    assert sri(entry) in again


def test_build_prints_and_saves_the_tag_of_the_file_it_wrote(tmp_path):
    out = tmp_path / "heap"
    options = '{"trackPageCalls": true}'
    result = run(
        "build", "--out", str(out), "--boot", STRICT, "--base-url", "/heap", "--options", options
    )
    assert result.returncode == 0, result.stderr
    entry = entry_file(out)
    assert re.fullmatch(r"heap-device\.[0-9a-f]{12}\.js", entry.name)
    assert result.stdout == (
        '<script src="/heap/%s" integrity="%s" crossorigin="anonymous" '
        'data-options="{&#34;trackPageCalls&#34;:true}"></script>\n' % (entry.name, sri(entry))
    )
    assert (out / "heap-device.tag.html").read_text(encoding="utf-8") == result.stdout
    assert "wrote the micropython bundle" in result.stderr
    # snippet --from remembers the base URL and options the build was given...
    assert run("snippet", "--from", str(out)).stdout == result.stdout
    # ...and what is given again wins.
    again = run("snippet", "--from", str(out), "--options", '{"debug": true}').stdout
    assert 'src="/heap/%s"' % entry.name in again and "debug" in again
    assert "trackPage" not in again
    # Another build without a tag remembers none (not the one before it). (A rebuild of the same
    # files keeps the tag they were given: it still loads them.)
    assert run("build", "--out", str(out), "--boot", "pyscript").returncode == 0
    one_line_error(run("snippet", "--from", str(out)), "built without --base-url", "--base-url")


def test_build_checks_the_tag_before_writing_anything(tmp_path):
    out = tmp_path / "heap"
    result = run("build", "--out", str(out), "--base-url", "/heap", "--options", '{"sdk": "v4"}')
    one_line_error(result, "--options")
    assert not out.exists()


def test_snippet_escapes_the_tag_options(built):
    result = run(
        "snippet",
        "--from",
        str(built),
        "--base-url",
        "/heap",
        "--options",
        '{"sdk": "classic", "hostname": "<\\"&>.example.com"}',
    )
    if result.returncode == 2:  # the hostname is refused as the browser would: use another key
        result = run(
            "snippet",
            "--from",
            str(built),
            "--base-url",
            "/heap",
            "--options",
            '{"sdk": "classic", "accountIdProperty": "<\\"&>"}',
        )
    assert result.returncode == 0, result.stderr
    attribute = re.search(r'data-options="([^"]*)"', result.stdout).group(1)
    assert "<" not in attribute and '"' not in attribute
    assert '<\\"&>' in html.unescape(attribute)


BAD = [
    ["snippet", "--base-url", "/heap"],
    ["snippet", "--from", "{built}"],
    ["snippet", "--from", "{built}/nothing-here", "--base-url", "/heap"],
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", "{nope"],
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", "[1, 2]"],
    ["snippet", "--from", "{built}", "--base-url", "/he ap"],
    ["snippet", "--from", "{built}", "--base-url", 'https://cdn.test/heap" onload="alert(1)'],
    ["snippet", "--from", "{built}", "--base-url", "/heap'x"],
    ["snippet", "--from", "{built}", "--base-url", "javascript:alert(1)//"],
    ["snippet", "--from", "{built}", "--base-url", "JavaScript:alert(1)"],
    ["snippet", "--from", "{built}", "--base-url", "data:text/javascript,alert(1)"],
    ["snippet", "--from", "{built}", "--base-url", "https:heap"],
    # Relative: would break on every page not at the site's root.
    ["snippet", "--from", "{built}", "--base-url", "heap"],
    ["snippet", "--from", "{built}", "--base-url", "./heap"],
    ["build", "--out", "{built}", "--base-url", "heap"],
    # The options are checked as the browser would check them.
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", '{"appId": "12ab"}'],
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", '{"sdk": "v4"}'],
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", '{"hostname": "a/b"}'],
    ["snippet", "--from", "{built}", "--base-url", "/heap", "--options", '{"trackPageCall": 1}'],
    ["build", "--out", "/proc/heap-device-out"],
    ["build"],
    ["build", "--out", "x", "--runtime", "cpython"],
    ["build", "--out", "x", "--options", "{}"],
    ["launch"],
    [],
    ["build", "--out", "x", "--runtime", "pyodide", "--boot", "direct"],
    ["build", "--out", "x", "--runtime", "pyodide", "--pyodide-dir", "{built}"],
    ["demo", "--port", "99999"],
    ["demo", "--port", "-1"],
    ["demo", "--port", "http"],
]


@pytest.mark.parametrize("args", BAD, ids=lambda a: " ".join(a) or "nothing")
def test_bad_arguments_get_one_line_and_status_2(args, built, tmp_path):
    result = run(*[a.replace("{built}", str(built)) for a in args], cwd=tmp_path)
    one_line_error(result)
    assert not (tmp_path / "x").exists()


def test_build_without_node_modules_says_run_npm_ci(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path / "node_modules")
    # (The default build needs no npm package: our MicroPython is in the repository.)
    assert cli.main(["build", "--out", str(tmp_path / "out"), "--boot", "pyscript"]) == 2
    err = capsys.readouterr().err
    assert "run npm ci in %s" % REPO in err and err.count("\n") == 1


def test_pyodide_without_a_distribution_says_where_to_get_one(tmp_path, monkeypatch, capsys):
    shipped = tmp_path / "node_modules"  # what a wheel carries: everything but Pyodide
    for package in ("@pyscript", "@micropython"):
        (shipped / package).parent.mkdir(parents=True, exist_ok=True)
        (shipped / package).symlink_to(assets.NODE_MODULES / package)
    monkeypatch.setattr(assets, "NODE_MODULES", shipped)
    monkeypatch.setattr(assets, "INSTALLED", True)  # as from a wheel: Pyodide is not shipped
    assert cli.main(["build", "--out", str(tmp_path / "out"), "--runtime", "pyodide"]) == 2
    err = capsys.readouterr().err
    version = assets.pinned_versions()["pyodide"]
    assert err == (
        "heap-device: --runtime pyodide needs Pyodide %s, which the package does not ship: pass "
        "--pyodide-dir DIR (npm install pyodide@%s puts one in node_modules/pyodide)\n"
        % (version, version)
    )


def test_pyodide_dir_is_used(tmp_path):
    # A copy of the distribution, so the build cannot be reading the clone's node_modules.
    dist = tmp_path / "pyodide-dist"
    dist.mkdir()
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        (dist / name).symlink_to(assets.NODE_MODULES / "pyodide" / name)
    (dist / "pyodide-lock.json").write_text('{"copy": true}', encoding="utf-8")
    out = tmp_path / "heap"
    result = run("build", "--out", str(out), "--runtime", "pyodide", "--pyodide-dir", str(dist))
    assert result.returncode == 0, result.stderr
    assert file_of(out, "pyodide/pyodide-lock.json").read_text(encoding="utf-8") == '{"copy": true}'


def test_version_names_every_shipped_runtime():
    result = run("--version")
    assert result.returncode == 0 and result.stderr == ""
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lines = result.stdout.splitlines()
    assert lines[0] == "heap-device 0.1.0"
    assert "PyScript %s" % pinned["@pyscript/core"] in lines
    assert "MicroPython %s" % pinned["@micropython/micropython-webassembly-pyscript"] in lines
    assert any(line.startswith("Pyodide %s" % pinned["pyodide"]) for line in lines)
    assert "RudderStack JS SDK %s (v1.1, offline tests)" % pinned["rudder-sdk-js"] in lines


def test_build_refuses_an_out_it_cannot_use(tmp_path):
    a_file = tmp_path / "heap.txt"
    a_file.write_text("keep me", encoding="utf-8")
    for out, words in ((a_file, "is a file"), (a_file / "sub", "cannot be written")):
        one_line_error(run("build", "--out", str(out)), words)
    assert a_file.read_text(encoding="utf-8") == "keep me"


def test_build_never_deletes_what_it_did_not_write(tmp_path):
    site = tmp_path / "site"
    for name in ("index.html", "pyodide/notes.txt", "micropython/mine.py", "pyscript/x.js"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("mine: " + name, encoding="utf-8")
    theirs = {p: p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()}
    # --out site instead of site/heap: refused, nothing touched.
    one_line_error(run("build", "--out", str(site)), "did not write", "--force", "heap")
    assert {p: p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()} == theirs
    # --force writes beside them and keeps them, through a rebuild of another kind too.
    assert run("build", "--out", str(site), "--force").returncode == 0
    assert run("build", "--out", str(site), "--force", "--boot", "pyscript").returncode == 0
    assert run("build", "--out", str(site), "--force", "--boot", STRICT).returncode == 0
    for path, text in theirs.items():
        assert path.read_text(encoding="utf-8") == text
    assert "pyscript/core.js" in files_in(site)  # the build before is kept...
    assert run("build", "--out", str(site), "--force", "--boot", STRICT).returncode == 0
    assert "pyscript/core.js" in files_in(site)  # ...through a rebuild of the same files...
    assert run("build", "--out", str(site), "--force", "--boot", STRICT, "--dev").returncode == 0
    assert "pyscript/core.js" not in files_in(site)  # ...until the next build that differs


def test_rebuild_replaces_only_its_own_files(tmp_path):
    out = tmp_path / "heap"
    assert (
        run("build", "--out", str(out), "--base-url", "/heap", "--boot", "pyscript").returncode == 0
    )
    assert "pyscript/core.js" in files_in(out)
    assert run("build", "--out", str(out), "--boot", STRICT).returncode == 0
    # The build before is kept (a page cached with its tag still loads), its tag file is not...
    assert "pyscript/core.js" in files_in(out) and not (out / "heap-device.tag.html").exists()
    # ...nor by a rebuild of the same files (issue 22 item 3)...
    assert run("build", "--out", str(out), "--boot", STRICT).returncode == 0
    assert "pyscript/core.js" in files_in(out)
    # ...and goes at the next build that differs.
    assert run("build", "--out", str(out), "--boot", STRICT, "--dev").returncode == 0
    assert "pyscript/core.js" not in files_in(out)
    (out / "extra.txt").write_text("a user's file", encoding="utf-8")
    one_line_error(run("build", "--out", str(out)), "'extra.txt'")
    assert entry_file(out).is_file()


@pytest.mark.parametrize("where", ["root", "home", "empty", "repo", "package", "cwd-root"])
def test_build_refuses_folders_no_build_belongs_in(where, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    out, cwd = {
        "root": ("/", None),
        "home": ("~", None),
        "empty": ("", REPO),
        "repo": (str(REPO), None),
        "package": (str(REPO / "heap_device" / "core"), None),
        "cwd-root": (".", "/"),
    }[where]
    before = sorted(os.listdir(cwd or REPO))
    result = run("build", "--out", out, env={"HOME": str(home)}, cwd=cwd)
    one_line_error(result, "name a folder")
    assert sorted(os.listdir(cwd or REPO)) == before and os.listdir(home) == []


@pytest.mark.parametrize("app_id", ["abc", "12 3", "", "1" * 33, "<script>"])
def test_demo_refuses_a_bad_app_id(app_id):
    result = run("demo", "--app-id", app_id)
    one_line_error(result, "--app-id")


@pytest.mark.parametrize("base", ["heap", "./heap", "../heap", "heap/"])
def test_relative_base_urls_are_refused(base, built):
    # A relative src resolves against each page's own path: /shop/cart would load /shop/cart/heap.
    result = run("snippet", "--from", str(built), "--base-url", base)
    one_line_error(result, "is relative", "start it with / or http(s)://")


def test_ports_outside_the_range_are_one_line(tmp_path):
    for port in ("99999", "65536", "-1", "http"):
        one_line_error(run("demo", "--port", port, cwd=tmp_path), "not a port: use 1-65535")
