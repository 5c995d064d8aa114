"""bench/mainthread.py reads Chromium's main-thread accounting; a wrong reading would publish wrong
numbers in docs/benchmarks.md, so it is checked here on hand-made traces (no browser, no timing)."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import mainthread  # noqa: E402

MAIN, OTHER = (7, 1), (7, 2)  # (pid, tid) of the page's main thread and of another thread


def task(thread, ts, dur, tdur=None, name="RunTask"):
    event = {"ph": "X", "name": name, "cat": "toplevel", "pid": thread[0], "tid": thread[1]}
    event.update(ts=ts, dur=dur)
    if tdur is not None:
        event["tdur"] = tdur
    return event


def mark(thread, name, ts):
    return {
        "ph": "R",
        "name": name,
        "cat": "blink.user_timing",
        "pid": thread[0],
        "tid": thread[1],
        "ts": ts,
    }


def trace(*events):
    return {"traceEvents": list(events)}


def test_task_ms_reads_task_duration_in_milliseconds():
    answer = {"metrics": [{"name": "Nodes", "value": 12}, {"name": "TaskDuration", "value": 0.25}]}
    assert mainthread.task_ms(answer) == 250.0


def test_task_ms_without_task_duration_says_what_to_do():
    with pytest.raises(ValueError, match="Performance.enable"):
        mainthread.task_ms({"metrics": [{"name": "Nodes", "value": 1}]})


def test_longest_task_on_the_marked_thread_between_the_marks():
    got = mainthread.longest_task(
        trace(
            task(MAIN, 500, 40_000),  # ends before the burst: not counted
            mark(MAIN, "b-start", 100_000),
            task(MAIN, 99_000, 30_000, 25_000),  # holds the start mark: counted
            task(OTHER, 101_000, 90_000),  # another thread (a worker): not counted
            task(MAIN, 140_000, 12_000, 11_000),
            mark(MAIN, "b-end", 150_000),
            task(MAIN, 240_000, 60_000),  # starts after end + tail: not counted
        ),
        "b",
        tail_ms=50,
    )
    assert got == {
        "wall_ms": 30.0,
        "thread_ms": 25.0,
        "marked_thread_ms": 25.0,
        "tasks": 2,
        "span_ms": 50.0,
    }


def test_a_task_within_the_tail_counts():
    got = mainthread.longest_task(
        json.dumps(
            trace(
                mark(MAIN, "b-start", 0),
                task(MAIN, 0, 1_000),
                mark(MAIN, "b-end", 1_000),
                task(MAIN, 40_000, 5_000, name="ThreadControllerImpl::RunTask"),
            )
        ).encode(),
        "b",
        tail_ms=50,
    )
    assert (got["wall_ms"], got["thread_ms"], got["tasks"]) == (5.0, 5.0, 2)
    assert got["marked_thread_ms"] == 1.0  # the task holding the start mark, not the longest


def test_missing_marks_are_an_error_not_a_zero():
    with pytest.raises(ValueError, match="marks"):
        mainthread.longest_task(trace(task(MAIN, 0, 1_000), mark(MAIN, "b-start", 0)), "b")
