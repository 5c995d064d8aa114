"""JSON in and out of the core, the same on CPython, Pyodide and MicroPython.

The adapter hands each message over as JSON text. Two interpreter differences matter here and
are settled in this module only:

- MicroPython's dicts do not keep insertion order, yet "later keys win" and JSON text inside a
  property depend on it. `decode` is fast and native; `decode_ordered` is a small pure-Python
  parser that builds OrderedDicts, used only when a message needs order (see properties.py).
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


def string_text(text):
    """A string as JSON.stringify writes it: quotes, backslashes and controls escaped, rest kept."""
    out = []
    start = 0
    for i, ch in enumerate(text):
        if ch < " " or ch == '"' or ch == "\\":
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


def _reversed_pairs(parts):
    # parts = [closing, opener1, value1, sep2, value2, ...]; the stack pops from the end,
    # so push the closing first and the rest in reverse.
    return [parts[0]] + parts[:0:-1]


# ---- order-preserving decoding (MicroPython's rare slow path) -------------------------------

_WHITESPACE = " \t\n\r"


def decode_ordered(text):
    """JSON text -> data whose objects are OrderedDicts, keys in the order the text gives them."""
    parser = _OrderedParser(text)
    value = parser.value()
    parser.skip()
    if parser.pos != len(text):
        raise ValueError("extra data after JSON value at %d" % parser.pos)
    return value


class _OrderedParser:
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def skip(self):
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def value(self):
        # Iterative: containers are built on an explicit stack so depth is unlimited.
        stack = []  # entries: [container, pending_key]
        while True:
            self.skip()
            ch = self.text[self.pos : self.pos + 1]
            if ch == "{" or ch == "[":
                self.pos += 1
                container = OrderedDict() if ch == "{" else []
                stack.append([container, None])
                self.skip()
                closer = "}" if ch == "{" else "]"
                if self.text[self.pos : self.pos + 1] == closer:
                    self.pos += 1
                    stack.pop()
                    item = container
                else:
                    if ch == "{":
                        stack[-1][1] = self._key()
                    continue
            else:
                item = self._scalar()
            # attach `item` to its parent, closing containers as they complete
            while True:
                if not stack:
                    return item
                top = stack[-1]
                if type(top[0]) is list:
                    top[0].append(item)
                else:
                    top[0][top[1]] = item
                self.skip()
                ch = self.text[self.pos : self.pos + 1]
                self.pos += 1
                if ch == ",":
                    if type(top[0]) is not list:
                        top[1] = self._key()
                    break
                if ch not in "]}" or not ch:
                    raise ValueError("bad JSON at %d" % (self.pos - 1))
                item = stack.pop()[0]

    def _key(self):
        self.skip()
        key = self._string()
        self.skip()
        if self.text[self.pos : self.pos + 1] != ":":
            raise ValueError("expected ':' at %d" % self.pos)
        self.pos += 1
        return key

    def _scalar(self):
        text, pos = self.text, self.pos
        ch = text[pos : pos + 1]
        if ch == '"':
            return self._string()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                self.pos = pos + len(word)
                return val
        end = pos
        while end < len(text) and text[end] in "+-0123456789.eE":
            end += 1
        if end == pos:
            raise ValueError("bad JSON at %d" % pos)
        self.pos = end
        return json.loads(text[pos:end])

    def _string(self):
        text, start = self.text, self.pos
        if text[start : start + 1] != '"':
            raise ValueError("expected string at %d" % start)
        end = start + 1
        while True:
            end = text.index('"', end)
            backslashes = 0
            while text[end - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2 == 0:
                break
            end += 1
        self.pos = end + 1
        # the native parser decodes escapes exactly as the fast path would
        return json.loads(text[start : end + 1])
