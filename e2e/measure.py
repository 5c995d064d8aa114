"""A quick look at what the default build costs a page, beside the JS baseline.

Run: .venv/bin/python -m e2e.measure [runs]. It is `make bench` (bench/run.py) cut down: the
default build and the baseline only, no loss page, and the published numbers are left alone
(results in a temporary file). One measuring harness, so this and the docs cannot disagree.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import run  # noqa: E402  (bench/run.py)


def main(runs=3):
    results = Path(tempfile.gettempdir()) / "heap-device-measure.json"
    args = ["--runs", str(runs), "--loss-runs", "0", "--variants", "default,baseline"]
    return run.main(args + ["--results", str(results), "--no-docs", "--label", "e2e.measure"])


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
