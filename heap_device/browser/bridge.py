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
from heap_device.core import jstext
from heap_device.core.calls import MESSAGE_FIELDS, handle
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
    if _state["phase"] == "waiting":
        try:
            _setup(text)
        except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
            _console("error", "could not read the settings: " + _describe(exc))
        return
    if _state["phase"] != "running":
        return
    result = {"type": "unreadable", "messageId": None, "calls": [], "notes": []}
    applied = []
    try:
        result = handle(text, _state["settings"])
        _log_notes(result["notes"])
        _apply(result, text, applied)
    except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
        error = "heap-device: could not handle a " + result["type"] + " message: " + _describe(exc)
        result["notes"].append(["error", error])
        _console("error", error)
    if _state["settings"]["debug"]:
        _report_message(result, applied, text)


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


def _apply(result, text, applied):
    """Make the result's Heap calls with one crossing into JS; `applied` gets those made."""
    heap = window.heap
    calls = []
    for call in result["calls"]:
        if _absent(_get(heap, call[0])):
            _console("warn", "window.heap." + call[0] + " does not exist; that call was skipped")
        else:
            calls.append(call)
    if _state["settings"]["debug"]:
        _console("log", result["type"] + " -> " + _shown(calls))
    if not calls:
        return
    # One JSON text for all of the message's calls; the adapter applies them in order and
    # stops at the first that throws: a JS exception must not unwind through the runtime.
    failure = window.Heap_RS.apply(heap, jstext.dumps_for(calls, text))
    if not failure:
        applied.extend(calls)
        return
    done, _, why = str(failure).partition(" ")
    applied.extend(calls[: int(done)])
    raise RuntimeError("window.heap." + calls[int(done)][0] + " threw " + why)


def _load_heap(plan):
    window.Heap_RS.installHeapStub(plan["sdk"], to_js(plan["methods"]))
    _call_js(window.heap, "load", jstext.encode([plan["appId"], plan["config"]]))
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


def _report(name, detail, source_text=""):
    detail["t"] = js.performance.now()
    window.Heap_RS.report(name, jstext.dumps_for(detail, source_text))


def _report_message(result, applied, text):
    """Tell page tools what one message gave, from the value the mapping returned."""
    try:
        detail = {
            "type": result["type"],
            "messageId": result["messageId"],
            "calls": applied,
            "notes": [note for note in result["notes"] if note[0] != "error"],
            "errors": [note[1][len(PREFIX) :] for note in result["notes"] if note[0] == "error"],
        }
        _report("heap-device:calls", detail, text)
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
        if level == "warn" or level == "error":
            _console(level, text)
        elif debug:
            _console("info" if level == "info" else "debug", text)


def _shown(calls):
    try:
        return json.dumps(calls)
    except Exception:  # noqa: BLE001 - a log line must never cost the message its calls
        return repr(calls)


def _debug(text):
    if _state["settings"] and _state["settings"]["debug"]:
        _console("debug", text)


def _console(level, text):
    if not text.startswith(PREFIX):
        text = PREFIX + text
    getattr(js.console, level)(text)


def _describe(exc):
    return type(exc).__name__ + ": " + str(exc)
