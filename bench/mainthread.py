"""Read Chromium's own accounting of the page's main thread (no browser needed here).

Two sources, both Chromium's:
- ``Performance.getMetrics`` (DevTools protocol) gives ``TaskDuration``: the seconds the page's
  main thread spent in tasks. With ``Performance.enable {timeDomain: "threadTicks"}`` it is the
  thread's CPU time, so time the machine gave to other processes is not counted. Workers are not
  counted either: it is the page's main thread only.
- A trace (``toplevel`` category) has one ``RunTask`` event per task a thread ran, with its wall
  time (``dur``) and its thread time (``tdur``), in microseconds. The longest main-thread task
  between two ``performance.mark()`` calls is read from there.
"""

import json

TASK_NAMES = ("RunTask", "ThreadControllerImpl::RunTask")


def task_ms(metrics):
    """Main-thread task time in milliseconds from a ``Performance.getMetrics`` answer."""
    for metric in metrics["metrics"]:
        if metric["name"] == "TaskDuration":
            return metric["value"] * 1000.0
    raise ValueError("Performance.getMetrics gave no TaskDuration (was Performance.enable sent?)")


def longest_task(trace, mark, tail_ms=0.0):
    """The longest task on the thread that made ``performance.mark(mark + '-start')``.

    Counts every task that overlaps the time from that mark to ``mark + '-end'`` (plus
    ``tail_ms``, for work the end leaves behind). ``trace`` is the JSON text or bytes Chromium
    wrote, or its parsed value. Returns {"wall_ms", "thread_ms", "marked_thread_ms", "tasks",
    "span_ms"}: the longest task by wall time, that task's thread time, the thread time of the
    task that made the start mark, how many tasks overlapped, and the time from mark to mark.
    """
    if isinstance(trace, (bytes, str)):
        trace = json.loads(trace)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    marks = {}
    for event in events:
        name = event.get("name")
        if name in (mark + "-start", mark + "-end") and "blink.user_timing" in event.get("cat", ""):
            marks.setdefault(name, event)
    if len(marks) != 2:
        raise ValueError("trace lacks the marks %s-start and %s-end" % (mark, mark))
    start, end = marks[mark + "-start"], marks[mark + "-end"]
    thread = (start["pid"], start["tid"])
    begin, finish = start["ts"], end["ts"] + tail_ms * 1000.0
    longest, marked, count = None, None, 0
    for event in events:
        if event.get("ph") != "X" or event.get("name") not in TASK_NAMES:
            continue
        if (event["pid"], event["tid"]) != thread:
            continue
        ts, dur = event["ts"], event.get("dur", 0)
        if ts + dur < begin or ts > finish:
            continue
        count += 1
        if ts <= begin <= ts + dur and (marked is None or dur > marked.get("dur", 0)):
            marked = event
        if longest is None or dur > longest.get("dur", 0):
            longest = event
    if longest is None:
        raise ValueError("no task found on the marked thread between the marks")
    return {
        "wall_ms": longest.get("dur", 0) / 1000.0,
        "thread_ms": _thread_ms(longest),
        "marked_thread_ms": _thread_ms(marked) if marked else None,
        "tasks": count,
        "span_ms": (end["ts"] - start["ts"]) / 1000.0,
    }


def _thread_ms(event):
    return event.get("tdur", event.get("dur", 0)) / 1000.0
