"""A RudderStack message -> the ordered list of Heap calls it means (docs/contract.md §4).

Calls are data, `[("identify", ["u-1"]), ("addUserProperties", [{"plan": "pro"}])]`, so the
same function is unit-tested on CPython, applied in the browser and shown in the demo.
Notes are `(level, text)`: "warn" is always shown, "info" and "debug" only in debug mode,
"error" when the mapping itself failed (docs/contract.md §6).
"""

import json

from heap_device.core import loader, order
from heap_device.core.consent import consent
from heap_device.core.jstext import cut, encode, is_finite, is_number, number_text, utf16_length
from heap_device.core.properties import CIRCULAR_MARK, normalise, properties_of

IDENTITY_MAX = 254
EVENT_NAME_MAX = 255
PAGE_EVENT = "Page Viewed"
# Every message field the mapping reads, and messageId for debug reports. Once Python runs the
# adapter sends only these: the SDK's context (user agent, page, library...) is most of a
# message and never read. tests/test_calls.py checks the list is complete.
MESSAGE_FIELDS = {
    "type": True,
    "messageId": True,
    "userId": True,
    "event": True,
    "properties": True,
    "traits": True,
    "groupId": True,
    "context": {"traits": True},
    "consent": True,  # the adapter's own consent message (consent.py)
}
# Identities Heap would merge every user into, irreversibly (compared case-insensitively).
PLACEHOLDER_IDENTITIES = (
    "undefined",
    "null",
    "none",
    "nil",
    "nan",
    "true",
    "false",
    "[object object]",
    "anonymous",
    "unknown",
    "user",
    "guest",
)


def handle(text, settings):
    """One message's JSON text -> everything the glue needs, in one value, decoded once.

    `{"type": str, "messageId": str or None, "calls": [[method, args], ...],
    "notes": [[level, text], ...]}`; `type` is "unreadable" for text that is not JSON and
    "untyped" for a message without a string type. Never raises for any text.
    """
    message, result = decode(text)
    if result["type"] == "unreadable":
        return result
    return map_message(message, settings, result, text)


def decode(text):
    """A message's JSON text, decoded once -> (message, result to fill): `handle`'s first half.

    The result holds the message's type and messageId, no calls yet; for text that is not JSON
    its type is "unreadable" (message None) with one warning note, and there is nothing to map.
    """
    result = {"type": "unreadable", "messageId": None, "calls": [], "notes": []}
    try:
        message = json.loads(text)
    except ValueError:
        result["notes"].append(["warn", "a message was not valid JSON and was skipped"])
        return None, result
    result["type"] = "untyped"
    if isinstance(message, dict):
        kind = message.get("type")
        message_id = message.get("messageId")
        if type(kind) is str:
            result["type"] = kind
        if type(message_id) is str:
            result["messageId"] = message_id
    return message, result


def map_message(message, settings, result, text=None, ordered=None):
    """A decoded message -> `result` with its calls and notes: `handle`'s second half.

    `text`, the JSON the message came from, is decoded again, keys in order, in the rare case
    where an answer depends on key order MicroPython's dicts lost (`ordered()`, when given, makes
    that ordered copy instead: a message a site's transform returned); without either that case
    is an error note. Never raises.
    """
    try:
        try:
            calls, notes = calls_for(message, settings)
        except order.NeedsOrder:
            if text is None and ordered is None:
                raise
            # MicroPython only, and rare: the answer depends on key order its dicts did not keep.
            again = ordered() if ordered is not None else order.decode_ordered(text)
            calls, notes = calls_for(again, settings)
    except Exception as exc:  # noqa: BLE001 - docs/contract.md §6: say it once, go on
        error = "could not handle a %s message: %s: %s" % (result["type"], type(exc).__name__, exc)
        result["notes"].append(["error", error])
        return result
    result["calls"] = [[method, args] for method, args in calls]
    result["notes"] = [[level, note] for level, note in notes]
    return result


def calls_for(message, settings):
    """A message (decoded JSON) -> (calls, notes). Never raises for bad message content."""
    notes = []
    if not isinstance(message, dict):
        return [], [("warn", "a message that is not an object was skipped")]
    kind = message.get("type")
    handler = HANDLERS.get(kind) if type(kind) is str else None
    if handler is None:
        notes.append(("warn", "message type %s is not supported; skipped" % _q(kind)))
        return [], notes
    calls = handler(message, settings, notes)
    return calls, notes


def _q(value):
    if type(value) is str:
        return '"%s"' % cut(value, 80)
    return encode(value) if value is None or is_number(value) else type(value).__name__


def identity_of(value):
    """A userId or groupId as Heap takes it: a trimmed string or a finite number, else None."""
    if type(value) is str:
        return value.strip()
    if is_number(value) and is_finite(value):
        return value
    return None


def _checked_id(value, what, placeholders, notes):
    identity = identity_of(value)
    if identity is None:
        if value is not None:
            notes.append(
                (
                    "warn",
                    "%s %s is not a string or number; ignored" % (what, _q(value)),
                )
            )
        return None
    text = identity if type(identity) is str else number_text(identity)
    if not text:
        notes.append(("warn", "%s is empty; refused" % what))
        return None
    if utf16_length(text) > IDENTITY_MAX:
        notes.append(
            (
                "warn",
                "%s is %d characters, over Heap's %d; refused"
                % (what, utf16_length(text), IDENTITY_MAX),
            )
        )
        return None
    if text == CIRCULAR_MARK:
        notes.append(("warn", "%s refused: it is the SDK's mark for a cut cycle" % what))
        return None
    if placeholders and text.lower() in placeholders:
        notes.append(
            (
                "warn",
                "%s %s refused: Heap would merge every user "
                "identified with it into one profile" % (what, _q(text)),
            )
        )
        return None
    return identity


def _user_properties(sources, settings, notes):
    return normalise(sources, True, settings["arrayFormat"], notes)


def identify(message, settings, notes):
    calls = []
    identity = _checked_id(message.get("userId"), "identity", PLACEHOLDER_IDENTITIES, notes)
    if identity is not None:
        calls.append(("identify", [identity]))
    context = properties_of(message.get("context"))
    traits = _user_properties(
        [properties_of(context.get("traits")), properties_of(message.get("traits"))],
        settings,
        notes,
    )
    if "user_id" in traits:
        del traits["user_id"]
        notes.append(("info", 'dropped trait "user_id": Heap does not allow it as a user property'))
    if traits:
        calls.append(("addUserProperties", [traits]))
    return calls


def event_name(value, notes):
    """A track event's name: trimmed, numbers as text, cut to 255; None when there is none."""
    if type(value) is str:
        name = value.strip()
    elif is_number(value) and is_finite(value):
        name = number_text(value)
    else:
        name = ""
    if not name:
        notes.append(("warn", "track call without an event name (%s); skipped" % _q(value)))
        return None
    short = cut(name, EVENT_NAME_MAX)
    if len(short) < len(name):
        notes.append(("info", "event name cut to %d characters" % EVENT_NAME_MAX))
    return short


def _event_properties(message, settings, notes):
    return normalise(
        [properties_of(message.get("properties"))], False, settings["arrayFormat"], notes
    )


def track(message, settings, notes):
    name = event_name(message.get("event"), notes)
    if name is None:
        return []
    return [("track", [name, _event_properties(message, settings, notes)])]


def page(message, settings, notes):
    if not settings["trackPageCalls"]:
        notes.append(
            (
                "debug",
                "page call not sent: Heap captures page views itself "
                '(set trackPageCalls to send them as "%s")' % PAGE_EVENT,
            )
        )
        return []
    return [("track", [PAGE_EVENT, _event_properties(message, settings, notes)])]


def group(message, settings, notes):
    calls = []
    group_id = _checked_id(message.get("groupId"), "groupId", (), notes)
    if group_id is not None:
        calls.append(("addUserProperties", [{settings["accountIdProperty"]: group_id}]))
    traits = _user_properties([properties_of(message.get("traits"))], settings, notes)
    if traits:
        if loader.has_method(settings, "addAccountProperties"):
            calls.append(("addAccountProperties", [traits]))
        else:
            notes.append(
                (
                    "warn",
                    "group traits not sent: Heap's classic loader has "
                    'no addAccountProperties; use sdk "v5"',
                )
            )
    return calls


def alias(message, settings, notes):
    notes.append(("debug", "alias call not sent: Heap has no alias"))
    return []


def reset(message, settings, notes):
    if not settings["resetOnReset"]:
        notes.append(("debug", "reset not sent to Heap: resetOnReset is false"))
        return []
    return [("resetIdentity", [])]


HANDLERS = {
    "identify": identify,
    "track": track,
    "page": page,
    "group": group,
    "alias": alias,
    "reset": reset,
    "consent": consent,
}
