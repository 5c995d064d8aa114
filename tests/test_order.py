"""MicroPython's key order (core/order.py): the order-preserving decoder and the fallback that
uses it only when an answer depends on key order."""

import json

import pytest
from conftest import run
from hypothesis import given
from test_jstext import json_values
from vectors import CALLS

from heap_device.core import order
from heap_device.core.calls import handle


@given(json_values)
def test_ordered_decoding_equals_native_decoding(value):
    text = json.dumps(value, ensure_ascii=False)
    assert order.decode_ordered(text) == json.loads(text)
    spaced = json.dumps(value, indent=2)
    assert order.decode_ordered(spaced) == json.loads(spaced)


def test_ordered_decoding_keeps_key_order():
    decoded = order.decode_ordered('{"z": 1, "a": {"y": 2, "b": 3}, "m": "q\\"}"}')
    assert list(decoded) == ["z", "a", "m"]
    assert list(decoded["a"]) == ["y", "b"]
    assert decoded["m"] == 'q"}'


@pytest.mark.parametrize("text", ["{", "[1,", '{"a" 1}', "[1] 2", "tru"])
def test_ordered_decoding_rejects_broken_json(text):
    with pytest.raises(ValueError):
        order.decode_ordered(text)


@pytest.mark.parametrize("row", CALLS, ids=[row[0] for row in CALLS])
def test_unordered_interpreter_path_gives_the_same_calls(monkeypatch, settings_for, row):
    """Pretend dicts are unordered, as on MicroPython: every row must still come out the same."""
    _, overrides, message, expected, _ = row
    monkeypatch.setattr(order, "ORDERED_DICTS", False)
    calls, _ = run(message, settings_for(**overrides))
    assert calls == expected


def test_order_fallback_is_used_only_when_order_matters(monkeypatch, settings_for):
    used = []
    real = order.decode_ordered
    monkeypatch.setattr(order, "ORDERED_DICTS", False)
    monkeypatch.setattr(order, "decode_ordered", lambda text: used.append(text) or real(text))
    plain = json.dumps({"type": "track", "event": "E", "properties": {"a": {"b": 1}, "c": 2}})
    handle(plain, settings_for())
    assert used == []
    twins = json.dumps({"type": "track", "event": "E", "properties": {"a.b": 1, "a": {"b": 2}}})
    calls = handle(twins, settings_for())["calls"]
    assert len(used) == 1 and calls == [["track", ["E", {"a.b": 2}]]]
