"""JavaScript's text rules, written once: what `String(n)`, `JSON.stringify` and `.length` give.

Heap runs in JavaScript, so every number written as text, every JSON text inside a property and
every length limit must come out exactly as JavaScript would have it. We write this text
ourselves rather than trust each interpreter's float format, so it is the same on CPython,
MicroPython and Pyodide.
"""

import json


def is_number(value):
    """A JSON number: int or float, never bool (MicroPython's bool is not an int)."""
    kind = type(value)
    return kind is int or kind is float


def is_finite(value):
    """Whether a JSON number is finite (NaN and the infinities are not)."""
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


def dumps_for(value, source_text):
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


def utf16_length(text):
    """How many UTF-16 code units JavaScript's `.length` gives for this string."""
    if _utf8_size(text) == len(text):
        return len(text)
    return len(text) + sum(1 for ch in text if ch > "\uffff")


def fits(text, limit):
    """Whether `text` is at most `limit` UTF-16 code units long; cheap for ASCII text."""
    if len(text) > limit:
        return False
    return _utf8_size(text) <= limit or utf16_length(text) <= limit


def cut(text, limit):
    """The longest prefix of `text` within `limit` UTF-16 code units, whole characters only."""
    if fits(text, limit):
        return text
    text = text[:limit]  # a code point is at least one unit, so nothing past here can fit
    if utf16_length(text) <= limit:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ch > "\uffff" else 1
        if units > limit:
            return text[:i]
    return text


def _utf8_size(text):
    # A lone surrogate half (JSON.stringify writes it escaped, JSON.parse reads it back) cannot
    # be encoded strictly on CPython and Pyodide; MicroPython encodes it without complaint.
    try:
        return len(text.encode())
    except UnicodeError:
        return len(text.encode("utf-8", "surrogatepass"))
