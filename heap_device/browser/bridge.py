"""Browser glue: each item the adapter hands over -> what the page must do, as one JSON text.

The JS adapter (static/heap-device.js) hands over JSON strings: the first is the settings, every
later one is a RudderStack message (or ``{"type": "reset"}``). For each, ``receive`` answers with
a *batch*, ``{"ops": [...], "error": text}``, that the adapter's one generic ``apply`` carries out
on the page, in order:

- ``["log", level, text]``: a console line;
- ``["plan", plan]``: load Heap (stub, ``heap.load``, async script tag) unless the page already
  has it, as ``core.loader`` planned it, with the texts to log either way;
- ``["call", method, args, missing]``: ``window.heap[method](...args)``; ``missing`` is logged
  when the page's Heap has no such method;
- ``["event", name, detail]``: a window event for page tools.

``error`` is what the adapter logs, before the JS error, if a Heap call throws; the rest of that
message's calls are then skipped. Only strings cross, so the same code runs in a Web Worker, on
the page through PyScript and on CPython, and nothing here touches ``window``.

Page tools can listen on ``window``: ``heap-device:ready`` once Python runs, and, with the
``debug`` setting, ``heap-device:calls`` after each message with
``{type, messageId, calls, notes, errors, t}`` (all plain JSON; ``t`` on the page's clock).
"""

import json
import sys

from heap_device import __version__
from heap_device.core import jstext
from heap_device.core.calls import handle
from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import loader_plan
from heap_device.core.settings import resolve_settings

PREFIX = "heap-device: "
# A page already runs Heap when window.heap has one of these (Heap's own snippets set them).
HEAP_PRESENT_KEYS = ("appid", "envId", "loaded")

# "waiting" for the settings item, then "running", or "off" after a settings error.
_state = {"phase": "waiting", "settings": None, "clock": None}


def start(clock=None):
    """Python is running: the batch that tells the page so. ``clock()`` is the page's time in ms."""
    _state["clock"] = clock
    ready = {"runtime": sys.implementation.name, "version": __version__}
    return jstext.encode({"ops": [_event("heap-device:ready", ready)]})


def receive(text):
    """One handed-over JSON string -> the batch (JSON text) the page applies; never raises."""
    ops = []
    if _state["phase"] == "waiting":
        try:
            _setup(text, ops)
        except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
            ops.append(_log("error", "could not read the settings: " + _describe(exc)))
        return _batch(ops, "", text)
    if _state["phase"] != "running":
        return ""
    result = {"type": "unreadable", "messageId": None, "calls": [], "notes": []}
    try:
        result = handle(text, _state["settings"])
        _deliver(result, ops)
    except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
        error = PREFIX + "could not handle a " + result["type"] + " message: " + _describe(exc)
        result["notes"].append(["error", error])
        ops.append(["log", "error", error])
    if _state["settings"]["debug"]:
        notes = result["notes"]
        detail = {
            "type": result["type"],
            "messageId": result["messageId"],
            "calls": result["calls"],
            "notes": [note for note in notes if note[0] != "error"],
            "errors": [note[1][len(PREFIX) :] for note in notes if note[0] == "error"],
        }
        ops.append(_event("heap-device:calls", detail))
    return _batch(ops, PREFIX + "could not handle a " + result["type"] + " message: ", text)


def _batch(ops, error, text):
    if not ops:
        return ""
    try:
        return jstext.dumps_for({"ops": ops, "error": error}, text)
    except Exception as exc:  # noqa: BLE001 - the page must still hear about it
        return jstext.encode({"ops": [_log("error", "could not encode calls: " + _describe(exc))]})


def _setup(text, ops):
    _state["phase"] = "off"  # until proven good: a settings error keeps Heap unloaded
    item = json.loads(text)
    options = item.get("options")
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            ops.append(
                _log(
                    "error",
                    "the script tag's data-options is not valid JSON; fix it, e.g. "
                    + 'data-options=\'{"sdk": "v5"}\'. Heap was not loaded.',
                )
            )
            return
    if options is None:
        options = {}
    try:
        settings, notes = resolve_settings(item.get("config") or {}, options)
    except HeapDeviceError as exc:
        ops.append(_log("error", str(exc)))
        return
    _state["settings"] = settings
    _log_notes(notes, ops)
    plan = loader_plan(settings)
    plan["present"] = list(HEAP_PRESENT_KEYS)
    plan["presentNote"] = _debug_text("the page already has Heap; using it, not loading it again")
    plan["blockedNote"] = "%scould not load %s (blocked or offline?); Heap is off" % (
        PREFIX,
        plan["src"],
    )
    ops.append(["plan", plan])
    _state["phase"] = "running"


def _deliver(result, ops):
    _log_notes(result["notes"], ops)
    if _state["settings"]["debug"]:
        _debug_calls(result["type"], result["calls"], ops)
    for method, args in result["calls"]:
        missing = PREFIX + "window.heap." + method + " does not exist; that call was skipped"
        ops.append(["call", method, args, missing])


def _event(name, detail):
    clock = _state["clock"]
    if clock is not None:
        detail["t"] = clock()
    return ["event", name, detail]


def _log(level, text):
    if not text.startswith(PREFIX):
        text = PREFIX + text
    return ["log", level, text]


def _log_notes(notes, ops):
    debug = bool(_state["settings"] and _state["settings"]["debug"])
    for level, text in notes:
        if level == "warn" or level == "error":
            ops.append(_log(level, text))
        elif debug:
            ops.append(_log("info" if level == "info" else "debug", text))


def _debug_text(text):
    return PREFIX + text if _state["settings"]["debug"] else ""


def _debug_calls(kind, calls, ops):
    try:
        shown = json.dumps(calls)
    except Exception:  # noqa: BLE001 - a log line must never cost the message its calls
        shown = repr(calls)
    ops.append(_log("log", kind + " -> " + shown))


def _describe(exc):
    return type(exc).__name__ + ": " + str(exc)
