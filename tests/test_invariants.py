"""Properties that hold for ANY input: every Heap call obeys Heap's limits, the input is never
modified, and mapping never raises (SPEC sections 5 and 6)."""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heap_device.core.calls import calls_for, handle
from heap_device.core.jstext import utf16_length
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
    assert result["calls"] == [] and result["notes"]
