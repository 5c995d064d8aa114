"""MicroPython's key order: the core's one interpreter difference, settled here only.

MicroPython's dicts do not keep insertion order, yet two rules depend on it: "later keys win"
when flattened names collide, and the JSON text of an object inside an array shows its keys in
order. A message is decoded with the fast native parser; only when an answer depends on order
this interpreter did not keep does the mapping raise `NeedsOrder`, and the text is decoded once
more with `decode_ordered`. On CPython and Pyodide dicts keep order and that never happens.
(JavaScript's number and string text is not an interpreter difference: jstext writes it itself.)
"""

import json
import sys
from collections import OrderedDict

# True where a plain dict iterates in insertion order (CPython 3.7+, Pyodide).
ORDERED_DICTS = sys.implementation.name != "micropython"


class NeedsOrder(Exception):
    """The result depends on key order that this interpreter's dicts did not keep."""


def is_ordered(obj):
    """Whether iterating this dict follows the order its keys arrived in."""
    return ORDERED_DICTS or type(obj) is not dict


def check_order(items):
    """Raise NeedsOrder if JSON text of `items` would show key order this interpreter lost."""
    if ORDERED_DICTS:
        return
    stack = list(items)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            # JSON text of an object with two or more keys shows their order.
            if len(item) > 1 and not is_ordered(item):
                raise NeedsOrder()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


_WHITESPACE = b" \t\n\r"
_COLON = ord(":")
_BACKSLASH = ord("\\")


def decode_ordered(text):
    """JSON text -> data whose objects are OrderedDicts, keys in the order the text gives them.

    Each key is numbered in place (`"name"` -> `"7:name"`), the native parser does the parsing,
    and the numbers give every object its order back. Python only looks for string boundaries,
    in bytes: indexing a str is O(n) on MicroPython (UTF-8 inside), indexing bytes is O(1).
    """
    data = text.encode() if type(text) is str else text
    parts = []
    start = pos = count = 0
    size = len(data)
    while True:
        quote = data.find(b'"', pos)
        if quote < 0:
            break
        end = data.find(b'"', quote + 1)
        while end > 0 and _escaped(data, end):
            end = data.find(b'"', end + 1)
        if end < 0:
            raise ValueError("unterminated string at byte %d" % quote)
        after = end + 1
        while after < size and data[after] in _WHITESPACE:
            after += 1
        if after < size and data[after] == _COLON:
            parts.append(data[start : quote + 1])
            parts.append(b"%d:" % count)
            count += 1
            start = quote + 1
        pos = end + 1
    parts.append(data[start:])
    return _restore_order(json.loads(b"".join(parts).decode()))


def _escaped(data, at):
    """Whether the quote at byte `at` is escaped (an odd run of backslashes before it)."""
    run = 0
    at -= 1
    while data[at] == _BACKSLASH:
        run += 1
        at -= 1
    return run % 2 == 1


def _restore_order(value):
    # Iterative: no recursion limit on deep documents.
    root = [value]
    stack = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, dict):
            numbered = []
            for name, child in item.items():
                number, _, name = name.partition(":")
                numbered.append((int(number), name, child))
            numbered.sort(key=_first)
            ordered = OrderedDict()
            for _, name, child in numbered:
                ordered[name] = child  # a repeated key keeps its first place, last value (as JSON)
            parent[key] = ordered
            for name in ordered:
                stack.append((ordered, name))
        elif isinstance(item, list):
            for i in range(len(item)):
                stack.append((item, i))
    return root[0]


def _first(entry):
    return entry[0]


def ordered_like(value, original=None, text=None):
    """`value` with OrderedDicts, for mapping a message a site's transform returned.

    `original` is what `text` decoded to natively and was given to the transform: each of its
    objects still in `value` gets the key order `text` gives (keys the transform added come
    after); an object the transform made keeps its own iteration order, the only one it has.
    """
    known = {}
    if original is not None:
        stack = [(original, decode_ordered(text))]
        while stack:
            plain, ordered = stack.pop()
            if isinstance(plain, dict) and isinstance(ordered, dict):
                known[id(plain)] = list(ordered)
                for name in ordered:
                    if name in plain:
                        stack.append((plain[name], ordered[name]))
            elif isinstance(plain, list) and isinstance(ordered, list):
                for pair in zip(plain, ordered):
                    stack.append(pair)
    root = [value]
    stack = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, dict):
            copy = OrderedDict()
            for name in known.get(id(item), ()):
                if name in item:
                    copy[name] = item[name]
            for name in item:
                if name not in copy:
                    copy[name] = item[name]
            parent[key] = copy
            for name in copy:
                stack.append((copy, name))
        elif isinstance(item, list):
            item = list(item)
            parent[key] = item
            for i in range(len(item)):
                stack.append((item, i))
    return root[0]
