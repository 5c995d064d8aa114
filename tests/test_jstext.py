"""JavaScript's text rules (core/jstext.py): number and JSON text exactly as JavaScript writes them,
checked against Node."""

import json
import math
import random
import shutil
import struct
import subprocess

import pytest
from hypothesis import strategies as st

from heap_device.core import jstext

json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8)
json_scalars |= st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)

FLOATS = [
    0.1,
    0.5,
    1.5,
    -2.25,
    1e-7,
    1.5e-7,
    1e-6,
    123e-9,
    1e20,
    1e21,
    1.2345678901234567e20,
    123456789.125,
    5e-324,
    1.7976931348623157e308,
    2.5e-5,
    -0.0,
    100.0,
    1 / 3,
    2**0.5,
    4.35,
    0.000001234,
    9007199254740993.0,
    1e16,
    12345678901234567890.0,
]


def node_eval(expression_per_line, values):
    """Evaluate a JS function over JSON values in Node; None when Node is unavailable."""
    if shutil.which("node") is None:
        pytest.fail("node is needed for the JavaScript cross-check (make test installs it)")
    script = (
        "const f = " + expression_per_line + ";"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.map(f)));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(values), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_number_text_matches_javascript_string():
    js = node_eval("(n) => String(n)", FLOATS + [0, 7, -12, 2**53])
    ours = [jstext.number_text(n) for n in FLOATS + [0, 7, -12, 2**53]]
    assert ours == js


def random_floats(count, seed):
    """Floats from random bit patterns: every exponent range, subnormals included."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        (number,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(number):
            out.append(number)
    return out + [rng.uniform(-1e6, 1e6) for _ in range(count)]


def random_json(rng, depth=0):
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        return rng.choice(
            [
                None,
                True,
                False,
                rng.randint(-(2**53), 2**53),
                rng.random() * 10 ** rng.randint(-9, 25),
                "".join(rng.choice('ab"\\\n\t\x01é\U0001f600 ') for _ in range(rng.randint(0, 6))),
            ]
        )
    if roll < 0.75:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["k", "0", "10", "", "a.b", "é", "z"]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_number_text_matches_javascript_for_random_floats():
    numbers = random_floats(2000, seed=7)
    assert [jstext.number_text(n) for n in numbers] == node_eval("(n) => String(n)", numbers)


def test_encode_reproduces_what_javascript_wrote():
    """Text JSON.stringify wrote, decoded and encoded again, comes back to the letter."""
    rng = random.Random(11)
    values = [random_json(rng) for _ in range(1500)]
    for js_text in node_eval("(v) => JSON.stringify(v)", values):
        assert jstext.encode(json.loads(js_text)) == js_text


def test_lone_surrogate_halves_are_escaped_as_javascript_does():
    # JSON.stringify escapes them; on MicroPython a raw half would not survive the crossing to JS.
    values = ["a\ud800b", "\udc00", ["x\udfff", {"k\ud800": "\ud83d"}], "\U0001f600", "\x00\x1f"]
    js_texts = node_eval("(v) => JSON.stringify(v)", values)
    assert [jstext.encode(v) for v in values] == js_texts
    assert all(text.isascii() for text in js_texts[:3])


def test_encode_has_no_depth_limit():
    deep = []
    for _ in range(5000):
        deep = [deep]
    assert jstext.encode(deep) == "[" * 5001 + "]" * 5001


def test_is_number_excludes_bool():
    assert jstext.is_number(1) and jstext.is_number(1.5)
    assert not jstext.is_number(True) and not jstext.is_number("1")
    assert not jstext.is_finite(math.inf) and not jstext.is_finite(math.nan)


def test_dumps_for_uses_our_encoder_when_lone_surrogates_may_be_there():
    source = json.dumps({"s": "x\ud800y"})  # as JSON.stringify writes it: \ud800 escaped
    assert "\\ud800" in source
    value = json.loads(source)
    assert jstext.dumps_for(value, source) == jstext.encode(value)


def test_dumps_for_native_text_parses_to_the_same_value():
    rng = random.Random(5)
    for _ in range(300):
        value = random_json(rng)
        source = json.dumps(value, ensure_ascii=False)
        if "\\ud" not in source:
            assert json.loads(jstext.dumps_for(value, source)) == value
