"""The bench's plain-JS yardstick (bench/baseline/heap-baseline.js) obeys the same contract
(docs/contract.md), row by row.

`make bench` compares heap-device with this baseline; a baseline that maps differently would make
that comparison meaningless, so every row of vectors.py runs through it under Node here.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import as_javascript_writes
from vectors import CALLS, LOADER, SETTINGS, SETTINGS_ERRORS

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "baseline" / "run_vectors.js"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the baseline (make test installs it)")
    settings_rows = [(row[1], row[2]) for row in SETTINGS + SETTINGS_ERRORS]
    cases = {
        "calls": [(row[1], as_javascript_writes(row[2])) for row in CALLS],
        "settings": settings_rows,
        "loader": [row[1] for row in LOADER],
    }
    path = tmp_path_factory.mktemp("baseline") / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_baseline_gives_the_same_heap_calls(results):
    assert len(results["calls"]) == len(CALLS)  # a zip over fewer results would pass
    failures = []
    for got, (name, _, _, expected, warning) in zip(results["calls"], CALLS, strict=True):
        warns = got["warnings"]
        ok = got["calls"] == expected
        ok = ok and (warns == [] if warning is None else len(warns) == 1 and warning in warns[0])
        if not ok:
            failures.append("%s: got %r warns %r" % (name, got["calls"], warns))
    assert failures == []


def test_baseline_resolves_the_same_settings(results):
    assert len(results["settings"]) == len(SETTINGS) + len(SETTINGS_ERRORS)
    for got, (name, _, _, expected, warning) in zip(results["settings"][: len(SETTINGS)], SETTINGS):
        assert "error" not in got, (name, got)
        for key, value in expected.items():
            assert got["settings"][key] == value, (name, key)
        assert (got["warnings"] == []) if warning is None else (warning in got["warnings"][0]), name


def test_baseline_refuses_the_same_settings(results):
    refusals = results["settings"][len(SETTINGS) :]
    assert len(refusals) == len(SETTINGS_ERRORS)
    for got, (name, *_rest) in zip(refusals, SETTINGS_ERRORS, strict=True):
        assert "error" in got, name


def test_baseline_plans_the_same_loader(results):
    assert len(results["loader"]) == len(LOADER)
    for plan, (name, _, expected) in zip(results["loader"], LOADER, strict=True):
        for key, value in expected.items():
            assert plan[key] == value, (name, key)
