"""A site's own rules (docs/contract.md §9): its `transformEvent(event, metadata)` runs on each
message the SDK hands over, before the mapping, and what it returns is what gets mapped.

    site = SiteTransform(module.transformEvent, destination_id="2bX...")
    result = handle(text, settings, site)   # calls.handle's value, plus result["transform"]

`result["transform"]` says what came of it (PLAN decision 8): `{"outcome": "unchanged" |
"changed" | "dropped" | "split" | "error", "events": [...], "error": text}`. A transform's failure
never raises here and never loses a message silently: `transformErrors` chooses "send" (the
message as it was before the transform) or "drop" (the default), and each distinct failure is one
console error.
"""

import io
import json
import sys

from heap_device.core import calls, order

# The messages a transform sees: what the SDK hands a destination. The adapter's own control
# messages (reset, consent) keep their place and meaning without it.
TRANSFORMED_TYPES = ("track", "identify", "page", "group", "alias")
KINDS = {str: "a string", list: "a list", int: "a number", float: "a number", bool: "a boolean"}


class SiteTransform:
    """The site's transformEvent and what it has failed with so far (state for the page's life)."""

    def __init__(self, function, destination_id=None, file_name=None):
        self.function = function
        self.destination_id = destination_id
        # The name errors give the transform's file (the site's own, not the bundle's module).
        self.file_name = file_name
        self.failures = {}  # (file, line, exception type) or a bad return's kind -> times seen

    def metadata(self, event):
        """What the destination knows of `event`; keys it cannot know are absent, never guessed."""
        known = {"destinationType": "HEAP", "connectionMode": "device"}
        message_id = event.get("messageId") if isinstance(event, dict) else None
        if type(message_id) is str:
            known["messageId"] = message_id
        if type(self.destination_id) is str and self.destination_id:
            known["destinationId"] = self.destination_id
        return known

    def run(self, event):
        """`event` through transformEvent -> (messages, outcome, failure key, failure text).

        On success the failure key and text are None; on failure the messages and outcome are.
        """
        try:
            returned = self.function(event, self.metadata)
        except Exception as exc:  # noqa: BLE001 - §9: a transform's failure never reaches the page
            where = _where(exc, self.file_name)
            return None, None, (where, type(exc).__name__), _failure_text(where, exc)
        if returned is None:
            return [], "dropped", None, None
        if isinstance(returned, dict):
            if _typed(returned):
                return [returned], "changed", None, None
            return None, None, ("return", "untyped"), _bad_return("a dict without a known type")
        if isinstance(returned, list):
            for item in returned:
                if not isinstance(item, dict):
                    what = "a list holding %s" % _kind(item)
                    return None, None, ("return", "list"), _bad_return(what)
                if not _typed(item):
                    what = "a list holding a dict without a known type"
                    return None, None, ("return", "list"), _bad_return(what)
            outcome = ("dropped", "changed")[len(returned)] if len(returned) < 2 else "split"
            return returned, outcome, None, None
        return None, None, ("return", _kind(returned)), _bad_return(_kind(returned))

    def failed(self, key, text, settings):
        """The note(s) for one failure: an error the first time, a debug count after that."""
        seen = self.failures.get(key, 0) + 1
        self.failures[key] = seen
        then = "the message was " + _fate(settings)
        if seen == 1:
            return [
                [
                    "error",
                    "%s; %s (%s; said once, later ones are counted with debug)"
                    % (text, then, _choice(settings)),
                ]
            ]
        return [["debug", "%s again (%d times so far); %s" % (text, seen, then)]]


def unloadable(description, settings, destination_id=None):
    """A transform the page could not import -> (the site to use, its one console error).

    With "drop" every message is dropped (a site that drops them all); with "send" each is sent
    as it was (no site, None). `description` says what failed, e.g. "ImportError: no module..."
    """
    text = "your transform could not be loaded (%s); every message is %s (%s)" % (
        description,
        _fate(settings),
        _choice(settings),
    )
    if settings["transformErrors"] == "send":
        return None, text
    return SiteTransform(_drop_all, destination_id), text


def _drop_all(event, metadata):
    return None


def _fate(settings):
    return "sent as it was" if settings["transformErrors"] == "send" else "dropped"


def _choice(settings):
    """The setting as chosen, and for the default how to choose the other way."""
    if settings["transformErrors"] == "send":
        return 'transformErrors: "send"'
    return (
        'transformErrors: "drop", the default; to send such a message as it was instead, '
        'build with --options \'{"transformErrors": "send"}\''
    )


def handle(text, settings, site, dev=False):
    """One message's JSON text through the site's transform, then the mapping (CPython tools,
    tests): calls.handle's value, plus `transform` when the transform ran. Never raises."""
    message, result = calls.decode(text)
    if result["type"] == "unreadable":
        return result
    return transform_and_map(site, message, result, text, settings, dev)


def transform_and_map(site, message, result, text, settings, dev=False):
    """A decoded message (calls.decode) -> `result` with the calls and notes of every message
    the transform returned, in order, and `result["transform"]` (PLAN decision 8).

    `text` is the JSON the message came from: decoded again only when the message must be sent
    as it was, or (`dev`) to tell "unchanged" from "changed", or for MicroPython's key order.
    Control messages and types the SDK never hands over are mapped without the transform.
    """
    if result["type"] not in TRANSFORMED_TYPES:
        return calls.map_message(message, settings, result, text)
    messages, outcome, key, failure = site.run(message)
    detail = {"outcome": outcome, "events": messages}
    notes = []
    if failure is not None:
        notes += site.failed(key, failure, settings)
        detail = {"outcome": "error", "events": [], "error": failure}
        messages = []
        if settings["transformErrors"] == "send":  # as it was: the transform may have changed it
            calls.map_message(json.loads(text), settings, result, text)
            result["notes"] = notes + result["notes"]
            result["transform"] = detail
            return result
    elif outcome == "dropped":
        notes.append(["debug", "%s dropped by transformEvent" % result["type"]])
    elif outcome == "changed" and dev and messages[0] == json.loads(text):
        detail["outcome"] = "unchanged"
    found = []
    for returned in messages:
        kind = returned.get("type")
        mapped = {"type": kind, "messageId": None, "calls": [], "notes": []}
        calls.map_message(returned, settings, mapped, ordered=_ordered(returned, message, text))
        found += mapped["calls"]
        notes += mapped["notes"]
    result["calls"] = found
    result["notes"] = notes
    result["transform"] = detail
    return result


def _ordered(returned, original, text):
    return lambda: order.ordered_like(returned, original, text)


def _typed(message):
    kind = message.get("type")
    return type(kind) is str and kind in TRANSFORMED_TYPES


def _kind(value):
    if value is None:
        return "None"
    if isinstance(value, dict):
        return "a dict"
    return KINDS.get(type(value), "a " + type(value).__name__)


def _bad_return(what):
    return (
        "transformEvent returned %s; it must return a dict with a type (track, identify, page, "
        "group or alias), a list of them, or None" % what
    )


def _failure_text(where, exc):
    place = "" if where is None else " at %s line %s" % where
    return "transformEvent raised%s: %s: %s" % (place, type(exc).__name__, exc)


def _where(exc, file_name=None):
    """(file, line) of the transform's deepest frame in its own file, from the traceback."""
    frames = _frames(exc)
    # frames[0] is ours (the call); the next one is transformEvent's, in the transform's file.
    if len(frames) < 2:
        return None
    own = frames[1][0]
    found = frames[1]
    for frame in frames[2:]:
        if frame[0] == own:
            found = frame
    return (file_name or found[0], found[1])


def _frames(exc):
    """[(file, line), ...] from the outermost frame to where it was raised."""
    tb = getattr(exc, "__traceback__", None)
    if tb is not None:  # CPython, Pyodide
        frames = []
        while tb is not None:
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
        return frames
    out = io.StringIO()  # MicroPython: no traceback object, only its printed form
    sys.print_exception(exc, out)
    frames = []
    for line in out.getvalue().splitlines():
        line = line.strip()
        if line.startswith('File "'):
            name, _, rest = line[6:].partition('", line ')
            number = rest.partition(",")[0]
            frames.append((name, int(number) if number.isdigit() else number))
    return frames
