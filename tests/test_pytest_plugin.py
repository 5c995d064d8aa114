"""The pytest plugin's packaging: an installed heap-device[testing] gives pytest the heap_calls
fixture by itself (e2e/test_pytest_plugin.py runs it in a browser, as a site owner would)."""

from importlib.metadata import distribution

from heap_device.tools import pytest_plugin
from heap_device.tools.server import STANDIN


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
