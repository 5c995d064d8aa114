"""Browser glue: loads Heap and applies the core's calls to ``window.heap``.

The only module that imports ``pyscript``/``js``; every MicroPython/Pyodide difference lives here.
The JS adapter (static/heap-device.js) hands over JSON strings through ``window.Heap_RS.push``:
the first is the settings, every later one is a RudderStack message (or ``{"type": "reset"}``).

Page tools can listen on ``window``: ``heap-device:ready`` once Python runs, and, with the
``debug`` setting, ``heap-device:calls`` after each message with
``{type, messageId, calls, notes, errors, t}`` (all plain JSON).
"""

import json
import sys

import js

try:
    from pyscript import document
    from pyscript.ffi import create_proxy, to_js
except ImportError:  # MicroPython started without PyScript (build --boot direct)
    from jsffi import create_proxy, to_js

    document = js.document

from heap_device import __version__
from heap_device.core import wire
from heap_device.core.calls import MESSAGE_FIELDS, calls_for_json
from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import loader_plan
from heap_device.core.settings import resolve_settings

PREFIX = "heap-device: "

# ``js`` stands for JS's global object on both interpreters (``js.heap`` is ``window.heap``). It is
# only ever read with attribute access: on MicroPython it is a Python module, which JS functions
# such as ``Reflect.get`` cannot be handed.
window = js

# JS may call these at any time: they must outlive this module's functions (Pyodide frees
# proxies that nobody keeps).
_kept = []
# "waiting" for the settings item, then "running", or "off" after a settings error.
_state = {"phase": "waiting", "settings": None}


def start():
    """Take messages from the adapter: first what queued up (in order), then each as it comes."""
    adapter = window.Heap_RS
    push = create_proxy(receive)
    _kept.append(push)
    adapter.push = push
    # From now on the adapter sends only the message fields the mapping reads.
    adapter.fields = js.JSON.parse(json.dumps(MESSAGE_FIELDS))
    _report("heap-device:ready", {"runtime": sys.implementation.name, "version": __version__})
    adapter.flush()


def receive(text):
    """Handle one queued JSON string; never lets an exception reach the page."""
    report = {"calls": [], "notes": [], "errors": []}
    try:
        if _state["phase"] == "waiting":
            _setup(text)
            return
        if _state["phase"] == "running":
            _deliver(text, report)
    except Exception as exc:  # noqa: BLE001 - SPEC §6: log once, go on
        error = "could not handle a " + _message_type(text) + " message: " + _describe(exc)
        report["errors"].append(error)
        _console("error", error)
    if _state["phase"] == "running" and _state["settings"]["debug"]:
        _report_message(text, report)


def _setup(text):
    _state["phase"] = "off"  # until proven good: a settings error keeps Heap unloaded
    item = json.loads(text)
    options = item.get("options")
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            _console(
                "error",
                "the script tag's data-options is not valid JSON; fix it, e.g. "
                + 'data-options=\'{"sdk": "v5"}\'. Heap was not loaded.',
            )
            return
    if options is None:
        options = {}
    try:
        settings, notes = resolve_settings(item.get("config") or {}, options)
    except HeapDeviceError as exc:
        _console("error", str(exc))
        return
    _state["settings"] = settings
    _log_notes(notes)
    plan = loader_plan(settings)
    if _page_has_heap():
        _debug("the page already has Heap; using it instead of loading it again")
    else:
        _load_heap(plan)
    _state["phase"] = "running"


def _deliver(text, report):
    settings = _state["settings"]
    calls, notes = calls_for_json(text, settings)
    report["notes"] = notes
    _log_notes(notes)
    if settings["debug"]:
        _debug_calls(text, calls)
    heap = window.heap
    for method, args in calls:
        if _absent(_get(heap, method)):
            _console("warn", "window.heap." + method + " does not exist; that call was skipped")
            continue
        _call_js(heap, method, wire.encode_for(args, text))
        report["calls"].append([method, args])


def _load_heap(plan):
    window.Heap_RS.installHeapStub(plan["sdk"], to_js(plan["methods"]))
    _call_js(window.heap, "load", wire.encode([plan["appId"], plan["config"]]))
    tag = document.createElement("script")
    js.Reflect.set(tag, "async", True)  # ``async`` is a Python keyword
    tag.src = plan["src"]

    def failed(*_args):
        _console("warn", "could not load " + plan["src"] + " (blocked or offline?); Heap is off")

    on_error = create_proxy(failed)
    _kept.append(on_error)
    tag.onerror = on_error
    parent = document.head or document.documentElement
    parent.appendChild(tag)


def _call_js(target, method, args_text):
    # Through the adapter's guard: on MicroPython a JS exception would unwind straight through
    # the interpreter, past any ``except``; this way it comes back as text and is raised here.
    # The arguments cross as JSON text, not as proxies: nothing to leak, Heap gets plain objects,
    # and MicroPython's string conversion (which stops at U+0000 and garbles lone surrogate halves
    # in strings over 16 bytes) never sees a property value.
    failure = window.Heap_RS.call(target, method, args_text)
    if failure:
        raise RuntimeError("window.heap." + method + " threw " + str(failure))


def _report(name, detail):
    detail["t"] = js.performance.now()
    window.Heap_RS.report(name, wire.encode(detail))


def _report_message(text, report):
    try:
        message = json.loads(text)
        message_id = message.get("messageId") if isinstance(message, dict) else None
        kind = message.get("type") if isinstance(message, dict) else None
        report["type"] = kind if isinstance(kind, str) else "untyped"
        report["messageId"] = message_id if isinstance(message_id, str) else None
        report["notes"] = [[level, note] for level, note in report["notes"]]
        _report("heap-device:calls", report)
    except Exception as exc:  # noqa: BLE001 - a report must never cost the page anything
        _console("warn", "could not report a message to page tools: " + _describe(exc))


def _page_has_heap():
    heap = _get(window, "heap")
    if _absent(heap):
        return False
    for key in ("appid", "envId", "loaded"):
        if not _absent(_get(heap, key)):
            return True
    return False


def _get(obj, name):
    # A missing JS property: AttributeError on Pyodide, None (or an error) on MicroPython.
    try:
        return getattr(obj, name)
    except AttributeError:
        return None


def _absent(value):
    # undefined/null arrive as None on both interpreters, or as a JsNull proxy on Pyodide.
    if value is None or value is False or value == "" or value == 0:
        return True
    return type(value).__name__ in ("JsNull", "JsUndefined")


def _log_notes(notes):
    debug = bool(_state["settings"] and _state["settings"]["debug"])
    for level, text in notes:
        if level == "warn":
            _console("warn", text)
        elif debug:
            _console("info" if level == "info" else "debug", text)


def _debug_calls(text, calls):
    try:
        shown = json.dumps(calls)
    except Exception:  # noqa: BLE001 - a log line must never cost the message its calls
        shown = repr(calls)
    _console("log", _message_type(text) + " -> " + shown)


def _debug(text):
    if _state["settings"] and _state["settings"]["debug"]:
        _console("debug", text)


def _console(level, text):
    if not text.startswith(PREFIX):
        text = PREFIX + text
    getattr(js.console, level)(text)


def _message_type(text):
    try:
        kind = json.loads(text).get("type")
    except Exception:  # noqa: BLE001 - only used to name the message in a log line
        return "unreadable"
    return kind if isinstance(kind, str) else "untyped"


def _describe(exc):
    return type(exc).__name__ + ": " + str(exc)
