"""Writes heap_device/tools/host/frozen.json beside the shipped host build: the sha256 of each
heap_device file frozen into it (runtime/variant/frozen.py says which) and of the .wasm itself.
tests/test_host_frozen.py compares it with today's sources: an edit to heap_device/core reaches
`try` only once the host build is rebuilt (make -C runtime/host).

Usage (runtime/host/Makefile): python3 record.py <shipped .wasm>
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, "..", "..", "heap_device")
sys.path.insert(0, os.path.join(HERE, "..", "variant"))
from frozen import frozen_files  # noqa: E402


def sha256(path):
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def main(wasm):
    record = {
        "frozen": {
            "heap_device/" + name: sha256(os.path.join(PACKAGE, name))
            for name in frozen_files(PACKAGE)
        },
        "wasm": {"bytes": os.path.getsize(wasm), "sha256": sha256(wasm)},
    }
    target = os.path.join(os.path.dirname(wasm), "frozen.json")
    with open(target, "w", encoding="utf-8") as file:
        file.write(json.dumps(record, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
