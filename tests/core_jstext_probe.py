"""jstext.number_text on the interpreter this runs on, for doubles given exactly as integers.

Runs unchanged on CPython, MicroPython and Pyodide (it is loaded by tests/core_runner.mjs in
Node, and can be run by any other MicroPython build: `import core_jstext_probe` with heap_device on
sys.path, then `core_jstext_probe.run(text)`). Each case is [sign, m, e], the double
sign * m * 2**e: built here with math.ldexp, which is exact, so no interpreter's decimal parsing
stands between Node's double and ours.
"""

import json
import math
import time

from heap_device.core.jstext import number_text


def run(cases_text):
    """JSON [[sign, m, e], ...] -> JSON {"texts": [...], "us_per_number": float, "exact": bool}."""
    numbers = []
    exact = True
    for sign, m, e in json.loads(cases_text):
        number = math.ldexp(float(m), e)
        exact = exact and math.frexp(number) == math.frexp(math.ldexp(m, e))
        numbers.append(-number if sign else number)
    started = _now()
    texts = [number_text(number) for number in numbers]
    elapsed = _now() - started
    per = elapsed / len(numbers) if numbers else 0.0
    return json.dumps({"texts": texts, "us_per_number": per, "exact": exact})


def _now():
    """Microseconds, from the best clock the interpreter has."""
    if hasattr(time, "ticks_us"):  # MicroPython: ticks wrap, but not within one batch
        return time.ticks_us()
    return time.perf_counter() * 1e6
