"""docs/contract.md §4 and §5, one row a rule (the rows live in vectors.py)."""

import copy
import json

import pytest
from conftest import only_fields, run, warnings
from vectors import CALLS, t

from heap_device.core.calls import MESSAGE_FIELDS, calls_for, handle


@pytest.mark.parametrize(
    "overrides, message, expected, warning",
    [row[1:] for row in CALLS],
    ids=[row[0] for row in CALLS],
)
def test_message_gives_heap_calls(settings_for, overrides, message, expected, warning):
    original = copy.deepcopy(message)
    calls, notes = run(message, settings_for(**overrides))
    assert calls == expected
    found = warnings(notes)
    if warning is None:
        assert found == []
    else:
        assert len(found) == 1, found
        assert warning in found[0]
        assert not found[0].startswith("heap-device")  # the bridge adds it, once
    assert message == original  # the input is never modified


def test_vectors_have_unique_names():
    names = [row[0] for row in CALLS]
    assert len(names) == len(set(names))


def test_heap_call_arguments_are_plain_json(settings_for):
    message = {
        "type": "identify",
        "userId": "u",
        "context": {"traits": {"a": {"b": [1, {"c": None}]}, "d": True}},
    }
    calls, _ = run(message, settings_for())
    assert calls == [
        ["identify", ["u"]],
        ["addUserProperties", [{"a.b": '[1,{"c":null}]', "d": "true"}]],
    ]
    assert json.loads(json.dumps(calls)) == calls


def test_debug_notes_say_what_was_dropped_and_cut(settings_for):
    message = {
        "type": "track",
        "event": "E",
        "properties": {"gone": None, "empty": {}, "long": "x" * 1100},
    }
    _, notes = run(message, settings_for())
    infos = [text for level, text in notes if level == "info"]
    assert 'dropped "gone": null' in infos
    assert 'dropped "empty": empty object' in infos
    assert 'cut "long" to 1023 characters (was 1100)' in infos


@pytest.mark.parametrize(
    "dropped, rest",
    [(20, []), (21, [["info", "... and 1 more"]]), (5000, [["info", "... and 4980 more"]])],
)
def test_notes_stay_bounded_for_huge_inputs(settings_for, dropped, rest):
    """At most 20 notes per message, then one line for the rest; exactly 20 need no such line."""
    props = {"k%d" % i: None for i in range(dropped)}
    _, notes = run({"type": "track", "event": "E", "properties": props}, settings_for())
    assert notes == [["info", 'dropped "k%d": null' % i] for i in range(20)] + rest


def test_page_off_explains_itself_in_debug(settings_for):
    calls, notes = run({"type": "page"}, settings_for())
    assert calls == []
    assert any("trackPageCalls" in text for level, text in notes if level == "debug")


def test_invalid_json_text_is_skipped_with_a_warning(settings_for):
    result = handle("{not json", settings_for())
    assert result == {
        "type": "unreadable",
        "messageId": None,
        "calls": [],
        "notes": [["warn", "a message was not valid JSON and was skipped"]],
    }


@pytest.mark.parametrize("row", CALLS, ids=[row[0] for row in CALLS])
def test_message_fields_hold_everything_the_mapping_reads(settings_for, row):
    _, overrides, message, expected, _ = row
    full = dict(message) if isinstance(message, dict) else message
    if isinstance(full, dict):  # what the SDK adds around every message, never read
        if isinstance(full.get("context", {}), dict):
            full["context"] = {**full.get("context", {}), "userAgent": "x", "page": {"a": 1}}
        full["anonymousId"] = "anon"
    slim = only_fields(full, MESSAGE_FIELDS)
    assert run(slim, settings_for(**overrides)) == run(full, settings_for(**overrides))
    assert run(slim, settings_for(**overrides))[0] == expected


def test_handle_returns_everything_the_glue_needs_in_one_value(settings_for):
    text = json.dumps({"type": "identify", "messageId": "m-1", "userId": "u", "traits": {"x": 1}})
    assert handle(text, settings_for()) == {
        "type": "identify",
        "messageId": "m-1",
        "calls": [["identify", ["u"]], ["addUserProperties", [{"x": 1}]]],
        "notes": [],
    }
    assert handle("[1]", settings_for())["type"] == "untyped"
    assert handle('{"type": 5, "messageId": 7}', settings_for())["messageId"] is None


def test_handle_decodes_the_text_once(monkeypatch, settings_for):
    """One parse per message (docs/contract.md §6): count the json.loads calls."""
    from heap_device.core import calls as calls_module

    parsed = []

    class CountingJson:
        @staticmethod
        def loads(text):
            parsed.append(text)
            return json.loads(text)

    monkeypatch.setattr(calls_module, "json", CountingJson)
    text = json.dumps(t({"a": [{"z": 1, "y": 2}], "b.c": 1, "b": {"c": 2}}))
    handle(text, settings_for(debug=True))
    assert parsed == [text]


def test_a_failing_mapping_is_one_error_note_naming_the_type(monkeypatch, settings_for):
    from heap_device.core import calls as calls_module

    def broken(message, settings, notes):
        raise KeyError("boom")

    monkeypatch.setitem(calls_module.HANDLERS, "track", broken)
    result = handle(json.dumps({"type": "track", "event": "E"}), settings_for())
    assert result["calls"] == []
    assert result["notes"] == [["error", "could not handle a track message: KeyError: 'boom'"]]


INF = float("inf")
NAN = float("nan")
NOT_AN_ID = "%s null is not a string or number; ignored"
NO_NAME = "track call without an event name (null); skipped"


@pytest.mark.parametrize(
    "message, expected, warning",
    [
        (
            {"type": "identify", "userId": INF, "traits": {"a": 1}},
            [["addUserProperties", [{"a": 1}]]],
            NOT_AN_ID % "identity",
        ),
        ({"type": "identify", "userId": -INF}, [], NOT_AN_ID % "identity"),
        ({"type": "identify", "userId": NAN}, [], NOT_AN_ID % "identity"),
        ({"type": "group", "groupId": INF}, [], NOT_AN_ID % "groupId"),
        ({"type": "track", "event": NAN}, [], NO_NAME),
        ({"type": "track", "event": -INF}, [], NO_NAME),
        (t({"n": NAN, "i": INF, "k": 1}), [["track", ["E", {"k": 1}]]], None),
        (t({"a": [1, INF]}), [["track", ["E", {"a": "[1,null]"}]]], None),
    ],
)
def test_non_finite_numbers_are_no_identity_name_or_value(settings_for, message, expected, warning):
    """JSON cannot carry NaN or Infinity, but calls_for takes Python data: the rules still hold."""
    calls, notes = calls_for(message, settings_for())
    assert [[method, args] for method, args in calls] == expected
    assert warnings(notes) == ([] if warning is None else [warning])


def test_a_number_too_big_for_a_double_is_no_identity(settings_for):
    # Valid JSON that parses to infinity; JSON.stringify never writes it, the core still copes.
    result = handle(
        '{"type": "identify", "userId": 1e400, "traits": {"n": -1e400, "a": 1}}', settings_for()
    )
    assert result["calls"] == [["addUserProperties", [{"a": 1}]]]
