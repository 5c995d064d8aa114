"""Mask e-mail addresses before Heap sees them: in track/page properties, identify traits and
group traits, at any depth. Build it in with `heap-device build --transform mask_email.py`;
check it with `heap-device try --transform mask_email.py`.

Runs on MicroPython as it is: no `re`, no `typing`, only dicts, lists and strings.
"""

MASK = "[email hidden]"
PLACES = ("properties", "traits")


def looks_like_email(text):
    at = text.find("@")
    return 0 < at < len(text) - 3 and "." in text[at:] and " " not in text


def mask(value):
    """`value` with every string that looks like an e-mail address masked (changed in place)."""
    if isinstance(value, dict):
        for key in value:
            value[key] = mask(value[key])
    elif isinstance(value, list):
        for i in range(len(value)):
            value[i] = mask(value[i])
    elif isinstance(value, str) and looks_like_email(value):
        return MASK
    return value


def transformEvent(event, metadata):
    for place in PLACES:
        if place in event:
            mask(event[place])
    context = event.get("context")
    if isinstance(context, dict) and "traits" in context:
        mask(context["traits"])
    return event
