"""Properties that hold for ANY input: every Heap call obeys Heap's limits, the input is never
modified, and mapping never raises (docs/contract.md §5 and §6).

Lengths and cuts are checked against this file's own reading of UTF-16 (Python's codec), never
against the core's jstext, so a slip there cannot hide itself.
"""

import copy
import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heap_device.core.calls import calls_for, handle
from heap_device.core.settings import resolve_settings

text = st.text(max_size=40) | st.sampled_from(["[Circular Reference]", "", "a.b", "user_id"])
long_text = st.text(min_size=200, max_size=1500) | st.text(st.just("\U0001f600"), min_size=100)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
    | long_text
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(text, inner, max_size=5),
    max_leaves=40,
)
ids = st.none() | text | long_text | st.integers() | st.floats() | st.booleans()
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(["identify", "track", "page", "group", "alias", "reset", "x"])},
    optional={
        "userId": ids,
        "groupId": ids,
        "event": ids,
        "properties": values,
        "traits": values,
        "context": st.fixed_dictionaries({}, optional={"traits": values}) | values,
    },
)
all_settings = st.fixed_dictionaries(
    {},
    optional={
        "sdk": st.sampled_from(["v5", "classic"]),
        "trackPageCalls": st.booleans(),
        "arrayFormat": st.sampled_from(["joined", "json"]),
        "resetOnReset": st.booleans(),
    },
)

LIMITS = {"track": 1023, "addUserProperties": 255, "addAccountProperties": 255}
MARK = "[Circular Reference]"
PLACEHOLDERS = {"undefined", "null", "none", "nil", "nan", "true", "false", "[object object]"}
PLACEHOLDERS |= {"anonymous", "unknown", "user", "guest"}


def utf16_length(text):
    """JavaScript's .length, by Python's own UTF-16 codec."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def expected_cut(text, limit):
    """The longest prefix within `limit` UTF-16 units that splits no character, via the codec."""
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * limit]
    if units and 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        cut_here = text.encode("utf-16-le", "surrogatepass")[2 * limit : 2 * limit + 2]
        if cut_here and 0xDC00 <= int.from_bytes(cut_here, "little") <= 0xDFFF:
            units = units[:-2]  # the high half of a pair whose low half did not fit
    return units.decode("utf-16-le", "surrogatepass")


def check_properties(method, props):
    assert isinstance(props, dict)
    for key, value in props.items():
        assert isinstance(key, str) and key and utf16_length(key) <= 511
        assert type(value) in (bool, int, float, str), (key, value)
        if type(value) is str:
            assert utf16_length(value) <= LIMITS[method]
            assert value != "[Circular Reference]"
        if method != "track":
            assert type(value) is not bool, "user and account properties take no booleans"
    if method == "addUserProperties":
        assert "user_id" not in props


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(messages, all_settings)
def test_any_message_gives_calls_within_heaps_limits(message, overrides):
    settings_, _ = resolve_settings({"appId": "1"}, overrides)
    original = copy.deepcopy(message)
    calls, notes = calls_for(message, settings_)
    assert message == original
    for method, args in calls:
        if method == "identify":
            assert len(args) == 1 and type(args[0]) in (str, int, float)
            assert 0 < utf16_length(str(args[0])) <= 254
        elif method == "track":
            name, props = args
            assert type(name) is str and 0 < utf16_length(name) <= 255
            check_properties(method, props)
        elif method in ("addUserProperties", "addAccountProperties"):
            assert len(args) == 1 and args[0]
            check_properties(method, args[0])
        else:
            assert (method, args) == ("resetIdentity", [])
    for level, note in notes:
        assert level in ("warn", "info", "debug") and type(note) is str


@settings(max_examples=200, deadline=None)
@given(messages)
def test_json_path_equals_data_path(message):
    settings_, _ = resolve_settings({"appId": "1"}, {"trackPageCalls": True})
    calls = [[method, args] for method, args in calls_for(message, settings_)[0]]
    assert handle(json.dumps(message), settings_)["calls"] == calls


@given(st.text(max_size=30) | st.integers() | st.none() | st.lists(st.integers(), max_size=2))
def test_any_garbage_text_never_raises(garbage):
    settings_, _ = resolve_settings({"appId": "1"}, {})
    result = handle(json.dumps(garbage), settings_)
    assert result["calls"] == []
    assert result["notes"] == [["warn", "a message that is not an object was skipped"]]


# Around the limits, with characters of one unit (a, U+FFFF) and of two (an emoji).
mixed = st.text(st.sampled_from("a\uffff\U0001f600"), min_size=120, max_size=1100)
any_text = st.text(max_size=1500) | long_text | mixed


@settings(max_examples=150, deadline=None)
@given(any_text, st.sampled_from(["track", "identify"]))
def test_a_string_value_is_cut_exactly_as_javascript_would(value, kind):
    settings_, _ = resolve_settings({"appId": "1"}, {})
    if kind == "track":
        message, method, limit = (
            {"type": "track", "event": "E", "properties": {"s": value}},
            0,
            1023,
        )
    else:
        message, method, limit = {"type": "identify", "traits": {"s": value}}, 0, 255
    calls = handle(json.dumps(message), settings_)["calls"]
    props = calls[method][1][-1] if calls else {}
    if value == MARK:
        assert props == {}
    else:
        assert props == {"s": expected_cut(value, limit)}


@settings(max_examples=150, deadline=None)
@given(ids | mixed)
def test_an_identity_is_sent_exactly_when_the_contract_allows_it(user_id):
    settings_, _ = resolve_settings({"appId": "1"}, {})
    calls = handle(json.dumps({"type": "identify", "userId": user_id}), settings_)["calls"]
    if type(user_id) is str:
        identity = user_id.strip()
        allowed = 0 < utf16_length(identity) <= 254 and identity != MARK
        allowed = allowed and identity.lower() not in PLACEHOLDERS
    else:  # a finite number's text is short and never a placeholder
        identity = user_id
        allowed = type(user_id) in (int, float) and math.isfinite(user_id)
    assert calls == ([["identify", [identity]]] if allowed else [])
