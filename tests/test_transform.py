"""docs/contract.md §9: a site's own transformEvent, one row a rule (rows: vectors.py)."""

import json

import pytest
from vectors import RAISES, TRANSFORMS, tr

from heap_device.core import order
from heap_device.core.transform import SiteTransform, handle, unloadable


def site_of(source, destination_id=None, filename="<transform>"):
    scope = {}
    exec(compile(source, filename, "exec"), scope)
    return SiteTransform(scope["transformEvent"], destination_id)


def levels(notes):
    return [level for level, _ in notes]


@pytest.mark.parametrize(
    "source, overrides, destination, message, expected, outcome",
    [row[1:] for row in TRANSFORMS],
    ids=[row[0] for row in TRANSFORMS],
)
def test_transform_row(settings_for, source, overrides, destination, message, expected, outcome):
    result = handle(
        json.dumps(message), settings_for(**overrides), site_of(source, destination), True
    )
    assert result["calls"] == expected
    if outcome is None:
        assert "transform" not in result
    else:
        assert result["transform"]["outcome"] == outcome
    assert result["type"] == message["type"]


@pytest.mark.parametrize("row", TRANSFORMS, ids=[row[0] for row in TRANSFORMS])
def test_transform_row_without_ordered_dicts(monkeypatch, settings_for, row):
    """The same rows as MicroPython maps them: native dicts lose order, the text gives it back."""
    _, source, overrides, destination, message, expected, _ = row
    monkeypatch.setattr(order, "ORDERED_DICTS", False)
    result = handle(json.dumps(message), settings_for(**overrides), site_of(source, destination))
    assert result["calls"] == expected


def test_vectors_have_unique_names():
    names = [row[0] for row in TRANSFORMS]
    assert len(names) == len(set(names))


def test_what_the_transform_returned_is_the_outcome_detail(settings_for):
    source = (
        "def transformEvent(event, metadata):\n"
        "    return [event, {'type': 'track', 'event': 'B'}]\n"
    )
    result = handle(json.dumps(tr()), settings_for(), site_of(source))
    assert result["transform"] == {
        "outcome": "split",
        "events": [tr(), {"type": "track", "event": "B"}],
    }
    assert result["messageId"] == "m-1"


def test_without_dev_a_returned_dict_is_changed_unchecked(settings_for):
    result = handle(
        json.dumps(tr()), settings_for(), site_of("def transformEvent(e, m):\n return e\n")
    )
    assert result["transform"]["outcome"] == "changed"


def test_a_drop_says_so_with_debug(settings_for):
    result = handle(json.dumps(tr()), settings_for(), site_of("def transformEvent(e, m):\n pass\n"))
    assert result["notes"] == [["debug", "track dropped by transformEvent"]]
    assert result["transform"] == {"outcome": "dropped", "events": []}


def test_an_exception_names_file_line_and_exception_once(settings_for):
    site = site_of(RAISES, filename="rules.py")
    settings = settings_for(transformErrors="send")
    first = handle(json.dumps(tr()), settings, site)
    assert first["notes"] == [
        [
            "error",
            "transformEvent raised at rules.py line 3: ZeroDivisionError: integer division or "
            'modulo by zero; the message was sent as it was (transformErrors: "send"; said once, '
            "later ones are counted with debug)",
        ]
    ]
    assert first["transform"] == {
        "outcome": "error",
        "events": [],
        "error": "transformEvent raised at rules.py line 3: ZeroDivisionError: integer division "
        "or modulo by zero",
    }
    again = [handle(json.dumps(tr()), settings, site)["notes"] for _ in range(2)]
    assert again == [
        [
            [
                "debug",
                "transformEvent raised at rules.py line 3: ZeroDivisionError: integer division "
                "or modulo by zero again (%d times so far); the message was sent as it was" % n,
            ]
        ]
        for n in (2, 3)
    ]


def test_the_line_is_the_deepest_in_the_transforms_own_file(settings_for):
    source = (
        "import json\n"
        "def helper(text):\n"
        "    return json.loads(text)\n"
        "def transformEvent(event, metadata):\n"
        "    return helper('not json')\n"
    )
    result = handle(json.dumps(tr()), settings_for(), site_of(source, filename="rules.py"))
    assert result["notes"][0][1].startswith("transformEvent raised at rules.py line 3: JSONDecode")


def test_errors_give_the_sites_file_name_not_the_bundles_module(settings_for):
    scope = {}
    exec(compile(RAISES, "/heap-device/heap_device/site_transform.py", "exec"), scope)
    site = SiteTransform(scope["transformEvent"], None, "rules.py")
    result = handle(json.dumps(tr()), settings_for(), site)
    assert result["notes"][0][1].startswith("transformEvent raised at rules.py line 3: ")


def test_a_different_error_is_said_again(settings_for):
    source = (
        "def transformEvent(event, metadata):\n"
        "    if event['event'] == 'A':\n"
        "        raise ValueError('a')\n"
        "    raise KeyError('b')\n"
    )
    site = site_of(source, filename="rules.py")
    settings = settings_for(transformErrors="drop")
    notes = [handle(json.dumps(tr(name)), settings, site)["notes"] for name in "ABA"]
    assert [levels(n) for n in notes] == [["error"], ["error"], ["debug"]]
    assert notes[1][0][1].startswith(
        "transformEvent raised at rules.py line 4: KeyError: 'b'; the message was dropped"
    )


def test_a_bad_return_is_said_once(settings_for):
    site = site_of("def transformEvent(event, metadata):\n    return 'x'\n")
    settings = settings_for(transformErrors="send")
    notes = [handle(json.dumps(tr()), settings, site)["notes"] for _ in range(3)]
    assert [levels(n) for n in notes] == [["error"], ["debug"], ["debug"]]
    assert notes[0][0][1].startswith(
        "transformEvent returned a string; it must return a dict with a type (track, identify, "
        "page, group or alias), a list of them, or None; the message was sent as it was"
    )


@pytest.mark.parametrize(
    ("options", "expected_calls"),
    [
        ({}, []),  # the default: a masking rule that fails must not leak what it should mask
        ({"transformErrors": "drop"}, []),
        ({"transformErrors": "send"}, [["track", ["Order Completed", {"total": 5}]]]),
    ],
)
def test_a_failing_transform_drops_the_message_unless_send_is_chosen(
    settings_for, options, expected_calls
):
    result = handle(json.dumps(tr()), settings_for(**options), site_of(RAISES))
    assert result["calls"] == expected_calls
    assert result["transform"]["outcome"] == "error"


def test_the_drop_line_says_how_to_choose_send(settings_for):
    result = handle(json.dumps(tr()), settings_for(), site_of(RAISES, filename="rules.py"))
    [[level, text]] = result["notes"]
    assert level == "error"
    assert text.endswith(
        '; the message was dropped (transformErrors: "drop", the default; to send such a '
        'message as it was instead, build with --options \'{"transformErrors": "send"}\'; '
        "said once, later ones are counted with debug)"
    )


@pytest.mark.parametrize(
    ("choice", "site_kind", "text"),
    [
        (
            "drop",
            SiteTransform,
            "your transform could not be loaded (ImportError: no module named 'typing'); every "
            'message is dropped (transformErrors: "drop", the default; to send such a message as '
            'it was instead, build with --options \'{"transformErrors": "send"}\')',
        ),
        (
            "send",
            type(None),
            "your transform could not be loaded (ImportError: no module named 'typing'); every "
            'message is sent as it was (transformErrors: "send")',
        ),
    ],
)
def test_a_transform_that_cannot_load_drops_all_or_sends_all(settings_for, choice, site_kind, text):
    settings = settings_for(transformErrors=choice)
    site, said = unloadable("ImportError: no module named 'typing'", settings, "dest-9")
    assert said == text and type(site) is site_kind
    if site is not None:
        assert handle(json.dumps(tr()), settings, site)["calls"] == []


def test_the_next_message_is_handled_normally_after_an_error(settings_for):
    source = (
        "def transformEvent(event, metadata):\n"
        "    if event['event'] == 'bad':\n"
        "        raise ValueError('no')\n"
        "    event['event'] = 'ok ' + event['event']\n"
        "    return event\n"
    )
    site = site_of(source)
    settings = settings_for(transformErrors="drop")
    calls = [handle(json.dumps(tr(name)), settings, site)["calls"] for name in ("bad", "good")]
    assert calls == [[], [["track", ["ok good", {"total": 5}]]]]


def test_module_state_lives_across_messages(settings_for):
    source = (
        "seen = []\n"
        "def transformEvent(event, metadata):\n"
        "    seen.append(event['event'])\n"
        "    event['properties'] = {'n': len(seen)}\n"
        "    return event\n"
    )
    site = site_of(source)
    calls = [handle(json.dumps(tr(n)), settings_for(), site)["calls"] for n in "ab"]
    assert calls == [[["track", ["a", {"n": 1}]]], [["track", ["b", {"n": 2}]]]]


@pytest.mark.parametrize(
    "message",
    [
        {"type": "reset"},
        {"type": "consent", "consent": {"providers": [], "given": {}}},
        {"type": "screen"},
        "not an object",
    ],
)
def test_control_and_unknown_messages_skip_the_transform(settings_for, message):
    site = site_of(RAISES)
    result = handle(json.dumps(message), settings_for(), site)
    assert "transform" not in result
    assert site.failures == {}


def test_text_that_is_not_json_skips_the_transform(settings_for):
    result = handle("{nope", settings_for(), site_of(RAISES))
    assert result["type"] == "unreadable" and "transform" not in result


def test_the_mapping_of_a_transformed_message_reads_the_key_order_only_when_needed(
    monkeypatch, settings_for
):
    used = []
    real = order.decode_ordered
    monkeypatch.setattr(order, "ORDERED_DICTS", False)
    monkeypatch.setattr(order, "decode_ordered", lambda text: used.append(text) or real(text))
    site = site_of("def transformEvent(e, m):\n return e\n")
    handle(json.dumps(tr(properties={"a": {"b": 1}, "c": 2})), settings_for(), site)
    assert used == []
    text = json.dumps(tr(properties={"a.b": 1, "a": {"b": 2}}))
    assert handle(text, settings_for(), site)["calls"] == [
        ["track", ["Order Completed", {"a.b": 2}]]
    ]
    assert used == [text]


def test_a_dict_the_transform_made_keeps_its_own_order(settings_for, monkeypatch):
    monkeypatch.setattr(order, "ORDERED_DICTS", False)
    source = (
        "def transformEvent(event, metadata):\n"
        "    return {'type': 'track', 'event': 'E', 'properties': {'a.b': 1, 'a': {'b': 2}}}\n"
    )
    result = handle(json.dumps(tr()), settings_for(), site_of(source))
    assert result["calls"] == [["track", ["E", {"a.b": 2}]]]


# ---- the bridge: the build's transform module, imported once, between decode and mapping ----
def _bridge_with(monkeypatch, source, options=None, dev=True, destination_id="dest-9"):
    import sys
    import types

    from heap_device.browser.bridge import SITE_MODULE, Bridge

    module = types.ModuleType(SITE_MODULE)
    exec(compile(source, "mask_email.py", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, SITE_MODULE, module)
    bridge = Bridge()
    item = {"config": {"appId": "1234567890"}, "options": json.dumps(options or {}), "dev": dev}
    item["destinationId"] = destination_id
    bridge.receive(json.dumps(item))
    return bridge


def _ops(bridge, message):
    return json.loads(bridge.receive(json.dumps(message)))["ops"]


def test_the_bridge_maps_what_the_transform_returned(monkeypatch):
    source = (
        "def transformEvent(event, metadata):\n"
        "    event['properties'] = {'dest': metadata(event)['destinationId']}\n"
        "    return [event, {'type': 'track', 'event': 'Second'}]\n"
    )
    ops = _ops(_bridge_with(monkeypatch, source), tr())
    calls = [op[1:3] for op in ops if op[0] == "call"]
    assert calls == [["track", ["Order Completed", {"dest": "dest-9"}]], ["track", ["Second", {}]]]
    detail = [op[2] for op in ops if op[0] == "event"][0]
    assert detail["transform"]["outcome"] == "split"
    assert detail["transform"]["events"][1] == {"type": "track", "event": "Second"}


def test_the_bridge_logs_a_failure_once_with_the_prefix(monkeypatch):
    bridge = _bridge_with(monkeypatch, RAISES)
    batches = [_ops(bridge, tr()) for _ in range(2)]
    logs = [[op for op in ops if op[0] == "log"] for ops in batches]
    assert len(logs[0]) == 1 and logs[1] == []
    assert logs[0][0][1:3] == [
        "error",
        "heap-device: transformEvent raised at mask_email.py line 3: ZeroDivisionError: integer "
        'division or modulo by zero; the message was dropped (transformErrors: "drop", the '
        "default; to send such a message as it was instead, build with --options "
        '\'{"transformErrors": "send"}\'; said once, later ones are counted with debug)',
    ]
    assert [op for ops in batches for op in ops if op[0] == "call"] == []  # dropped, both times


def test_the_bridge_reset_is_not_transformed(monkeypatch):
    bridge = _bridge_with(monkeypatch, RAISES, dev=False)
    assert [op[:3] for op in _ops(bridge, {"type": "reset"})] == [["call", "resetIdentity", []]]


def test_a_transform_that_fails_to_import_is_one_error_and_drop_drops(monkeypatch):
    bridge = _bridge_with(
        monkeypatch, "def transformEvent(e, m):\n    return e\n", {"transformErrors": "drop"}
    )
    assert bridge.site is not None  # loaded fine: now one that cannot be
    import sys

    from heap_device.browser.bridge import SITE_MODULE, Bridge

    monkeypatch.delitem(sys.modules, SITE_MODULE)
    monkeypatch.setattr("builtins.__import__", _refusing(__import__))
    broken = Bridge()
    item = {"config": {"appId": "1234567890"}, "options": '{"transformErrors": "drop"}'}
    batch = json.loads(broken.receive(json.dumps(item)))["ops"]
    assert [op[1:] for op in batch if op[0] == "log"] == [
        [
            "error",
            "heap-device: your transform could not be loaded (ImportError: no module named "
            "'typing'); every message is dropped (transformErrors: \"drop\", the default; to "
            "send such a message as it was instead, build with --options "
            '\'{"transformErrors": "send"}\')',
        ]
    ]
    assert broken.receive(json.dumps(tr())) == ""  # dropped: no call, nothing to say


def _refusing(real):
    def fake(name, *args, **kwargs):
        if name == "heap_device.site_transform":
            raise ImportError("no module named 'typing'")
        return real(name, *args, **kwargs)

    return fake


def test_a_build_without_a_transform_maps_as_before():
    from heap_device.browser.bridge import Bridge

    bridge = Bridge()
    bridge.receive(json.dumps({"config": {"appId": "1234567890"}, "options": None, "dev": True}))
    assert bridge.site is None
    ops = _ops(bridge, tr())
    assert "transform" not in [op[2] for op in ops if op[0] == "event"][0]
