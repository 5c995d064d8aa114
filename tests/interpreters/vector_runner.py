"""Inside MicroPython or Pyodide: run every vector through the core, return the results as JSON.

On Pyodide (through Node) the input is /vectors/messages.json and each transform's source is
exec'd; on heap-device's MicroPython (the host build, which has no compiler and no files, as in
the browser) the input comes as `given` and each transform as a module compiled by mpy-cross
(`vector_transform_<row>`).
"""

import json
import sys

import vectors

from heap_device.browser.bridge import Bridge
from heap_device.core.calls import handle
from heap_device.core.errors import HeapDeviceError
from heap_device.core.loader import loader_plan
from heap_device.core.settings import resolve_settings
from heap_device.core.transform import SiteTransform
from heap_device.core.transform import handle as transformed


def _warns(notes):
    return [text for level, text in notes if level == "warn"]


def _transform_scope(row, source, compiled):
    if compiled:
        return __import__("vector_transform_%d" % row).__dict__
    scope = {}
    exec(source, scope)
    return scope


def run(given=None):
    out = {"implementation": sys.implementation.name, "calls": [], "settings": [], "errors": []}
    out["loader"] = []
    compiled = given is not None
    if given is None:
        with open("/vectors/messages.json") as texts:
            given = json.load(texts)
    messages = given["calls"]
    for (name, overrides, _, _, _), text in zip(vectors.CALLS + vectors.CONSENT, messages):
        settings, _ = resolve_settings(vectors.APP, overrides)
        try:
            result = handle(text, settings)
            out["calls"].append([name, result["calls"], _warns(result["notes"])])
        except Exception as error:  # reported, so the CPython side shows which row broke
            out["calls"].append([name, "raised " + repr(error), []])
    for name, config, options, _, _ in vectors.SETTINGS:
        settings, notes = resolve_settings(config, options)
        out["settings"].append([name, settings, _warns(notes)])
    for name, config, options, _ in vectors.SETTINGS_ERRORS:
        try:
            resolve_settings(config, options)
            out["errors"].append([name, None])
        except HeapDeviceError as error:
            out["errors"].append([name, str(error)])
    for name, overrides, _ in vectors.LOADER:
        settings, _ = resolve_settings(vectors.APP, overrides)
        out["loader"].append([name, loader_plan(settings)])
    out["transforms"] = []
    for row, ((name, source, overrides, destination, _, _, _), text) in enumerate(
        zip(vectors.TRANSFORMS, given["transforms"])
    ):
        settings, _ = resolve_settings(vectors.APP, overrides)
        scope = _transform_scope(row, source, compiled)
        try:
            site = SiteTransform(scope["transformEvent"], destination)
            result = transformed(text, settings, site)
            outcome = result["transform"]["outcome"] if "transform" in result else None
            out["transforms"].append([name, result["calls"], outcome])
        except Exception as error:  # reported, so the CPython side shows which row broke
            out["transforms"].append([name, "raised " + repr(error), None])
    bridge = Bridge()
    out["bridge"] = [bridge.start()] + [bridge.receive(text) for text in given["bridge"]]
    return _escape_halves(json.dumps(out))


def _escape_halves(text):
    # MicroPython's json.dumps writes lone surrogate halves raw, and such a half does not survive
    # MicroPython's string crossing into JavaScript: escape them, as JSON.stringify would.
    if sys.implementation.name != "micropython":
        return text  # Pyodide's json.dumps escapes everything beyond ASCII already
    out = []
    for ch in text:
        out.append("\\u%04x" % ord(ch) if "\ud800" <= ch <= "\udfff" else ch)
    return "".join(out)
