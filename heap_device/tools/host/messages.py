# Runs on the host MicroPython (heap_device/tools/hostpython.py), never on CPython: messages
# through the frozen core, and the site's transform loaded as the browser loads it
# (_heap_device.site_module). Input: host_input.TEXT, JSON {"config", "options", "texts",
# "transform", "destination_id"}. Output: one JSON line, {"settings_error": text} or
# {"load_error": text} or {"notes": settings' notes, "results": [one per text]}.
import io
import json
import sys

from host_input import TEXT

from heap_device.core.calls import handle
from heap_device.core.errors import HeapDeviceError
from heap_device.core.settings import resolve_settings


def _exception_text(exc):
    out = io.StringIO()
    sys.print_exception(exc, out)
    lines = out.getvalue().strip().splitlines()
    place = ""
    for line in lines:
        line = line.strip()
        if line.startswith('File "'):
            name, _, rest = line[6:].partition('", line ')
            place = " at %s line %s" % (name, rest.partition(",")[0])
    return place, lines[-1] if lines else type(exc).__name__


def main():
    given = json.loads(TEXT)
    try:
        settings, notes = resolve_settings(given["config"], given["options"])
    except HeapDeviceError as exc:
        return {"settings_error": str(exc)}
    site = None
    if given["transform"]:
        import _heap_device

        from heap_device.core.transform import SiteTransform
        from heap_device.core.transform import handle as transformed

        try:
            module = _heap_device.site_module("heap_device.site_transform")
        except Exception as exc:  # noqa: BLE001 - the transform failed as it loaded: say where
            place, text = _exception_text(exc)
            return {"load_error": "importing it failed%s: %s" % (place, text)}
        function = getattr(module, "transformEvent", None)
        if function is None:
            return {"load_error": "it defines no transformEvent"}
        name = getattr(module, "__transform_file__", None)
        site = SiteTransform(function, given["destination_id"], name)
    results = []
    for text in given["texts"]:
        if site is None:
            results.append(handle(text, settings))
        else:
            results.append(transformed(text, settings, site, True))
    return {"notes": [list(note) for note in notes], "results": results}


print(json.dumps(main()))
