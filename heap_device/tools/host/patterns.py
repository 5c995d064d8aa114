"""Compiles re patterns on the browser's MicroPython, for tools/transform.py.

host_input's TEXT is a JSON list of patterns (a bytes pattern as a list of its byte values);
prints a JSON list with, for each one, null or the error compiling it raised.
"""

import json
import re

from host_input import TEXT

answers = []
for pattern in json.loads(TEXT):
    if isinstance(pattern, list):
        pattern = bytes(pattern)
    try:
        re.compile(pattern)
        answers.append(None)
    except Exception as exc:  # noqa: BLE001 - what it raises is the answer
        answers.append("%s: %s" % (type(exc).__name__, exc))
print(json.dumps(answers))
