"""Normalising properties into what Heap accepts (docs/contract.md §5).

Heap takes flat objects whose values are booleans, numbers or strings within length limits.
Lengths are counted in UTF-16 code units, as Heap's JavaScript counts them, and a cut never
splits a character.
"""

from heap_device.core import order
from heap_device.core.jstext import (
    cut,
    encode,
    fits,
    is_finite,
    is_number,
    number_text,
    utf16_length,
)

EVENT_VALUE_MAX = 1023
USER_VALUE_MAX = 255
KEY_MAX = 511
CIRCULAR_MARK = "[Circular Reference]"  # the RudderStack SDK's mark where it cut a cycle
NOTES_MAX = 20  # per message: enough to debug, bounded for huge inputs


class Notes:
    """What normalising dropped or cut and why; bounded so a huge input stays cheap."""

    def __init__(self, sink):
        self.sink = sink
        self.count = 0

    def add(self, text):
        self.count += 1
        if self.count <= NOTES_MAX:
            self.sink.append(("info", text))

    def close(self):
        if self.count > NOTES_MAX:
            self.sink.append(("info", "... and %d more" % (self.count - NOTES_MAX)))


def _scalar_text(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is str:
        return value
    return number_text(value)


def _is_scalar(value):
    return type(value) is str or type(value) is bool or is_number(value)


def _array_text(items, array_format, limit):
    """An array as one string: `a||b` for plain items in "joined" format, JSON text otherwise;
    None when nothing is left of it."""
    items = _without_marks(items)
    if not items:
        return None
    if array_format == "joined":
        joined = True
        for item in items:
            if not _is_scalar(item) or (is_number(item) and not is_finite(item)):
                joined = False
                break
        if joined:
            return "||".join(_scalar_text(item) for item in items)
    order.check_order(items)
    # Long strings cannot change the first `limit` characters beyond their own first `limit`.
    return encode(_clip_strings(items, limit))


def _without_marks(items):
    """`items` without the SDK's cycle mark wherever it is an array item, at any depth."""
    # Most arrays hold no mark: look first, copy only when there is one.
    stack = [items]
    found = False
    while stack and not found:
        item = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, (list, tuple, dict)):
                stack.append(child)
            elif child == CIRCULAR_MARK and not isinstance(item, dict):
                found = True
                break
    if not found:
        return items
    # Copy what holds a mark (the input is never modified); iterative: no recursion limit.
    root = [items]
    stack = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, dict):
            clean = type(item)()  # an OrderedDict stays one
            for name, child in item.items():
                clean[name] = child
            keys = list(clean)
        elif isinstance(item, (list, tuple)):
            clean = [child for child in item if child != CIRCULAR_MARK]
            keys = range(len(clean))
        else:
            continue
        parent[key] = clean
        for name in keys:
            stack.append((clean, name))
    return root[0]


def _clip_strings(items, limit):
    if all(type(item) is not str or len(item) <= limit for item in items):
        return items
    return [item[: limit + 1] if type(item) is str else item for item in items]


def normalise(sources, for_user, array_format, sink):
    """Flatten property objects into Heap's shape; notes on what was dropped or cut go to sink.

    `sources` are dicts applied in order: a top-level key of a later one replaces the same key
    of an earlier one, as `Object.assign` would.
    """
    limit = USER_VALUE_MAX if for_user else EVENT_VALUE_MAX
    notes = Notes(sink)
    out = {}
    # Depth-first, in source order, without recursion (MicroPython's stack is shallow).
    stack = []
    for i in range(len(sources) - 1, -1, -1):
        stack.append(("", _top_items(sources[i], sources[i + 1 :]), sources[i]))
    while stack:
        prefix, items, parent = stack[-1]
        step = next(items, None)
        if step is None:
            stack.pop()
            continue
        key, value = step
        name = prefix + str(key)
        if value is None or value == CIRCULAR_MARK:
            notes.add('dropped "%s": %s' % (name, "null" if value is None else CIRCULAR_MARK))
            continue
        if isinstance(value, dict):
            if value:
                stack.append((name + ".", iter(value.items()), value))
            else:
                notes.add('dropped "%s": empty object' % name)
            continue
        if isinstance(value, (list, tuple)):
            value = _array_text(value, array_format, limit)
            if value is None:
                notes.add('dropped "%s": empty array (or only cycle marks)' % name)
                continue
        elif value is True or value is False:
            if for_user:
                value = "true" if value else "false"
        elif is_number(value):
            if not is_finite(value):
                notes.add('dropped "%s": not a finite number' % name)
                continue
        elif type(value) is not str:
            notes.add('dropped "%s": unsupported value' % name)
            continue
        if type(value) is str:
            short = cut(value, limit)
            if len(short) < len(value):
                notes.add('cut "%s" to %d characters (was %d)' % (name, limit, utf16_length(value)))
                value = short
        if not name:
            notes.add("dropped a property with an empty name")
            continue
        if not fits(name, KEY_MAX):
            name = cut(name, KEY_MAX)
            notes.add('cut key "%s..." to %d characters' % (name[:40], KEY_MAX))
        if name in out:
            # One message's dicts are all of one kind (native or ordered decoding), so the
            # current one tells whether "later" can be trusted.
            if not order.is_ordered(parent):
                raise order.NeedsOrder()
            notes.add('"%s" given twice: the later value wins' % name)
        out[name] = value
    notes.close()
    return out


def _top_items(source, later):
    for key, value in source.items():
        replaced = False
        for other in later:
            if key in other:
                replaced = True
                break
        if not replaced:
            yield key, value


def properties_of(value):
    """A properties object; anything but an object (a string, an array, null) counts as none."""
    return value if isinstance(value, dict) else {}
