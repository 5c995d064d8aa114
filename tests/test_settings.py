"""docs/contract.md §2 and §3: settings and loading, one row a rule (rows in vectors.py)."""

import json
from pathlib import Path

import pytest
from vectors import APP, LOADER, SETTINGS, SETTINGS_ERRORS

from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import CLASSIC_METHODS, V5_METHODS, loader_plan
from heap_device.core.settings import DECLARED, DEFAULTS, resolve_settings
from heap_device.tools import UsageError
from heap_device.tools.snippet import _check_options


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
    assert not text.startswith("heap-device")  # the bridge and the CLI add it, once
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


def settings_table():
    """The README's settings table, written from the one declaration in core/settings.py."""

    def cell(text):
        return text.replace("|", "\\|")

    def default(setting):
        if setting.name == "appId":
            return "required"
        if setting.default is None:
            return "none"
        return "`%s`" % json.dumps(setting.default)

    rows = ["| setting | accepts | default | meaning |", "|---|---|---|---|"]
    for setting in DECLARED:
        rows.append(
            "| `%s` | %s | %s | %s |"
            % (setting.name, cell(setting.accepts), default(setting), cell(setting.description))
        )
    return "\n".join(rows) + "\n"


def test_readme_settings_table_is_the_declaration():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|")) + "\n"
    assert table == settings_table(), "README's Settings table drifted; write:\n" + settings_table()


def test_every_setting_is_declared_with_all_it_needs():
    assert [s.name for s in DECLARED] == list(DEFAULTS)
    for setting in DECLARED:
        assert setting.accepts and setting.description and "\n" not in setting.description
        assert setting.default is None or setting.check(setting.default) == setting.default


@pytest.mark.parametrize("setting", DECLARED, ids=[s.name for s in DECLARED])
def test_blank_means_unset_only_where_the_declaration_says_so(setting):
    config = {"appId": "1", setting.name: ""}
    if setting.blank_is_unset:
        if setting.name == "appId":
            with pytest.raises(HeapDeviceError, match="appId is missing"):
                resolve_settings(config, {})
        else:
            assert resolve_settings(config, {})[0][setting.name] == setting.default
    else:
        with pytest.raises(HeapDeviceError, match='%s "" is not valid' % setting.name):
            resolve_settings(config, {})


@pytest.mark.parametrize(
    "options, message",
    [(row[2], row[3]) for row in SETTINGS_ERRORS if row[1] == APP and isinstance(row[2], dict)],
    ids=[row[0] for row in SETTINGS_ERRORS if row[1] == APP and isinstance(row[2], dict)],
)
def test_cli_options_check_refuses_what_the_browser_refuses(options, message):
    with pytest.raises(UsageError) as caught:
        _check_options(options)
    assert message in str(caught.value)


@pytest.mark.parametrize("row", SETTINGS, ids=[row[0] for row in SETTINGS])
def test_cli_options_check_accepts_what_the_browser_accepts(row):
    _, _, options, _, warning = row
    if warning is None:
        _check_options(options)
    else:
        with pytest.raises(UsageError, match="unknown setting"):
            _check_options(options)


def test_the_contract_names_every_declared_setting():
    contract = (Path(__file__).resolve().parent.parent / "docs" / "contract.md").read_text("utf-8")
    section = contract.split("\n## 2. Settings\n", 1)[1].split("\n## 3.", 1)[0]
    assert [s.name for s in DECLARED if "`%s`" % s.name not in section] == []
