"""Browser glue: each item the adapter hands over -> what the page must do, as one JSON text.

The JS adapter hands over JSON strings: the first is the settings item, `{"config": {...},
"options": <data-options text or null>, "dev": true|false, "destinationId": <string, when
known>}`; every later one is a RudderStack message, or one of the adapter's own: `{"type":
"reset"}`, or `{"type": "consent", "consent": {"providers": [...], "given": {...}}}` (what the
page saw; the bridge remembers the consent before, docs/contract.md §7). For each, `receive`
answers with a *batch*, `{"ops": [...], "error": text}`, that the adapter's one generic `apply`
carries out on the page, in order:

- `["log", level, text]`: a console line;
- `["plan", plan]`: load Heap (stub, `heap.load`, async script tag) unless the page already
  has it, as `core.loader` planned it, with the texts to log either way;
- `["call", method, args, missing]`: `window.heap[method](...args)`; `missing` is logged
  when the page's Heap has no such method;
- `["event", name, detail]`: a window event for page tools (the page stamps `detail.t`).

`error` is what the adapter logs, before the JS error, if a Heap call throws; the rest of that
message's calls are then skipped. Only strings cross, so the same code runs in a Web Worker, on
the page through PyScript and on CPython, and nothing here touches `window`.

Page tools can listen on `window`: `heap-device:ready` once Python runs, and, in dev builds
(`"dev": true`), `heap-device:calls` after each message (report.py).

The core's texts carry no prefix: "heap-device: " is added here, to every text the page logs.
"""

import json
import sys

from heap_device import __version__
from heap_device.core import jstext
from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import loader_plan
from heap_device.core.settings import resolve_settings

PREFIX = "heap-device: "
# A build with a site's own transform (docs/contract.md §9) ships it as this module: a file
# beside the package (Pyodide, PyScript), or, in heap-device's own MicroPython, whose heap_device
# is frozen and which has no file system, bytes its built-in _heap_device runs under this name.
SITE_MODULE = "heap_device.site_transform"
# A page already runs Heap when window.heap has one of these (Heap's own snippets set them).
HEAP_PRESENT_KEYS = ("appid", "envId", "loaded")

WAITING = "waiting"  # for the settings item
RUNNING = "running"
OFF = "off"  # after a settings error: Heap stays unloaded, later messages get no answer


class Bridge:
    """One page's Python side: the settings item first, then each message -> the page's batch."""

    def __init__(self):
        self.phase = WAITING
        self.settings = None
        self.dev = False  # a dev build: page tools get the heap-device:calls detail
        self.destination_id = None  # the destination's id, when the page knew it (§9 metadata)
        self.site = None  # the site's transform (§9), when the build has one
        self._consented_before = False  # whether a consent message came already...
        self._given_before = None  # ...and the consent it gave

    def start(self):
        """Python is running: the batch that tells the page so."""
        ready = {"runtime": sys.implementation.name, "version": __version__}
        return jstext.encode({"ops": [["event", "heap-device:ready", ready]]})

    def receive(self, text):
        """One handed-over JSON string -> the batch (JSON text) the page applies; never raises."""
        if self.phase == WAITING:
            ops = []
            try:
                self._setup(text, ops)
            except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
                ops.append(_log("error", "could not read the settings: " + _describe(exc)))
            return _batch(ops, "", text)
        if self.phase != RUNNING:
            return ""
        calls = _mapping()
        message, result = calls.decode(text)  # once (docs/contract.md §6)
        ops = []
        try:
            if result["type"] != "unreadable":
                self._map(message, result, text)
            self._deliver(result, ops)
        except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
            error = "could not handle a %s message: %s" % (result["type"], _describe(exc))
            result["notes"].append(["error", error])
            ops.append(_log("error", error))
        if self.dev:
            from heap_device.browser import report  # dev builds only

            ops.append(report.calls_event(result))
        return _batch(ops, PREFIX + "could not handle a %s message: " % result["type"], text)

    def _setup(self, text, ops):
        self.phase = OFF  # until proven good: a settings error keeps Heap unloaded
        item = json.loads(text)
        self.dev = item.get("dev") is True
        destination_id = item.get("destinationId")
        self.destination_id = destination_id if type(destination_id) is str else None
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
        self.settings = settings
        self._log_notes(notes, ops)
        plan = loader_plan(settings)
        plan["present"] = list(HEAP_PRESENT_KEYS)
        plan["presentNote"] = ""
        if settings["debug"]:
            plan["presentNote"] = (
                PREFIX + "the page already has Heap; using it, not loading it again"
            )
        plan["blockedNote"] = (
            PREFIX + "could not load %s (blocked or offline?); Heap is off" % (plan["src"])
        )
        ops.append(["plan", plan])
        self.site = self._load_site(ops)
        self.phase = RUNNING

    def _load_site(self, ops):
        """The build's site transform, imported once: its module state lives as long as the page."""
        try:
            module = _import_site()
            function = module.transformEvent
        except ImportError as exc:
            if SITE_MODULE in str(exc) or "site_transform" in str(exc):
                return None  # the build has no transform
            return self._broken_site(exc, ops)
        except Exception as exc:  # noqa: BLE001 - §9: a transform's failure never reaches the page
            return self._broken_site(exc, ops)
        shown = getattr(module, "__transform_file__", None)  # the site's file name (the build)
        return _site_rules().SiteTransform(function, self.destination_id, shown)

    def _broken_site(self, exc, ops):
        site, text = _site_rules().unloadable(_describe(exc), self.settings, self.destination_id)
        ops.append(_log("error", text))
        return site

    def _map(self, message, result, text):
        """A decoded message -> its calls and notes in `result`.

        A site's transform (docs/contract.md §9) runs here, between the decoding and the mapping,
        on the SDK's messages; the adapter's own (reset, consent) keep their meaning.
        """
        calls = _mapping()
        if result["type"] == "consent":
            calls.map_message(self._consent_with_memory(message), self.settings, result)
        elif self.site is not None:
            _site_rules().transform_and_map(
                self.site, message, result, text, self.settings, self.dev
            )
        else:
            calls.map_message(message, self.settings, result, text)

    def _consent_with_memory(self, message):
        """The page's consent report -> the core's consent message: plus the consent before."""
        seen = message.get("consent")
        if not isinstance(seen, dict):
            seen = {}
        data = {"providers": seen.get("providers"), "given": seen.get("given")}
        if self._consented_before:
            data["previous"] = self._given_before
        self._consented_before = True
        self._given_before = data["given"]
        return {"type": "consent", "consent": data}

    def _deliver(self, result, ops):
        """The notes first, then the calls: a line about a call shows before what it caused."""
        self._log_notes(result["notes"], ops)
        if self.settings["debug"]:
            ops.append(_log("log", result["type"] + " -> " + _shown(result["calls"])))
        for method, args in result["calls"]:
            missing = PREFIX + "window.heap." + method + " does not exist; that call was skipped"
            ops.append(["call", method, args, missing])

    def _log_notes(self, notes, ops):
        debug = self.settings is not None and self.settings["debug"]
        for level, text in notes:
            if level == "warn" or level == "error":
                ops.append(_log(level, text))
            elif debug:
                ops.append(_log("info" if level == "info" else "debug", text))


def _import_site():
    """The build's site transform module; ImportError naming it when the build has none."""
    try:
        from _heap_device import site_module  # heap-device's own MicroPython
    except ImportError:
        return __import__(SITE_MODULE, None, None, ["transformEvent"])
    module = site_module(SITE_MODULE)
    if module is None:
        raise ImportError("no module named '%s'" % SITE_MODULE)
    return module


def _mapping():
    """The mapping (core.calls), imported at the first message, not when Python starts: the
    settings item's answer, which asks for heap.js, leaves before its import (a third of the
    start-up import; issue 18's critical path). Imported once."""
    from heap_device.core import calls

    return calls


def _site_rules():
    """core.transform: only a build with a site transform ships it (tools/bundle.py)."""
    from heap_device.core import transform

    return transform


def _log(level, text):
    """A console line; the one place "heap-device: " is put before a text of the core's."""
    return ["log", level, PREFIX + text]


def _batch(ops, error, text):
    if not ops:
        return ""
    try:
        return jstext.dumps_for({"ops": ops, "error": error}, text)
    except Exception as exc:  # noqa: BLE001 - the page must still hear about it
        return jstext.encode({"ops": [_log("error", "could not encode calls: " + _describe(exc))]})


def _shown(value):
    try:
        return json.dumps(value)
    except Exception:  # noqa: BLE001 - a log line must never cost the message its calls
        return repr(value)


def _describe(exc):
    return type(exc).__name__ + ": " + str(exc)


# The page's one bridge: the runtime (static/heap-device-runtime.js) and the PyScript entry
# (main.py) call these two functions.
_page = Bridge()


def start(_clock=None):
    """Python is running: the batch that tells the page so (see Bridge.start).

    `_clock` is ignored: runtimes from before the page stamped `t` itself still pass one.
    """
    return _page.start()


def receive(text):
    """One handed-over JSON string -> the batch the page applies (see Bridge.receive)."""
    return _page.receive(text)
