"""SPEC sections 2 and 3: settings and loading, one row a rule (rows in vectors.py)."""

import pytest
from vectors import LOADER, SETTINGS, SETTINGS_ERRORS

from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import CLASSIC_METHODS, V5_METHODS, loader_plan
from heap_device.core.settings import resolve_settings


@pytest.mark.parametrize(
    "config, options, expected, warning",
    [row[1:] for row in SETTINGS],
    ids=[row[0] for row in SETTINGS],
)
def test_settings(config, options, expected, warning):
    settings, notes = resolve_settings(config, options)
    for key, value in expected.items():
        assert settings[key] == value, key
    warns = [text for level, text in notes if level == "warn"]
    if warning is None:
        assert warns == []
    else:
        assert len(warns) == 1 and warning in warns[0]


@pytest.mark.parametrize(
    "config, options, message",
    [row[1:] for row in SETTINGS_ERRORS],
    ids=[row[0] for row in SETTINGS_ERRORS],
)
def test_bad_settings_raise_one_clear_error(config, options, message):
    with pytest.raises(HeapDeviceError) as caught:
        resolve_settings(config, options)
    text = str(caught.value)
    assert text.startswith("heap-device: ")
    assert message in text
    assert "\n" not in text


def test_bad_appid_message_names_value_and_fix():
    with pytest.raises(HeapDeviceError, match=r'appId "abc" is not a Heap environment ID \(digits'):
        resolve_settings({"appId": "abc"}, {})


def test_unknown_key_named_once_even_when_given_twice():
    _, notes = resolve_settings({"appId": "1", "x": 1}, {"x": 2})
    assert len(notes) == 1


@pytest.mark.parametrize(
    "overrides, expected", [row[1:] for row in LOADER], ids=[row[0] for row in LOADER]
)
def test_loader_plan(overrides, expected):
    settings, _ = resolve_settings({"appId": "1234567890"}, overrides)
    plan = loader_plan(settings)
    for key, value in expected.items():
        assert plan[key] == value, key
    assert plan["appId"] == "1234567890"


def test_stub_methods_are_the_chosen_loaders():
    v5 = loader_plan(resolve_settings({"appId": "1"}, {})[0])
    classic = loader_plan(resolve_settings({"appId": "1"}, {"sdk": "classic"})[0])
    assert v5["methods"] == list(V5_METHODS) and len(V5_METHODS) == 23
    assert classic["methods"] == list(CLASSIC_METHODS) and len(CLASSIC_METHODS) == 9
    assert "addAccountProperties" in v5["methods"]
    assert "addAccountProperties" not in classic["methods"]
    for plan in (v5, classic):
        assert {"identify", "addUserProperties", "track", "resetIdentity"} <= set(plan["methods"])


def test_unset_load_options_are_not_passed():
    plan = loader_plan(resolve_settings({"appId": "1"}, {"sdk": "classic"})[0])
    assert plan["config"] == {}
    assert None not in plan["config"].values()
