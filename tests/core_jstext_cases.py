"""Doubles to prove jstext.number_text on, and what JavaScript writes for them (Node).

Every kind of double where a shortcut could slip: random bit patterns (every exponent, subnormals
included), decimals as people type them, the neighbours of powers of two (where the gap below is
half the gap above) and of powers of ten, JavaScript's layout thresholds (1e21, 1e-7) and the ends
of the range.
"""

import json
import math
import random
import shutil
import struct
import subprocess

import pytest

TINIEST = 5e-324
SMALLEST_NORMAL = 2.2250738585072014e-308
LARGEST = 1.7976931348623157e308


def neighbours(x):
    """x and the doubles just below and above it (positive finite x)."""
    bits = struct.unpack("<q", struct.pack("<d", x))[0]
    out = [x]
    for step in (-1, 1):
        (near,) = struct.unpack("<d", struct.pack("<q", bits + step))
        if math.isfinite(near) and near > 0:
            out.append(near)
    return out


def boundaries():
    """Powers of two and ten with their neighbours, the layout thresholds, the range's ends."""
    out = [0.0, -0.0, TINIEST, 2 * TINIEST, SMALLEST_NORMAL, LARGEST]
    out += neighbours(SMALLEST_NORMAL) + neighbours(LARGEST) + neighbours(TINIEST * 3)
    for k in range(-1074, 1024):
        out += neighbours(math.ldexp(1.0, k))
    for k in range(-323, 309):
        out += neighbours(float("1e%d" % k))
        out.append(float("5e%d" % (k - 1)))
    for threshold in (1e21, 1e-7, 1e-6, 2.0**53, 1e15, 1e16, 1e17):
        out += neighbours(threshold)
    out += [0.1, 0.2, 0.3, 9882.47, 4.35, 1 / 3, 2**0.5, 123456789.125, 562949953421312.125]
    assert all(math.isfinite(number) for number in out)
    return out


def random_doubles(count, seed):
    """`count` random doubles of each kind: bit patterns, typed decimals, subnormals."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        (number,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(number):
            out.append(number)
    typed = 0
    while typed < count:
        digits = rng.randint(1, 17)
        mantissa = rng.randint(10 ** (digits - 1), 10**digits - 1)
        number = float("%s%de%d" % (rng.choice("+-"), mantissa, rng.randint(-340, 308)))
        if math.isfinite(number):
            out.append(number)
            typed += 1
    for _ in range(count):
        out.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)))  # prices, measurements
    for _ in range(count // 4):
        out.append(math.ldexp(rng.randint(1, 2**52 - 1), -1074))  # subnormals
    return out


def exact_parts(number):
    """[sign, m, e] with number == (-1)**sign * m * 2**e, read from the bits (no parsing)."""
    bits = struct.unpack("<Q", struct.pack("<d", number))[0]
    sign, exponent, fraction = bits >> 63, (bits >> 52) & 0x7FF, bits & ((1 << 52) - 1)
    if exponent == 0:
        return [sign, fraction, -1074]
    return [sign, fraction | (1 << 52), exponent - 1075]


def javascript_strings(numbers):
    """String(n) for each double, from one Node process (the doubles cross as exact bits)."""
    if shutil.which("node") is None:
        pytest.fail("node is needed for the JavaScript cross-check (make test installs it)")
    script = (
        "const bits = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const out = bits.map((hex) => String(Buffer.from(hex, 'hex').readDoubleBE(0)));"
        "process.stdout.write(JSON.stringify(out));"
    )
    bits = json.dumps([struct.pack(">d", number).hex() for number in numbers])
    done = subprocess.run(["node", "-e", script], input=bits, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
