"""The bridge (heap_device/browser/bridge.py): what the page hands over -> the batch it applies.

Each test drives a fresh Bridge as the page does: the settings item first, then messages as JSON
text; it reads the batch back as data. Contract: docs/contract.md §2, §3, §6, §7.
"""

import json

import pytest
from conftest import APP_ID, only_fields

from heap_device import __version__
from heap_device.browser import bridge as bridge_module
from heap_device.browser.bridge import HEAP_PRESENT_KEYS, Bridge
from heap_device.core import calls as calls_module
from heap_device.core.calls import MESSAGE_FIELDS
from heap_device.core.consent import SEVERAL_PROVIDERS

P = "heap-device: "
RULE = [{"provider": "custom", "consents": [{"consent": "analytics"}]}]


def item(config=None, options=None, dev=False, destination_id=None):
    """The settings item as the page hands it over (PLAN decision 3)."""
    value = {"config": {"appId": APP_ID} if config is None else config, "dev": dev}
    value["options"] = None if options is None else json.dumps(options)
    if destination_id is not None:
        value["destinationId"] = destination_id
    return value


def hand(bridge, value):
    """Hand one item over as JSON text; the batch back as data (None: no batch)."""
    batch = bridge.receive(value if type(value) is str else json.dumps(value))
    return json.loads(batch) if batch else None


def running(**settings):
    """A bridge past its settings item; the settings ops are left behind."""
    bridge = Bridge()
    hand(bridge, item(**settings))
    assert bridge.phase == "running"
    return bridge


def ops(bridge, message):
    """The ops of the batch a message gives ([]: no batch at all, the page has nothing to do)."""
    batch = hand(bridge, message)
    return batch["ops"] if batch else []


def consent(given, providers=("custom",)):
    """The adapter's consent report (PLAN decision 4): what it saw, no memory."""
    return {"type": "consent", "consent": {"providers": list(providers), "given": given}}


def heap_calls(batch_ops):
    return [op[1:3] for op in batch_ops if op[0] == "call"]


# ---- start and the settings item ------------------------------------------------------------


def test_start_says_python_runs_without_a_clock():
    ready = json.loads(Bridge().start())
    assert ready == {
        "ops": [["event", "heap-device:ready", {"runtime": "cpython", "version": __version__}]]
    }


def test_the_module_functions_drive_one_bridge():
    assert json.loads(bridge_module.start()) == json.loads(Bridge().start())
    assert bridge_module.start(lambda: 5.0) == bridge_module.start()  # an old runtime's clock
    assert isinstance(bridge_module._page, Bridge)


def test_the_settings_item_gives_the_loader_plan():
    bridge = Bridge()
    batch = hand(bridge, item(dev=True, destination_id="dest-1"))
    assert batch["error"] == ""
    [(kind, plan)] = batch["ops"]
    assert kind == "plan"
    assert plan["appId"] == APP_ID and plan["sdk"] == "v5"
    assert plan["config"] == {"shouldFetchServerConfig": False}
    assert plan["present"] == ["appid", "envId", "loaded"]
    assert plan["presentNote"] == ""  # said only with debug
    assert plan["blockedNote"] == (
        P + "could not load %s (blocked or offline?); Heap is off" % plan["src"]
    )
    assert (bridge.phase, bridge.dev, bridge.destination_id) == ("running", True, "dest-1")


def test_a_page_running_its_own_heap_is_seen_by_each_snippets_key():
    """appid: the classic snippet; envId: Heap's v5 snippet; loaded: heap.js itself."""
    assert HEAP_PRESENT_KEYS == ("appid", "envId", "loaded")
    [(_, plan)] = hand(Bridge(), item(options={"debug": True}))["ops"]
    assert plan["present"] == ["appid", "envId", "loaded"]
    assert plan["presentNote"] == P + "the page already has Heap; using it, not loading it again"


def test_dev_and_destination_id_are_read_strictly():
    bridge = Bridge()
    hand(bridge, {"config": {"appId": APP_ID}, "options": None, "dev": "yes", "destinationId": 7})
    assert (bridge.dev, bridge.destination_id) == (False, None)


def test_the_tags_options_beat_the_dashboard():
    """docs/contract.md §2: data-options override the destination config."""
    config = {"appId": "111", "sdk": "classic"}
    [(_, plan)] = hand(Bridge(), item(config=config, options={"appId": "222"}))["ops"]
    assert (plan["appId"], plan["sdk"]) == ("222", "classic")


def test_the_tags_consent_settings_beat_the_dashboards():
    dashboard = [{"provider": "custom", "consents": [{"consent": "a"}]}]
    tag = [{"provider": "custom", "consents": [{"consent": "b"}]}]
    bridge = running(
        config={"appId": APP_ID, "consentManagement": dashboard},
        options={"consentManagement": tag},
    )
    assert heap_calls(ops(bridge, consent({"allowedConsentIds": ["b"]}))) == []
    assert heap_calls(ops(bridge, consent({"allowedConsentIds": ["a"]}))) == [["stopTracking", []]]


def test_a_setting_warning_is_logged_once_with_the_prefix():
    batch = hand(Bridge(), item(options={"colour": "red"}))
    assert batch["ops"][0][:2] == ["log", "warn"]
    assert batch["ops"][0][2].startswith(P + 'unknown setting "colour" ignored')
    assert [op[0] for op in batch["ops"]] == ["log", "plan"]


@pytest.mark.parametrize(
    "text, said",
    [
        ("{not json", P + "could not read the settings: "),
        ('"a string"', P + "could not read the settings: AttributeError"),
        (
            json.dumps({"config": {"appId": APP_ID}, "options": "{sdk: v5}"}),
            P + "the script tag's data-options is not valid JSON; fix it",
        ),
        (json.dumps(item(config={})), P + "appId is missing: set it to your Heap environment ID"),
        (json.dumps(item(options={"sdk": "v9"})), P + 'sdk "v9" is not valid: use'),
        (
            json.dumps({"config": {"appId": APP_ID}, "options": "[1]"}),
            P + "data-options must be a JSON object",
        ),
    ],
)
def test_a_settings_error_is_one_error_and_heap_stays_off(text, said):
    bridge = Bridge()
    batch = hand(bridge, text)
    [(kind, level, line)] = batch["ops"]
    assert (kind, level) == ("log", "error")
    assert line.startswith(said), line
    assert line.count("heap-device") == 1
    assert bridge.phase == "off"
    assert bridge.receive(json.dumps({"type": "track", "event": "E"})) == ""


# ---- messages: every op kind, in order --------------------------------------------------------


def test_a_message_gives_its_heap_calls_with_what_to_say_if_one_is_missing():
    batch = hand(running(), {"type": "identify", "userId": "u-1", "traits": {"plan": "pro"}})
    assert batch == {
        "ops": [
            [
                "call",
                "identify",
                ["u-1"],
                P + "window.heap.identify does not exist; that call was skipped",
            ],
            [
                "call",
                "addUserProperties",
                [{"plan": "pro"}],
                P + "window.heap.addUserProperties does not exist; that call was skipped",
            ],
        ],
        "error": P + "could not handle a identify message: ",
    }


def test_the_notes_come_before_the_calls():
    """A line about a message shows before what it caused on Heap."""
    message = {"type": "identify", "userId": "anonymous", "traits": {"plan": "pro"}}
    got = ops(running(), message)
    assert [op[:2] for op in got] == [["log", "warn"], ["call", "addUserProperties"]]
    assert got[0][2] == (
        P + 'identity "anonymous" refused: Heap would merge every user identified with it into '
        "one profile"
    )


def test_with_debug_every_note_then_the_calls_line_then_the_calls():
    got = ops(
        running(options={"debug": True}), {"type": "track", "event": "E", "properties": {"x": None}}
    )
    assert [op[:3] for op in got[:2]] == [
        ["log", "info", P + 'dropped "x": null'],
        ["log", "log", P + 'track -> [["track", ["E", {}]]]'],
    ]
    assert [op[:3] for op in got[2:]] == [["call", "track", ["E", {}]]]


def test_without_debug_info_and_debug_notes_stay_quiet():
    got = ops(running(), {"type": "track", "event": "E", "properties": {"x": None}})
    assert [op[0] for op in got] == ["call"]
    assert running().receive(json.dumps({"type": "alias", "userId": "u"})) == ""


def test_a_failing_mapping_is_one_error_even_without_debug(monkeypatch):
    def broken(message, settings, notes):
        raise KeyError("boom")

    monkeypatch.setitem(calls_module.HANDLERS, "track", broken)
    bridge = running()
    got = ops(bridge, {"type": "track", "event": "E"})
    assert got == [["log", "error", P + "could not handle a track message: KeyError: 'boom'"]]
    monkeypatch.undo()
    assert heap_calls(ops(bridge, {"type": "track", "event": "E"})) == [["track", ["E", {}]]]


def test_a_message_that_is_not_json_is_one_warning():
    assert ops(running(), "{oops") == [
        ["log", "warn", P + "a message was not valid JSON and was skipped"]
    ]


def test_a_message_is_decoded_once(monkeypatch):
    """docs/contract.md §6: one parse per message, the bridge's decoding is the core's."""
    parsed = []

    class CountingJson:
        @staticmethod
        def loads(text):
            parsed.append(text)
            return json.loads(text)

    bridge = running(options={"debug": True}, dev=True)
    monkeypatch.setattr(calls_module, "json", CountingJson)
    text = json.dumps({"type": "track", "event": "E", "properties": {"a": [{"z": 1, "y": 2}]}})
    bridge.receive(text)
    assert parsed == [text]


# ---- the dev-only heap-device:calls detail -------------------------------------------------------


def test_dev_builds_report_each_message_last():
    got = ops(
        running(dev=True),
        {"type": "track", "messageId": "m-1", "event": "E", "properties": {"x": None}},
    )
    assert got[-1] == [
        "event",
        "heap-device:calls",
        {
            "type": "track",
            "messageId": "m-1",
            "calls": [["track", ["E", {}]]],
            "notes": [["info", 'dropped "x": null']],
            "errors": [],
        },
    ]
    assert [op[0] for op in got] == ["call", "event"]


def test_production_builds_report_nothing_even_with_debug():
    got = ops(running(options={"debug": True}), {"type": "track", "event": "E"})
    assert [op[0] for op in got] == ["log", "call"]


def test_the_dev_report_lists_errors_without_the_prefix(monkeypatch):
    def broken(message, settings, notes):
        raise KeyError("boom")

    monkeypatch.setitem(calls_module.HANDLERS, "track", broken)
    [_, (_, _, detail)] = ops(running(dev=True), {"type": "track", "event": "E"})
    assert detail["errors"] == ["could not handle a track message: KeyError: 'boom'"]
    assert detail["notes"] == [] and detail["calls"] == []


def test_the_dev_report_of_text_that_is_not_json():
    [_, (_, _, detail)] = ops(running(dev=True), "{oops")
    assert detail == {
        "type": "unreadable",
        "messageId": None,
        "calls": [],
        "notes": [["warn", "a message was not valid JSON and was skipped"]],
        "errors": [],
    }


# ---- consent: the page reports, the bridge remembers and the core decides (§7) ---------------


def test_consent_is_compared_with_the_consent_before():
    bridge = running(config={"appId": APP_ID, "consentManagement": RULE})
    withdrawn, given = {"allowedConsentIds": []}, {"allowedConsentIds": ["analytics"]}
    assert heap_calls(ops(bridge, consent(given))) == []  # as at load: consented
    assert heap_calls(ops(bridge, consent(withdrawn))) == [["stopTracking", []]]
    assert heap_calls(ops(bridge, consent(withdrawn))) == []
    assert heap_calls(ops(bridge, {"type": "track", "event": "E"})) == [["track", ["E", {}]]]
    assert heap_calls(ops(bridge, consent(given))) == [["startTracking", []]]
    assert heap_calls(ops(bridge, consent(given))) == []


def test_the_first_consent_is_compared_with_the_consent_at_load():
    bridge = running(config={"appId": APP_ID, "consentManagement": RULE})
    assert heap_calls(ops(bridge, consent({"allowedConsentIds": []}))) == [["stopTracking", []]]


def test_each_bridge_has_its_own_memory():
    config = {"appId": APP_ID, "consentManagement": RULE}
    first, second = running(config=config), running(config=config)
    ops(first, consent({"allowedConsentIds": []}))
    assert heap_calls(ops(second, consent({"allowedConsentIds": []}))) == [["stopTracking", []]]


SEVERAL = [
    {"provider": "ketch", "consents": [{"consent": "k"}]},
    {"provider": "custom", "consents": [{"consent": "analytics"}]},
]


@pytest.mark.parametrize(
    "providers, expected, warned",
    [
        (["custom"], [["stopTracking", []]], False),  # ketch's "k" is not asked for
        (["ketch"], [], False),
        (["custom", "custom"], [["stopTracking", []]], False),
        (["ketch", "custom"], [], True),  # several seen: unknown
        ([], [], True),  # none seen: unknown
    ],
)
def test_the_provider_is_the_one_the_page_saw(providers, expected, warned):
    bridge = running(config={"appId": APP_ID, "consentManagement": SEVERAL})
    got = ops(bridge, consent({"allowedConsentIds": ["k"]}, providers))
    assert heap_calls(got) == expected
    warnings = [op[2] for op in got if op[:2] == ["log", "warn"]]
    assert warnings == ([P + SEVERAL_PROVIDERS] if warned else [])


def test_a_consent_report_cut_to_the_message_fields_keeps_its_meaning():
    """Built adapters send only MESSAGE_FIELDS; the consent report must survive that cut."""
    bridge = running(config={"appId": APP_ID, "consentManagement": RULE})
    withdrawn = only_fields(consent({"allowedConsentIds": []}), MESSAGE_FIELDS)
    given = only_fields(consent({"allowedConsentIds": ["analytics"]}), MESSAGE_FIELDS)
    assert heap_calls(ops(bridge, withdrawn)) == [["stopTracking", []]]
    assert heap_calls(ops(bridge, given)) == [["startTracking", []]]


def test_a_malformed_consent_report_changes_nothing():
    bridge = running(config={"appId": APP_ID, "consentManagement": RULE})
    assert bridge.receive(json.dumps({"type": "consent", "consent": "x"})) == ""
    assert heap_calls(ops(bridge, consent({"allowedConsentIds": []}))) == [["stopTracking", []]]


# heap-device's own MicroPython has no file system and heap_device frozen in: the build's transform
# comes from its built-in _heap_device module (runtime/web/main.c), never from an import that
# would find nothing and be taken for "no transform".
def _runtime_with_site(monkeypatch, site_module):
    import sys
    import types

    fake = types.ModuleType("_heap_device")
    fake.site_module = site_module
    monkeypatch.setitem(sys.modules, "_heap_device", fake)
    monkeypatch.delitem(sys.modules, bridge_module.SITE_MODULE, raising=False)


def _settings(bridge, options='{"transformErrors": "drop"}'):
    item = {"config": {"appId": APP_ID}, "options": options}
    return json.loads(bridge.receive(json.dumps(item)))["ops"]


def test_our_runtime_hands_the_transform_over_in_memory(monkeypatch):
    import types

    site = types.ModuleType(bridge_module.SITE_MODULE)
    site.transformEvent = lambda event, metadata: dict(event, event="Renamed")
    asked = []
    _runtime_with_site(monkeypatch, lambda name: asked.append(name) or site)
    bridge = Bridge()
    _settings(bridge)
    assert asked == [bridge_module.SITE_MODULE]
    ops = json.loads(bridge.receive(json.dumps({"type": "track", "event": "E", "messageId": "m"})))
    assert [op[2][0] for op in ops["ops"] if op[0] == "call"] == ["Renamed"]


def test_our_runtime_without_a_transform_maps_as_before(monkeypatch):
    _runtime_with_site(monkeypatch, lambda name: None)
    bridge = Bridge()
    assert [op[0] for op in _settings(bridge)] == ["plan"]
    assert bridge.site is None


def test_a_transform_our_runtime_cannot_load_is_said(monkeypatch):
    def refuses(name):
        raise ImportError("no module named 'typing'")

    _runtime_with_site(monkeypatch, refuses)
    bridge = Bridge()
    logs = [op[2] for op in _settings(bridge) if op[0] == "log"]
    assert logs == [
        "heap-device: your transform could not be loaded (ImportError: no module named "
        "'typing'); every message is dropped (transformErrors: \"drop\", the default; to "
        "send such a message as it was instead, build with --options "
        '\'{"transformErrors": "send"}\')'
    ]
