"""The scripts a build ships are minified in the repository (static/minified/, `make minify`).

A build needs no Node: it takes terser's output for its entry and runtime module from
static/minified/, writes its BUILD object in, and only then hashes them (the chain of trust covers
the shipped bytes). After an edit to static/page/ or the runtime module, the first test here fails
until `make minify` is run.
"""

import shutil

import pytest
from conftest import without_build

from heap_device.tools import bundle, minified
from heap_device.tools.snippet import integrity


def test_static_minified_is_todays():
    problems = minified.problems()
    assert not problems, "\n".join(problems)


def _terser_runs():
    try:
        minified.minify("var BUILD = %s;\n" % bundle.BUILD_STANDIN, False)
    except Exception:
        return False
    return True


@pytest.mark.skipif(not shutil.which("terser") or not _terser_runs(), reason="needs terser")
def test_each_minified_script_is_terser_output_of_its_template():
    for template, (_, module) in minified.templates().items():
        path = bundle.minified_path(template)
        assert path.read_text(encoding="utf-8") == minified.minify(template, module), path.name


def _shipped(files, logical):
    [name] = [name for name in files if bundle.logical_name(name) == logical]
    return name, files[name].decode("utf-8")


@pytest.mark.parametrize("dev", [False, True])
def test_a_build_ships_its_scripts_minified_with_their_build_objects(dev):
    files = bundle.bundle_files("micropython", dev=dev)
    entry_name, entry = _shipped(files, bundle.ENTRY)
    runtime_name, runtime_js = _shipped(files, bundle.RUNTIME_SCRIPT)
    kinds = [
        (entry, bundle.render_adapter("micropython", dev=dev)),
        (runtime_js, bundle.render_runtime_module("micropython", dev=dev, site=False)),
    ]
    for text, rendered in kinds:
        assert bundle.build_of(text) is not None
        path = bundle.minified_path(bundle.script_template(rendered))
        assert without_build(text) == path.read_text(encoding="utf-8")
    assert bundle.build_of(entry)["dev"] is dev
    # The chain of trust holds the bytes that ship.
    assert bundle.build_of(entry)["integrity"] == {runtime_name: integrity(runtime_js.encode())}
    assert entry_name == bundle.hashed_name(bundle.ENTRY, entry.encode())


def test_a_script_without_its_minified_form_ships_as_rendered(monkeypatch, tmp_path):
    text = bundle.render_adapter("micropython")
    assert bundle.shipped_script(text) != text
    monkeypatch.setattr(bundle, "MINIFIED", tmp_path)
    assert bundle.shipped_script(text) == text
