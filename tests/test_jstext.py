"""JavaScript's text rules (core/jstext.py): number and JSON text exactly as JavaScript writes them,
checked against Node."""

import json
import math
import random
import shutil
import subprocess

import pytest
from core_jstext_cases import boundaries, javascript_strings, random_doubles
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


def test_number_text_matches_javascript_on_every_kind_of_boundary():
    numbers = boundaries()
    assert [jstext.number_text(n) for n in numbers] == javascript_strings(numbers)


@pytest.mark.parametrize("seed", [7, 8])
def test_number_text_matches_javascript_on_random_doubles(seed):
    numbers = random_doubles(15000, seed)
    ours = [jstext.number_text(n) for n in numbers]
    differ = [
        (repr(n), o, j) for n, o, j in zip(numbers, ours, javascript_strings(numbers)) if o != j
    ]
    assert differ == []


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (9882.47, "9882.47"),  # MicroPython's repr: 9882.469999999999
        (-75822.01, "-75822.01"),  # MicroPython's repr: -75822.00999999999
        (2.0**60, "1152921504606847000"),  # the fewest digits, then zeros up to the point
        (562949953421312.125, "562949953421312.1"),  # 17 digits would be a tie; 16 suffice
        (2.0**-1074, "5e-324"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (-0.0, "0"),
    ],
)
def test_number_text_examples(number, text):
    assert jstext.number_text(number) == text


def test_whole_numbers_beyond_2_53_are_written_as_the_double_javascript_reads():
    rng = random.Random(3)
    whole = [2**53 + 1, -(2**53) - 1, 2**60, 10**21, 10**21 - 1, 2**1024 - 2**970 - 1, 2**1024]
    whole += [rng.randint(2**53, 10**25) * rng.choice([1, -1]) for _ in range(2000)]
    whole += [rng.randint(1, 9) * 10 ** rng.randint(16, 310) for _ in range(500)]
    # JSON text of such a number is its digits; JSON.parse reads it as the nearest double.
    assert [jstext.number_text(n) for n in whole] == node_eval(
        "(s) => String(Number(s))", [str(n) for n in whole]
    )


def test_whole_numbers_beyond_the_largest_double_are_not_finite():
    assert jstext.is_finite(2**1024 - 2**970 - 1)
    assert not jstext.is_finite(2**1024 - 2**970)  # halfway to 2**1024: JavaScript reads Infinity
    assert (
        jstext.encode([10**400, -(10**400)]) == "[null,null]"
    )  # as JSON.stringify([Infinity, -Infinity])


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
