"""`heap-device try`: what Heap would get for one message, on CPython with the same core.

    $ echo '{"type": "track", "event": "Order Completed", "properties": {"total": 5}}' \\
        | heap-device try --transform mask_email.py
    message (filled in as the SDK would: messageId, anonymousId, ...)
      {"type": "track", "event": "Order Completed", "properties": {"total": 5}, ...}
    transformEvent returned (unchanged)
      {"type": "track", ...}
    Heap calls
      heap.track("Order Completed", {"total":5})

A short message is filled in as RudderStack's SDK fills it (messageId, anonymousId, channel,
context, timestamps), so a transform sees what it would see in the browser. `run` gives the
same as data, for tests (the pytest plugin's `heap_try`).
"""

import json
import sys
import uuid
from datetime import UTC, datetime

from heap_device.core import jstext
from heap_device.core.errors import HeapDeviceError
from heap_device.core.settings import resolve_settings
from heap_device.core.transform import SiteTransform
from heap_device.core.transform import handle as transformed
from heap_device.tools import UsageError, assets
from heap_device.tools import transform as site_transform

# An appId only so that the settings resolve: nothing is sent anywhere.
PLACEHOLDER_APP_ID = "1"
TYPES = ("track", "identify", "page", "group", "alias")


class TryError(Exception):
    """Why `try` could not say what Heap would get (exit status 1)."""


def sdk_message(short):
    """A message as the SDK would hand it over: `short` with what the SDK adds filled in.

    Returns (message, [names of the keys filled in]); keys given are kept as given.
    """
    if not isinstance(short, dict):
        raise TryError('the message must be a JSON object such as {"type": "track", ...}')
    kind = short.get("type")
    if kind not in TYPES:
        raise TryError(
            "the message's type is %s: use one of %s" % (json.dumps(kind), ", ".join(TYPES))
        )
    message = json.loads(json.dumps(short))
    filled = []
    if kind == "identify" and "traits" in message and "context" not in message:
        message["context"] = {"traits": message.pop("traits")}  # where the SDK v3 puts them
        filled.append("context.traits (from traits)")
    version = assets.pinned_versions().get(assets.RUDDERSTACK_PACKAGE, "3")
    defaults = {
        "channel": "web",
        "context": {
            "traits": {},
            "library": {"name": "RudderLabs JavaScript SDK", "version": version},
            "locale": "en-US",
            "userAgent": "heap-device try",
        },
        "originalTimestamp": _now(),
        "messageId": str(uuid.uuid4()),
        "anonymousId": str(uuid.uuid4()),
        "integrations": {"All": True},
    }
    if kind in ("track", "page"):
        defaults["properties"] = {}
    for key, value in defaults.items():
        if key not in message:
            message[key] = value
            filled.append(key)
        elif key == "context" and isinstance(message[key], dict):
            for inner, default in value.items():
                if inner not in message[key]:
                    message[key][inner] = default
                    filled.append("context." + inner)
    return message, filled


def _now():
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run(message, options=None, transform=None, destination_id=None, fill=True):
    """One message -> {"message", "filled", "transform", "calls", "notes"}, as data.

    `options`: the tag's options (a dict); `transform`: a transform file's path. Raises TryError.
    """
    options = dict(options or {})
    config = {"appId": options.pop("appId", PLACEHOLDER_APP_ID)}
    try:
        settings, notes = resolve_settings(config, options)
    except HeapDeviceError as exc:
        raise TryError(str(exc).removeprefix("heap-device: ")) from None
    filled = []
    if fill:
        message, filled = sdk_message(message)
    text = json.dumps(message)
    if transform is None:
        from heap_device.core.calls import handle

        result = handle(text, settings)
    else:
        try:
            function = site_transform.load(transform)
        except UsageError as exc:
            raise TryError(str(exc)) from None
        site = SiteTransform(function, destination_id)
        result = transformed(text, settings, site, dev=True)
    return {
        "message": message,
        "filled": filled,
        "transform": result.get("transform"),
        "calls": result["calls"],
        "notes": [list(note) for note in notes] + result["notes"],
    }


def describe(outcome):
    """What `run` found, as the lines `heap-device try` prints."""
    lines = []
    filled = outcome["filled"]
    head = "message"
    if filled:
        head += " (filled in as the SDK would: %s)" % ", ".join(filled)
    lines += [head, "  " + json.dumps(outcome["message"], ensure_ascii=False)]
    detail = outcome["transform"]
    if detail is not None:
        kind = detail["outcome"]
        if kind == "error":
            lines += ["transformEvent failed", "  " + detail["error"]]
        elif kind == "dropped":
            lines += ["transformEvent dropped it"]
        else:
            lines += ["transformEvent returned (%s)" % kind]
            for event in detail["events"]:
                lines.append("  " + json.dumps(event, ensure_ascii=False))
    lines.append("Heap calls" if outcome["calls"] else "Heap calls: none")
    for method, args in outcome["calls"]:
        shown = ", ".join(jstext.encode(arg) for arg in args)
        lines.append("  heap.%s(%s)" % (method, shown))
    if outcome["notes"]:
        lines.append("notes")
        for level, text in outcome["notes"]:
            lines.append("  %s: %s" % (level, text.removeprefix("heap-device: ")))
    return "\n".join(lines) + "\n"


def main(source, options_text, transform, destination_id=None, stdin=None):
    """`heap-device try`: prints what Heap would get; returns the exit status (0, or 1)."""
    try:
        if source in (None, "-"):
            text = (stdin or sys.stdin).read()
            where = "stdin"
        else:
            where = source
            try:
                with open(source, encoding="utf-8") as file:
                    text = file.read()
            except OSError as exc:
                raise TryError("%s: cannot read it (%s)" % (source, exc.strerror)) from None
        try:
            message = json.loads(text)
        except ValueError as exc:
            raise TryError("%s is not JSON (%s)" % (where, exc)) from None
        options = None
        if options_text is not None:
            try:
                options = json.loads(options_text)
            except ValueError as exc:
                raise TryError("--options is not JSON (%s)" % exc) from None
            if not isinstance(options, dict):
                raise TryError('--options must be a JSON object such as {"sdk": "classic"}')
        outcome = run(message, options, transform, destination_id)
    except TryError as exc:
        print("heap-device: %s" % exc, file=sys.stderr)
        return 1
    sys.stdout.write(describe(outcome))
    detail = outcome["transform"]
    if detail is not None and detail["outcome"] == "error":
        print("heap-device: transformEvent failed: %s" % detail["error"], file=sys.stderr)
        return 1
    return 0
