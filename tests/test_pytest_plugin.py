"""The pytest plugin's packaging: an installed heap-device[testing] gives pytest its fixtures by
itself (e2e/test_pytest_plugin.py runs them in a browser, as a site owner would), and costs a
project that uses none of them nothing but the plugin module."""

import json
from importlib.metadata import distribution

from heap_device.tools import pytest_plugin
from heap_device.tools.server import STANDIN

pytest_plugins = ["pytester"]


def test_pytest_finds_the_plugin_through_its_entry_point():
    points = [e for e in distribution("heap-device").entry_points if e.group == "pytest11"]
    assert [(e.name, e.value) for e in points] == [("heap_device", pytest_plugin.__name__)]


def test_the_testing_extra_brings_pytest_playwright():
    requires = distribution("heap-device").requires or []
    testing = [r for r in requires if 'extra == "testing"' in r]
    assert any(r.startswith("pytest-playwright") for r in testing), requires


def test_the_stand_in_it_serves_is_the_one_the_package_ships():
    assert STANDIN.is_file()
    assert "__heapCalls" in STANDIN.read_text(encoding="utf-8")


# A project's test that uses none of heap-device's fixtures writes down which of heap-device's
# modules its pytest session imported (the plugin is loaded by its entry point, before any test).
SEEN_MODULES = """
import json
import sys
from pathlib import Path


def test_something_else():
    seen = sorted(m for m in sys.modules if m == "heap_device" or m.startswith("heap_device."))
    (Path(__file__).parent / "modules.json").write_text(json.dumps(seen))
"""


def test_a_session_that_uses_no_fixture_imports_only_the_plugin(pytester):
    pytester.makepyfile(test_other=SEEN_MODULES)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    seen = json.loads((pytester.path / "modules.json").read_text())
    # the two packages the entry point's dotted name runs through, and the plugin itself
    assert seen == ["heap_device", "heap_device.tools", "heap_device.tools.pytest_plugin"]
    fixtures = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fixtures")
    fixtures.stdout.fnmatch_lines(["heap_calls*", "rudderstack*", "heap_try*"])
