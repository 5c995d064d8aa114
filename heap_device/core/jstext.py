"""JavaScript's text rules, written once: what `String(n)`, `JSON.stringify` and `.length` give.

Heap runs in JavaScript, so every number written as text, every JSON text inside a property and
every length limit must come out exactly as JavaScript would have it. We write this text
ourselves rather than trust each interpreter's float format, so it is the same on CPython,
MicroPython and Pyodide.
"""

import json
import math


def is_number(value):
    """A JSON number: int or float, never bool (MicroPython's bool is not an int)."""
    kind = type(value)
    return kind is int or kind is float


def is_finite(value):
    """Whether a JSON number is finite as JavaScript reads it: NaN, the infinities and whole
    numbers beyond the largest double (JSON.parse reads those as Infinity) are not."""
    if type(value) is int:
        return -_BEYOND < value < _BEYOND
    return value == value and value not in (_INF, -_INF)


def number_text(value):
    """A number as JavaScript's String(n) writes it: 1 -> "1", 1.5 -> "1.5", 1e-7 -> "1e-7",
    9882.47 -> "9882.47", 2**60 -> "1152921504606847000".

    The digits are the fewest that read back as the same double, the closest of them to its
    exact value: found, or checked, with integer arithmetic, so no interpreter's float
    formatting is trusted (MicroPython's repr writes 9882.47 as "9882.469999999999").
    """
    found = None
    if type(value) is int:
        if -_TWO53 <= value <= _TWO53:
            return str(value)
        sign = "-" if value < 0 else ""
        parts = _int_parts(abs(value))  # JavaScript sees the double nearest to it
    else:
        if value != value:
            return "NaN"
        if value == 0:
            return "0"  # JavaScript writes -0 as "0" too
        sign = ""
        if value < 0:
            sign, value = "-", -value
        if value < _TWO53 and value == int(value):
            return sign + str(int(value))  # a whole double below 2**53 is written in full
        if value == _INF:
            return sign + "Infinity"
        parts = _float_parts(value)
        found = _fifteen(value, parts[0], parts[1])
    if parts is None:
        return sign + "Infinity"
    digits, point = found or _shortest(*parts)
    return sign + _layout(digits, point)


# A double is m * 2**e with 0 < m < 2**53; a normal one has m >= 2**52, a subnormal e = -1074.
_TWO53 = 1 << 53
_TWO52 = 1 << 52
_INF = float("inf")
_BEYOND = (1 << 1024) - (1 << 970)  # halfway from the largest double to 2**1024


def _float_parts(x):
    """(m, e, top) of a positive finite float: x = m * 2**e exactly, 2**(top-1) <= x < 2**top."""
    fraction, top = math.frexp(x)  # x = fraction * 2**top, 0.5 <= fraction < 1: exact
    e = max(top - 53, -1074)
    return int(math.ldexp(fraction, top - e)), e, top


def _int_parts(n):
    """(m, e, top) of the double nearest to the int n > 2**53 (ties to even), or None when it
    is beyond the largest double (JavaScript reads it as Infinity)."""
    shift = len(bin(n)) - 2 - 53
    m = n >> shift
    rest = n - (m << shift)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and m & 1):
        m += 1
        if m == _TWO53:
            m, shift = _TWO52, shift + 1
    if shift > 1024 - 53:
        return None
    return m, shift, shift + 53


def _fifteen(x, m, e):
    """JavaScript's (digits, point) for x when x has 15 or fewer: the interpreter's 15-digit text,
    taken only once integer arithmetic shows it reads back as x; else None (x needs 16 or 17
    digits, is subnormal, or the interpreter's formatting slipped). The fast way for the numbers
    people type: prices, amounts, measurements.

    Why that text is then the answer: the decimals of at most 15 digits lie further apart than a
    normal double's rounding interval is wide (10**-15 against 2**-52, relative), so at most one
    of them reads back as x. Any shorter text that reads back as x is one of them: the same one.
    """
    if m < _TWO52:
        return None  # subnormal: fewer bits, a wider interval, the argument above fails
    mantissa, _, exponent = ("%.15g" % x).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + (int(exponent) if exponent else 0) - len(whole + fraction) + len(digits)
    digits = digits.rstrip("0")
    if len(digits) == 15:
        return None  # all 15 used: it most likely needs 16 or 17, so leave it to the search
    if not _reads_back(int(digits), point - len(digits), m, e):
        return None
    return digits, point


def _reads_back(s, q, m, e):
    """Whether the decimal s * 10**q rounds (half to even) to the double m * 2**e (m >= 2**52)."""
    below = 1 if m == _TWO52 and e > -1074 else 2  # as in _shortest
    left = s * 10**q if q > 0 else s
    scale = 10**-q if q < 0 else 1
    if e < 2:
        left <<= 2 - e
    else:
        scale <<= e - 2
    low = (4 * m - below) * scale
    high = (4 * m + 2) * scale
    if m & 1:
        return low < left < high
    return low <= left <= high


def _shortest(m, e, top):
    """The decimal digits JavaScript writes for m * 2**e, and where the point goes: (ds, n) means
    0.ds * 10**n. The fewest digits whose value rounds back to the double (round-half-even, so the
    interval's ends count when m is even), and of those the closest (a tie takes the even one)."""
    # Exact values as integers in a common unit: X * 2**(e-2) for the double (4m) and its
    # interval (halfway to each neighbour; below 2**52 * 2**e the neighbour is only half as far).
    below = 1 if m == _TWO52 and e > -1074 else 2
    # n: an exponent with 10**(n-1) <= 2**(top-1) <= the double, so the grid below has at least
    # 17 significant digits: floor((top-1) * log10(2)) + 1, in integers, rounded down (78913/2**18
    # is just under log10(2), 78914/2**18 just over, for a negative top-1).
    n = ((top - 1) * (78913 if top > 0 else 78914) >> 18) + 1
    grid = n - 17  # candidates are multiples of 10**grid
    # X * 2**(e-2) / 10**grid == X * up / (down or 2**shift)
    up = 1 << (e - 2) if e >= 2 else 1
    if grid < 0:
        up *= 10**-grid
    scaled = 4 * m * up
    if e < 2:
        shift = 2 - e
        mask = (1 << shift) - 1
        v, v_rest = scaled >> shift, scaled & mask
        low, low_rest = (scaled - below * up) >> shift, (scaled - below * up) & mask
        high, high_rest = (scaled + 2 * up) >> shift, (scaled + 2 * up) & mask
        down = 1 << shift
    else:
        down = 10**grid if grid > 0 else 1
        v, v_rest = divmod(scaled, down)
        low, low_rest = divmod(scaled - below * up, down)
        high, high_rest = divmod(scaled + 2 * up, down)
    inclusive = not m & 1
    if low_rest or not inclusive:
        low += 1  # the least grid point inside
    if not high_rest and not inclusive:
        high -= 1  # the greatest grid point inside
    # The coarsest step 10**j with a multiple in [low, high]: the interval is at most a few
    # hundred grid points wide, so for a number that needs 16 or 17 digits this takes a step or two.
    step, j = 1, 0
    while high - high % (step * 10) >= low:
        step, j = step * 10, j + 1
    under = v - v % step
    over = under + step
    if under < low:
        chosen = over
    elif over > high:
        chosen = under
    else:  # both fit: the closer to the exact value, a tie to the even one
        left = 2 * v_rest
        right = (step - 2 * (v - under)) * down
        if left < right or (left == right and not (under // step) & 1):
            chosen = under
        else:
            chosen = over
    digits = str(chosen // step)
    return digits.rstrip("0"), len(digits) + j + grid


def _layout(digits, point):
    """Number::toString's layout of 0.digits * 10**point: plain up to 21 integer digits and
    down to 6 zeros after the point, exponent form beyond."""
    k = len(digits)
    if k <= point <= 21:
        return digits + "0" * (point - k)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    exponent = point - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return head + "e" + ("+" if exponent > 0 else "-") + str(abs(exponent))


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
