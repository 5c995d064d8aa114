"""JSON in and out of the core, the same on CPython, Pyodide and MicroPython.

The adapter hands each message over as JSON text. Two interpreter differences matter here and
are settled in this module only:

- MicroPython's dicts do not keep insertion order, yet "later keys win" and JSON text inside a
  property depend on it. `decode` is fast and native; `decode_ordered` numbers the keys in the
  text so the native parser's result can be put back in order, used only when a message needs
  order (see properties.py).
- Number and string text must match what JavaScript would write, on every interpreter, so we
  write JSON ourselves instead of trusting each interpreter's `json.dumps` float format.
"""

import json
import sys
from collections import OrderedDict

# True where a plain dict iterates in insertion order (CPython 3.7+, Pyodide).
ORDERED_DICTS = sys.implementation.name != "micropython"


def decode(text):
    """JSON text -> Python data, with the interpreter's native parser."""
    return json.loads(text)


def is_ordered(obj):
    """Whether iterating this dict follows the order its keys arrived in."""
    return ORDERED_DICTS or type(obj) is not dict


def is_number(value):
    """A JSON number: int or float, never bool (MicroPython's bool is not an int)."""
    kind = type(value)
    return kind is int or kind is float


def is_finite(value):
    return type(value) is int or (value == value and value not in (float("inf"), float("-inf")))


def number_text(value):
    """A number as JavaScript's String(n) writes it: 1 -> "1", 1.5 -> "1.5", 1e-7 -> "1e-7"."""
    if type(value) is int and -(10**21) < value < 10**21:
        return str(value)
    value = float(value)
    if value == 0:
        return "0"  # JavaScript writes -0 as "0" too
    text = repr(value)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # point: where the decimal point sits relative to the start of `digits`
    point = len(whole) + (int(exp) if exp else 0) - (len(whole + frac) - len(digits))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= point <= 21:
        out = digits + "0" * (point - k)
    elif 0 < point <= 21:
        out = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        out = "0." + "0" * (-point) + digits
    else:
        e = point - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e > 0 else "-")
        out += str(abs(e))
    return sign + out


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


# Lone surrogate halves (JSON.stringify escapes them). On MicroPython such a half cannot cross to
# JavaScript raw: a string longer than 16 bytes is decoded by TextDecoder, which turns each half
# into three U+FFFD; escaped, the JSON text stays plain ASCII there.
_HALF_FIRST = chr(0xD800)
_HALF_LAST = chr(0xDFFF)


def string_text(text):
    """A string as JSON.stringify writes it: quotes, backslashes, controls and lone surrogate
    halves escaped, the rest kept."""
    out = []
    start = 0
    for i, ch in enumerate(text):
        if ch < " " or ch == '"' or ch == "\\" or _HALF_FIRST <= ch <= _HALF_LAST:
            out.append(text[start:i])
            out.append(_ESCAPES.get(ch) or "\\u%04x" % ord(ch))
            start = i + 1
    if not out:
        return '"' + text + '"'
    out.append(text[start:])
    return '"' + "".join(out) + '"'


def encode(value):
    """Compact JSON text of JSON-like data, as JavaScript writes it. Iterative: no depth limit."""
    out = []
    # Each stack entry is either a value to write or a literal string (tagged) to emit.
    stack = [(False, value)]
    while stack:
        literal, item = stack.pop()
        if literal:
            out.append(item)
        elif item is None:
            out.append("null")
        elif item is True:
            out.append("true")
        elif item is False:
            out.append("false")
        elif type(item) is str:
            out.append(string_text(item))
        elif is_number(item):
            out.append(number_text(item) if is_finite(item) else "null")
        elif isinstance(item, dict):
            parts = [(True, "}")]
            first = True
            for key, child in item.items():
                parts.append((True, ("{" if first else ",") + string_text(str(key)) + ":"))
                parts.append((False, child))
                first = False
            if first:
                parts.append((True, "{"))
            stack.extend(_reversed_pairs(parts))
        elif isinstance(item, (list, tuple)):
            parts = [(True, "]")]
            for i, child in enumerate(item):
                parts.append((True, "[" if i == 0 else ","))
                parts.append((False, child))
            if not item:
                parts.append((True, "["))
            stack.extend(_reversed_pairs(parts))
        else:
            out.append(string_text(str(item)))
    return "".join(out)


def encode_for(value, source_text):
    """JSON text of `value` for JSON.parse, where every string in `value` came from `source_text`.

    The native encoder is exact, and many times faster on MicroPython, except that it writes a
    lone surrogate half raw, which JavaScript then garbles. JSON.stringify always escapes lone
    halves (as `\\udXXX`) and never valid pairs, so a source without `\\ud` holds none.
    """
    if "\\ud" in source_text:
        return encode(value)
    return json.dumps(value)


def _reversed_pairs(parts):
    # parts = [closing, opener1, value1, sep2, value2, ...]; the stack pops from the end,
    # so push the closing first and the rest in reverse.
    return [parts[0]] + parts[:0:-1]


# ---- order-preserving decoding (MicroPython's rare slow path) -------------------------------

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
