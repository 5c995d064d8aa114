"""Turn bench results into a console summary, docs/benchmarks.md and docs/benchmarks.svg.

Run alone (`.venv/bin/python bench/report.py`) it rewrites the docs from bench/results.json (and
bench/results-network.json, the network bench's, when it is there).
"""

import json
import math
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NETWORK_RESULTS = BENCH / "results-network.json"  # bench/network.py's
NOTES = BENCH / "optimisations.md"  # hand-written findings, appended to the generated page
RUNTIME_NAMES = {"micropython": "MicroPython", "pyodide": "Pyodide"}
BOOT_NAMES = {"pyscript": "PyScript", "direct": "direct", "worker": "worker"}
COLOURS = {
    "micropython-worker": "#2b6cb0",
    "micropython-pyscript": "#63b3ed",
    "micropython-direct": "#38a169",
    "pyodide-worker": "#b7791f",
    "pyodide-pyscript": "#f6e05e",
    "baseline": "#718096",
}
OTHER_COLOURS = ("#805ad5", "#d53f8c", "#319795", "#dd6b20")
# The build that was the default before the worker boot, per runtime ("before" in the targets).
BEFORE_BOOT = "pyscript"


def _kb(n):
    return "%.1f" % (n / 1000) if n is not None else "–"


def _num(x, fmt="%.0f"):
    return "–" if x is None else fmt % x


def _ratio(v, key):
    r = v.get("ratios", {}).get(key)
    return "×%.2f" % r if r is not None else "–"


def name_of(variant, summary=None):
    """`micropython-worker@before` -> `MicroPython, worker [before]` (+ ", default")."""
    build, _, tree = variant.partition("@")
    if build == "baseline":
        return "JS baseline"
    runtime, _, boot = build.partition("-")
    text = "%s, %s" % (RUNTIME_NAMES.get(runtime, runtime), BOOT_NAMES.get(boot, boot))
    info = (summary or {}).get(variant, {}).get("build") or {}
    if info.get("default"):
        text += " (default)"
    return text + (" [%s]" % tree if tree else "")


def colour(variant, index=0):
    build = variant.partition("@")[0]
    return COLOURS.get(build, OTHER_COLOURS[index % len(OTHER_COLOURS)])


def _loss(v):
    loss = v.get("loss")
    if not loss:
        return "not measured"
    order = "in order" if loss["in_order_every_run"] else "NOT in order"
    text = "%d of %d, %s" % (loss["received_min"], loss["fired"], order)
    if loss.get("all_done_ms"):
        text += ", the last after %.0f s" % (loss["all_done_ms"] / 1000)
    return text


def rows(results):
    s = results["summary"]
    variants = list(s)

    def line(label, fn):
        return [label] + [fn(s[v]) for v in variants]

    def sizes(key):
        return lambda v: _kb(v["bytes"]["total"].get(key))

    def burst(key, fmt="%.1f"):
        return lambda v: _num((v.get("burst") or {}).get(key), fmt)

    out = [
        ["", *(name_of(v, s) for v in variants)],
        line("first Heap call, ms", lambda v: _num(v["first_call_ms"])),
        line("  ratio to baseline", lambda v: _ratio(v, "first_call")),
        line("  heap.js requested at, ms", lambda v: _num(v["heap_requested_ms"])),
        line(
            "main-thread time at start-up, ms",
            lambda v: _num(v.get("startup_main_thread_ms")),
        ),
        line("  added over baseline, ms", lambda v: _num(v.get("startup_added_ms"))),
        line("per event, small (3 props), µs", lambda v: _num(v["per_event_us"]["small"], "%.1f")),
        line("  ratio to baseline", lambda v: _ratio(v, "per_event_small")),
        line("per event, large (40 props), µs", lambda v: _num(v["per_event_us"]["large"], "%.1f")),
        line("  ratio to baseline", lambda v: _ratio(v, "per_event_large")),
        line("  of which in track() itself (wall), µs", lambda v: _handover(v, "large")),
        line(
            "per large event, whole page (SDK too), µs",
            lambda v: _num(v.get("through_sdk_us"), "%.0f"),
        ),
        line("  ratio to baseline", lambda v: _ratio(v, "through_sdk")),
        line("burst of 1,000 large: longest task, ms", burst("longest_task_ms")),
        line("  that task's thread time, ms", burst("longest_task_thread_ms")),
        line("  main-thread time, all of it, ms", burst("main_thread_ms", "%.0f")),
        line("  per event: in the track() loop, µs", lambda v: _split(v, "track")),
        line("  per event: after it (answers), µs", lambda v: _split(v, "after")),
        line("  all delivered after, ms", burst("delivered_ms", "%.0f")),
        line("bytes fetched, KB raw", sizes("raw")),
        line("bytes fetched, KB gzip -9", sizes("gzip")),
    ]
    if any("br" in s[v]["bytes"]["total"] for v in variants):
        out.append(line("bytes fetched, KB brotli 11", sizes("br")))

    def floor(key):
        return lambda v: _num(_floor(v).get(key), "%.1f")

    if any(_floor(s[v]).get("bunched") for v in variants):
        out.append(line("worker round trip, no work, µs", floor("bunched")))
        out.append(line("  answers one by one (2 ms apart), µs", floor("spread")))
    out += [
        line("long tasks at start-up, ms total", lambda v: _num(v["long_task_ms"])),
        line("loss: start-up events received", _loss),
    ]
    return out


def _floor(v):
    floor = v.get("echo_floor_us")
    return floor if isinstance(floor, dict) else {}


def _split(v, key):
    return _num((v.get("burst_split_us") or {}).get(key), "%.1f")


def _handover(v, kind):
    return _num((v.get("handover_us") or {}).get(kind), "%.1f")


def console(results):
    lines = ["", "heap-device bench: %s, %d runs" % (results["date"], results["runs"])]
    for row in rows(results):
        lines.append("%-40s" % row[0] + "".join("%26s" % c[:25] for c in row[1:]))
    return "\n".join(lines)


def _table(table):
    lines = ["| " + " | ".join(table[0]) + " |", "|---" * len(table[0]) + "|"]
    for row in table[1:]:
        lines.append("| " + " | ".join(c.replace("  ", "↳ ", 1) for c in row) + " |")
    return lines


# Issue 10's targets: (label, which build, getter, unit format, must, goal)
TARGETS = (
    (
        "main-thread time per large event, default build (ratio)",
        "default",
        lambda v: v["ratios"]["per_event_large"],
        lambda v: "×%.2f (%.0f µs)" % (v["ratios"]["per_event_large"], v["per_event_us"]["large"]),
        2.0,
        1.3,
        "≤ ×%s",
    ),
    (
        "main-thread time added at start-up, MicroPython",
        "micropython",
        lambda v: v["startup_added_ms"],
        lambda v: "%.0f ms" % v["startup_added_ms"],
        30,
        10,
        "≤ %s ms",
    ),
    (
        "main-thread time added at start-up, Pyodide",
        "pyodide",
        lambda v: v["startup_added_ms"],
        lambda v: "%.0f ms" % v["startup_added_ms"],
        60,
        20,
        "≤ %s ms",
    ),
    (
        "longest main-thread task during a 1,000-large-event burst",
        "default",
        lambda v: v["burst"]["longest_task_thread_ms"],
        lambda v: (
            "%.1f ms (wall %.1f)"
            % (v["burst"]["longest_task_thread_ms"], v["burst"]["longest_task_ms"])
        ),
        50,
        16,
        "≤ %s ms",
    ),
    (
        "first Heap call, default build (ratio)",
        "default",
        lambda v: v["ratios"]["first_call"],
        lambda v: "×%.2f (%.0f ms)" % (v["ratios"]["first_call"], v["first_call_ms"]),
        2.0,
        1.3,
        "≤ ×%s",
    ),
    (
        "bytes fetched, default build, gzip",
        "default",
        lambda v: v["bytes"]["total"]["gzip"] / 1000,
        lambda v: "%.1f KB" % (v["bytes"]["total"]["gzip"] / 1000),
        240,
        180,
        "≤ %s KB",
    ),
)


def _builds(summary):
    """{variant: (runtime, boot, default?)} for this checkout's builds (no @tree, no baseline)."""
    out = {}
    for variant, v in summary.items():
        info = v.get("build")
        if info and "@" not in variant:
            out[variant] = (info["runtime"], info["boot"], info.get("default", False))
    return out


def target_columns(summary):
    """(title, {"default": variant, "micropython": variant, "pyodide": variant}) per column:
    before = the PyScript boot (the default until the worker), after = the default's boot."""
    builds = _builds(summary)
    default = next((v for v, b in builds.items() if b[2]), None)
    if default is None:
        return []

    def column(boot, default_variant):
        pick = {"default": default_variant}
        for runtime in RUNTIME_NAMES:
            name = "%s-%s" % (runtime, boot)
            pick[runtime] = name if name in builds else None
        return pick

    after_boot = builds[default][1]
    before = "micropython-" + BEFORE_BOOT
    if after_boot == BEFORE_BOOT or before not in builds:
        return [("now: %s" % name_of(default), column(after_boot, default))]
    return [
        ("before: %s" % name_of(before), column(BEFORE_BOOT, before)),
        ("after: %s" % name_of(default, summary), column(after_boot, default)),
    ]


def _verdict(value, must, goal):
    if value <= goal:
        return "goal met"
    if value <= must:
        return "must met"
    return "**missed**"


def targets(results):
    """Issue 10's target table, every cell from this one results file."""
    summary = results["summary"]
    if "baseline" not in summary:
        return []
    columns = target_columns(summary)
    if not columns:
        return []
    lines = [
        "| target | must | goal | " + " | ".join(title for title, _ in columns) + " |",
        "|---" * (3 + len(columns)) + "|",
    ]
    for label, which, get, show, must, goal, unit in TARGETS:
        cells = []
        for _, pick in columns:
            variant = pick.get(which)
            if variant is None:
                cells.append("no such build")
                continue
            v = summary[variant]
            value = get(v)
            cells.append("%s, %s" % (show(v), _verdict(value, must, goal)))
        lines.append("| %s | %s | %s | %s |" % (label, unit % must, unit % goal, " | ".join(cells)))
    cells = []
    for _, pick in columns:
        boot = summary[pick["default"]]["build"]["boot"]
        same = [v for v, b in _builds(summary).items() if b[1] == boot]
        cells.append(_loss_cell(summary, same))
    lines.append(
        "| loss, every build of that boot | 0 of 1,000, in order | | %s |" % " | ".join(cells)
    )
    every = list(_builds(summary))
    lines += ["", "Loss over every build measured: %s." % _loss_cell(summary, every)]
    return lines


def reasons(results):
    """Why the default build misses what it misses, in numbers from the same run."""
    summary = results["summary"]
    columns = target_columns(summary)
    if "baseline" not in summary or not columns:
        return []
    pick = columns[-1][1]
    v, base = summary[pick["default"]], summary["baseline"]
    worker = v["build"]["boot"] == "worker"
    out = []
    ratio = v["ratios"]["per_event_large"]
    if ratio > 1.3:
        split, floor = v.get("burst_split_us") or {}, _floor(base)
        text = (
            "- **Per large event (×%.2f)**: the baseline maps a large event in %.1f µs of"
            " main-thread time, all of it. %s spends %.1f µs"
            % (
                ratio,
                base["per_event_us"]["large"],
                name_of(pick["default"]),
                v["per_event_us"]["large"],
            )
        )
        if split.get("track") is not None and worker:
            text += (
                " (in the burst: %.1f µs in `track()`, copying the fields Python reads and posting"
                " them, and %.1f µs when the answer comes back and is applied)"
                % (split["track"], split["after"])
            )
        elif split.get("track") is not None:
            text += (
                " (in the burst: %.1f µs in `track()`, Python mapping on the page)"
                % (split["track"])
            )
        text += "."
        if floor.get("bunched") is not None:
            text += (
                " A worker that does nothing at all costs %.1f µs of main-thread time per round"
                " trip when answers come bunched and %.1f µs when they come one by one (each wakes"
                " the main thread): ×2 of the baseline (%.1f µs) is below what one round trip"
                " costs." % (floor["bunched"], floor["spread"], 2 * base["per_event_us"]["large"])
            )
        sdk = v["ratios"].get("through_sdk")
        if sdk is not None:
            text += (
                " Through `rudderanalytics.track()`, where the SDK itself spends %.0f µs per large"
                " event, the page pays ×%.2f of the baseline page." % (base["through_sdk_us"], sdk)
            )
        out.append(text)
    for runtime in RUNTIME_NAMES:
        variant = pick.get(runtime)
        if variant and summary[variant]["startup_added_ms"] > 10:
            x = summary[variant]
            out.append(
                "- **Start-up, %s (%.0f ms added)**: main-thread time %.0f ms until %d ms after"
                " the first Heap call, the baseline page's %.0f ms: %s."
                % (
                    RUNTIME_NAMES[runtime],
                    x["startup_added_ms"],
                    x["startup_main_thread_ms"],
                    results["settings"]["settle_ms"],
                    base["startup_main_thread_ms"],
                    "the adapter, starting the worker, and applying what it answers"
                    if worker
                    else "the runtime starting and running on the page",
                )
            )
    burst = v["burst"]
    if burst["longest_task_thread_ms"] > 16:
        out.append(
            "- **Longest task in the burst (%.1f ms)**: the page's own loop of %d `track()`"
            " calls is one task (%.1f ms of thread time; the baseline's loop: %.1f ms, mapping"
            " included)."
            % (
                burst["longest_task_thread_ms"],
                results["settings"]["burst"],
                burst.get("loop_thread_ms") or 0,
                base["burst"].get("loop_thread_ms") or 0,
            )
        )
    if v["ratios"]["first_call"] > 1.3:
        out.append(
            "- **First Heap call (×%.2f)**: Heap's script is requested at %.0f ms, against %.0f ms"
            " on the baseline page: until then the runtime is starting and Python has not read"
            " the settings."
            % (v["ratios"]["first_call"], v["heap_requested_ms"], base["heap_requested_ms"])
        )
    gzip = v["bytes"]["total"].get("gzip", 0)
    if gzip > 180_000:
        files = sorted(v["bytes"]["files"].items(), key=lambda kv: -kv[1]["gzip"])[:3]
        out.append(
            "- **Bytes (%.1f KB gzip)**: the largest files fetched: %s."
            % (
                gzip / 1000,
                ", ".join(
                    "`%s` %.1f KB" % (path.split("/", 2)[-1], sizes["gzip"] / 1000)
                    for path, sizes in files
                ),
            )
        )
    if out:
        out = ["Why, in numbers from the same run (%s):" % name_of(pick["default"]), ""] + out
    return out


def _loss_cell(summary, variants):
    parts, ok = [], True
    for variant in variants:
        loss = summary[variant].get("loss")
        if not loss:
            parts.append("%s not measured" % variant)
            ok = False
            continue
        lost = loss["fired"] - loss["received_min"]
        if lost or not loss["in_order_every_run"]:
            ok = False
            parts.append(
                "%s lost %d%s"
                % (variant, lost, "" if loss["in_order_every_run"] else ", NOT in order")
            )
    if ok and variants:
        return "0 lost, in order (%s)" % ", ".join(variants)
    return "; ".join(parts) + " (**missed**)"


def markdown(results, results_path=None, network=None):
    m = results["machine"]
    st = results["settings"]
    lines = [
        "# Benchmarks",
        "",
        "What heap-device costs a page, measured against the fastest alternative: a hand-written",
        "plain-JS implementation of the same contract (`bench/baseline/heap-baseline.js`, checked",
        "against every contract row by `tests/test_baseline_agrees.py`). Generated by `make bench`",
        "on %s from one run: medians of %d interleaved runs (%s, commits %s)."
        % (
            results["date"],
            results["runs"],
            results["label"],
            ", ".join("%s = %s" % kv for kv in sorted(results.get("commits", {}).items())) or "–",
        ),
        "",
    ]
    if network:
        lines += network_markdown(network)
    tgt = targets(results)
    if tgt:
        lines += ["## Targets (issue 10)", "", *tgt, ""]
        why = reasons(results)
        if why:
            lines += [*why, ""]
    lines += [
        "## Every build",
        "",
        "![first call, main-thread time, per-event cost, burst, bytes](benchmarks.svg)",
        "",
        *_table(rows(results)),
    ]
    if results.get("problems"):
        lines += ["", "**Problems seen in this run:**", ""]
        lines += ["- " + p for p in results["problems"]]
    lines += [
        "",
        "## What is measured",
        "",
        "Every page load is a fresh browser context (nothing cached), and the builds are",
        "interleaved within each run, so the machine's drift hits all of them alike. The page is",
        "the same for all: the real RudderStack SDK (`@rudderstack/analytics-js` bundled UMD",
        "build), a source config with one Heap.io device-mode destination (`getSourceConfig`),",
        "the integration's script tag before it, and Heap's CDN answered by a recording stand-in",
        "(`static/demo/heap-standin.js`) through a Playwright route. Every other host is refused;",
        "the data plane is the local server. The builds are every `--runtime`/`--boot` pair that",
        "`heap-device build --help` offers (read at run time); *(default)* is the one built",
        "without options.",
        "",
        "**Main-thread time** is Chromium's own task accounting: `TaskDuration` from the",
        "DevTools protocol's `Performance.getMetrics`, with `Performance.enable` and",
        '`{timeDomain: "threadTicks"}` (the thread\'s CPU time, so time the busy machine gave to',
        "other processes is not counted).",
        "It counts the page's main thread only: a worker's work is not in it.",
        "",
        "- **first Heap call**: from navigation start to the first mapped call reaching Heap's",
        "  library (the stand-in records `performance.now()` at its first method call). One",
        "  `track` is fired right after `rudderanalytics.load()`. *heap.js requested at* is when",
        "  the integration asked for Heap's script (for heap-device: once Python has read the",
        "  settings).",
        "- **main-thread time at start-up**: `TaskDuration` from navigation until %d ms after the"
        % st["settle_ms"],
        "  first Heap call. *Added* subtracts the baseline page's (same SDK, same page). The",
        "  bench waits for that call on a promise, not by polling the page (Playwright's",
        "  default polls every animation frame, which would count as start-up time).",
        "- **per event**: after start-up, on the same page, one real message (the SDK's own,",
        "  captured on its way to the integration, with the small or the large properties) is",
        "  handed to the integration object the SDK created, `n` times in one loop, into counting",
        "  no-op Heap methods, and the bench waits (a promise, no polling) until Heap has",
        "  received all `n` calls. Main-thread time of that, minus the same steps with `n` = 0,",
        "  divided by `n`. After %d warm-up messages, `n` is what fits in %d ms of main-thread"
        % (st["warmup"], st["batch_task_ms"]),
        "  time and %d ms of waiting (between %d and %d); %d batches per page load, median per"
        % (st["batch_wall_ms"], st["batch_min"], st["batch_max"], st["batches"]),
        "  load, then median over runs. It covers the adapter (copying and serialising the",
        "  message, handing it to Python), the mapping if it runs on the main thread, and",
        "  applying the Heap calls. The large event has 40 properties once flattened: strings,",
        "  numbers, booleans, a Date, joined and JSON arrays, objects nested 4 deep.",
        "  *Of which in track() itself* is the loop's own time per message (`performance.now()`",
        "  around it, wall clock): what `track()` costs before it returns; for a worker build the",
        "  rest is taking the answers and applying them.",
        "- **per large event, whole page**: the same method, but each batch of %d large events"
        % st.get("sdk_batch", 20),
        "  goes through `rudderanalytics.track()`: the SDK's own work (its queues, storage and",
        "  data-plane request) is in it. It shows what the integration adds to what a page",
        "  already pays for an event.",
        "- **burst**: %d large messages handed to the integration in one synchronous loop (as a"
        % st["burst"],
        "  page's own loop would), recorded with a Chromium trace (category `toplevel`: one",
        "  `RunTask` event per task). *Longest task* is the longest wall-clock task on the page's",
        "  main thread from the loop's start (a `performance.mark`) until %d ms after Heap got"
        % st["burst_tail_ms"],
        "  the last call, the loop's own task included; *thread time* is that task's CPU time.",
        "  A PerformanceObserver `longtask` only reports tasks over 50 ms, too coarse for the",
        "  16 ms goal, so the trace is used. *Main-thread time* is `TaskDuration` over the burst;",
        "  *all delivered after* is the time from the loop's start to the last Heap call.",
        "  *Per event: in the track() loop* is the thread time of the task that ran the loop",
        "  (the `performance.mark` inside it) over %d; *after it* is the rest of the burst's"
        % st["burst"],
        "  main-thread time over %d: answers coming back and being applied." % st["burst"],
        "- **worker round trip, no work** (measured on the baseline page): the large message's",
        "  JSON text posted to a worker that only posts it back, %d times, main-thread time per"
        % st.get("echo", 1000),
        "  round trip (same method as per event). *One by one*: the worker holds each message",
        "  %d ms first, as a worker busy with Python does, so each answer wakes an idle main"
        % (st.get("echo_spread") or (0, 2))[1],
        "  thread on its own. This is what any worker design pays per event before doing",
        "  anything.",
        "- **bytes**: the integration's own files the page and its workers fetched (counted by the",
        "  local server), raw and compressed here with gzip -9 and brotli 11.",
        "- **long tasks at start-up**: the sum of `longtask` entries (over 50 ms, wall clock)",
        "  until the settle point, for reference.",
        "- **loss**: %d `track` calls fired right after `rudderanalytics.load()`, before"
        % st["loss_events"],
        "  anything is ready; counted at the stand-in, with their order (worst run shown). The",
        "  SDK's own device-mode queue limit (100 by default) is raised for this page so that the",
        "  SDK itself drops nothing. The SDK hands events to device-mode integrations at its own",
        "  pace (about 30 a second here, for every build), so this page takes half a minute and",
        "  is loaded in %d of the runs per build (`--loss-runs`)." % results.get("loss_runs", 1),
        "",
        "## Machine",
        "",
        "- %s cores, %s GiB memory%s" % (m.get("cores"), m.get("memory_gib"), _cpu(m)),
        "- %s" % m.get("platform"),
        "- Chromium %s, headless" % m.get("chromium"),
        "- everything served from 127.0.0.1 by one Python process, uncompressed",
        "- the machine is shared with other work, so single runs scatter (±30%, more in wall",
        "  time): the builds are interleaved and the medians and ratios are what to read",
        "",
        "## Rerun",
        "",
        "```",
        "make bench   # setup, then bench/run.py: every build, %d runs, %d loss run (%d s here)"
        % (results["runs"], results.get("loss_runs", 1), results.get("seconds", 0)),
        ".venv/bin/python bench/run.py --runs 9 --variants default,baseline --loss-runs 0",
        "# an older commit measured beside this checkout, interleaved, not published:",
        'git worktree add /tmp/before COMMIT && ln -s "$PWD/node_modules" /tmp/before/',
        ".venv/bin/python bench/run.py --tree before=/tmp/before --variants default,baseline \\",
        "    --results /tmp/before.json --no-docs",
        ".venv/bin/python bench/report.py   # rewrite this page from bench/results*.json",
        "```",
        "",
        "It writes `bench/results.json` (every run's numbers), this page and its chart. Numbers",
        "move with the machine: compare ratios, not milliseconds, across machines.",
    ]
    if NOTES.exists():
        lines += ["", NOTES.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def _cpu(m):
    return ", " + m["cpu"] if m.get("cpu") else ""


def svg(results):
    s = results["summary"]
    variants = list(s)
    panels = [
        ("first Heap call, ms", lambda v: v["first_call_ms"], "%.0f"),
        ("main-thread time at start-up, ms", lambda v: v.get("startup_main_thread_ms"), "%.0f"),
        ("per event, large, µs of main thread", lambda v: v["per_event_us"]["large"], "%.1f"),
        ("burst: longest main-thread task, ms", lambda v: v["burst"]["longest_task_ms"], "%.1f"),
        ("bytes fetched, KB gzip", lambda v: v["bytes"]["total"].get("gzip", 0) / 1000, "%.1f"),
    ]
    width, label_w, bar_w, row_h = 820, 280, 450, 22
    panel_h = 26 + row_h * len(variants) + 12
    height = 40 + panel_h * len(panels) + 10
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'font-family="sans-serif" font-size="12">' % (width, height),
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="10" y="22" font-size="15" font-weight="bold">heap-device vs plain-JS '
        "baseline (medians, log scale; %s)</text>" % results["date"],
    ]
    y = 40
    for title, get, fmt in panels:
        values = [max(get(s[v]) or 0, 0) for v in variants]
        top = max(values) or 1
        low = min([x for x in values if x > 0] or [1])
        # log scale from a tenth of the smallest value, so every bar has a visible length
        floor = math.log10(low / 10)
        span = (math.log10(top) - floor) or 1
        out.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + 14, title))
        for i, (variant, value) in enumerate(zip(variants, values, strict=True)):
            by = y + 22 + i * row_h
            length = 0 if value <= 0 else bar_w * (math.log10(value) - floor) / span
            out.append('<text x="14" y="%d">%s</text>' % (by + 14, name_of(variant, s)))
            out.append(
                '<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                % (label_w, by + 2, max(length, 1), row_h - 6, colour(variant, i))
            )
            out.append(
                '<text x="%.1f" y="%d">%s</text>' % (label_w + length + 6, by + 14, fmt % value)
            )
        y += panel_h
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_docs(results, docs, results_path=None, network=None):
    docs.mkdir(parents=True, exist_ok=True)
    if network is None and NETWORK_RESULTS.exists():
        network = json.loads(NETWORK_RESULTS.read_text(encoding="utf-8"))
    (docs / "benchmarks.md").write_text(markdown(results, results_path, network), encoding="utf-8")
    (docs / "benchmarks.svg").write_text(svg(results), encoding="utf-8")


# Issue 18's network targets: (label, profile, visit, must, goal) on the first Heap call's ratio.
NETWORK_TARGETS = (
    ("first Heap call, cold, desktop", "desktop", "cold", 1.15, 1.05),
    ("first Heap call, cold, mobile", "mobile", "cold", 1.25, 1.1),
    ("first Heap call, repeat visit, desktop", "desktop", "repeat", 1.05, 1.0),
    ("first Heap call, repeat visit, mobile", "mobile", "repeat", 1.2, 1.05),
)
NETWORK_ROWS = (  # (label, key, is a time)
    ("first Heap call, ms", "first_call_ms", True),
    ("the SDK's own script arrived, ms", "sdk_script_end_ms", True),
    ("its source config arrived, ms", "config_end_ms", True),
    ("integration's script arrived, ms", "entry_end_ms", True),
    (".wasm asked for, ms", "wasm_start_ms", True),
    (".wasm arrived, ms", "wasm_end_ms", True),
    ("heap.js asked for, ms", "heap_js_start_ms", True),
    ("bytes per load, all, KB", "bytes_total", False),
    ("bytes per load, the integration's, KB", "bytes_integration", False),
    ("requests per load", "bytes_requests", False),
)


def _ms(x):
    return "–" if x is None else "%.0f" % x


def _pct(a, b):
    if a is None or not b:
        return "–"
    return "%+.1f%%" % ((a / b - 1) * 100)


def _ratios_range(cell):
    got = [r for r in cell.get("ratios_per_run") or [] if r is not None]
    return "×%.2f–%.2f" % (min(got), max(got)) if got else "–"


def network_tables(net):
    """Markdown for the network bench: targets, then every timing per profile and visit."""
    summary = net["summary"]
    out = []
    first = next(iter(summary.values()))
    variants = [v for v in next(iter(first.values())) if v not in ("baseline", "dev")]
    lines = ["| target | must | goal | " + " | ".join(variants) + " |"]
    lines.append("|---" * (3 + len(variants)) + "|")
    for label, profile, kind, must, goal in NETWORK_TARGETS:
        if profile not in summary:
            continue
        cells = []
        for v in variants:
            cell = summary[profile][kind][v]
            r = cell.get("ratio_first_call")
            base = summary[profile][kind]["baseline"]["first_call_ms"]
            cells.append(
                "×%.2f (%s vs %s ms; runs %s), %s"
                % (
                    r,
                    _ms(cell["first_call_ms"]),
                    _ms(base),
                    _ratios_range(cell),
                    _verdict(r, must, goal),
                )
            )
        lines.append("| %s | ≤ ×%s | ≤ ×%s | %s |" % (label, must, goal, " | ".join(cells)))
    for label, key in (
        ("the SDK's own script", "sdk_script_end_ms"),
        ("its source config", "config_end_ms"),
    ):
        for profile in summary:
            cells = []
            for v in variants:
                cell = summary[profile]["cold"][v]
                base = summary[profile]["cold"]["baseline"][key]
                r = netlab_ratio(cell[key], base)
                text = "%s vs %s ms (%s)" % (_ms(cell[key]), _ms(base), _pct(cell[key], base))
                cells.append(text + ", " + (_verdict(r, 1.02, 1.0) if r else "–"))
            lines.append(
                "| %s arrives, %s cold | ≤ +2%% | 0 | %s |" % (label, profile, " | ".join(cells))
            )
    sizes = net.get("file_sizes") or {}
    cells = []
    for v in variants:
        br = (sizes.get(v) or {}).get("br")
        cells.append("%.1f KB, %s" % (br / 1000, _verdict(br / 1000, 210, 190)) if br else "–")
    lines.append("| bytes, cold visit, brotli 11 | ≤ 210 KB | 190 KB | %s |" % " | ".join(cells))
    cells = []
    for v in variants:
        got = [summary[p]["repeat"][v]["bytes_integration"] for p in summary]
        worst = max(got)
        cells.append("%.1f KB, %s" % (worst / 1000, _verdict(worst / 1000, 2, 0)))
    lines.append(
        "| bytes, repeat visit (the integration's) | ≤ 2 KB | 0 | %s |" % " | ".join(cells)
    )
    out += lines
    for profile, kinds in summary.items():
        prof = net["profiles"][profile]
        out += [
            "",
            "### %s: %d ms round trip, %s kbit/s down, %s up, CPU ×%s"
            % (profile, prof["rtt_ms"], prof["down_kbit"], prof["up_kbit"], prof["cpu"]),
            "",
        ]
        cols = [(k, v) for k in kinds for v in kinds[k] if v != "dev"]
        out.append("| | " + " | ".join("%s, %s" % (_vname(v), k) for k, v in cols) + " |")
        out.append("|---" * (1 + len(cols)) + "|")
        for label, key, is_time in NETWORK_ROWS:
            cells = []
            for k, v in cols:
                x = kinds[k][v].get(key)
                cells.append(_ms(x) if is_time or key == "bytes_requests" else _kb(x))
            out.append("| %s | %s |" % (label, " | ".join(cells)))
        cells = []
        for k, v in cols:
            r = kinds[k][v].get("ratio_first_call")
            cells.append("×%.2f" % r if r else "")
        out.append("| first Heap call, ratio to baseline | %s |" % " | ".join(cells))
    return out


# Where the time goes, read from the --dev build: (label, page-side key or worker mark)
STEPS = (
    ("heap-device.js arrived", "entry_end_ms"),
    ("the worker created (Python's start began)", "mark:worker-created"),
    (".wasm asked for (by the worker)", "wasm_start_ms"),
    # our MicroPython: the .wasm verified (its glue came in the runtime module); Pyodide: its script
    ("the interpreter's files in (verified)", "mark:interpreter-script"),
    ("module pack arrived", "pack_end_ms"),
    (".wasm arrived", "wasm_end_ms"),
    ("MicroPython running", "mark:python-running"),
    ("modules written (Pyodide; a site transform handed over)", "mark:modules-written"),
    ("bridge imported", "mark:bridge-imported"),
    ("'running' batch posted", "mark:started"),
    ("the SDK's source config arrived", "config_end_ms"),
    ("settings handed to the worker", "mark:settings-received"),
    ("settings answered (the loader plan)", "mark:settings-answered"),
    ("heap.js asked for (page)", "heap_js_start_ms"),
    ("first Heap call", "first_call_ms"),
)


def breakdown(net):
    """The dev build's start-up, step by step (medians, ms from navigation start)."""
    summary = net["summary"]
    cols = [(p, k) for p in summary for k in summary[p] if "dev" in summary[p][k]]
    if not cols:
        return []

    def value(cell, key):
        if key.startswith("mark:"):
            return (cell.get("worker_marks_ms") or {}).get("heap-device:" + key[5:])
        return cell.get(key)

    out = ["| step (--dev build) | " + " | ".join("%s, %s" % c for c in cols) + " |"]
    out.append("|---" * (1 + len(cols)) + "|")
    for label, key in STEPS:
        cells = [_ms(value(summary[p][k]["dev"], key)) for p, k in cols]
        out.append("| %s | %s |" % (label, " | ".join(cells)))
    spans = (
        ("**.wasm arrived → heap.js asked for**", "wasm_end_ms", "heap_js_start_ms"),
        # Python's own part of it: its start, and its answer once it has the settings
        ("**.wasm arrived → Python ready** ('running' batch)", "wasm_end_ms", "mark:started"),
        ("**settings handed over → answered**", "mark:settings-received", "mark:settings-answered"),
    )
    for label, start, end in spans:
        cells = []
        for p, k in cols:
            a, b = value(summary[p][k]["dev"], start), value(summary[p][k]["dev"], end)
            cells.append(_ms(b - a) if a is not None and b is not None else "–")
        out.append("| %s | %s |" % (label, " | ".join(cells)))
    return out


def _breakdown_section(net):
    rows = breakdown(net)
    if not rows:
        return []
    return [
        "### Where the time goes",
        "",
        "The same page with this checkout's `--dev` build, whose worker marks each step of its",
        "start (`performance.mark`, read from the worker's own timeline); medians, so the steps",
        "of one column need not add up exactly:",
        "",
        *rows,
        "",
    ]


def netlab_ratio(a, b):
    return a / b if a is not None and b else None


def _vname(variant):
    return (
        "JS baseline"
        if variant == "baseline"
        else "heap-device"
        if variant == "default"
        else variant
    )


def cpu_lines(net):
    cpu = net.get("cpu_check")
    if not cpu:
        return []
    f, ms = cpu["factors"], cpu["ms"]
    return [
        "| CPU ×4, measured with one busy loop | page's main thread | dedicated worker |",
        "|---|---|---|",
        "| `desktop` (one core), ms | %.0f | %.0f |" % (ms["plain"]["main"], ms["plain"]["worker"]),
        "| `desktop` + DevTools `Emulation.setCPUThrottlingRate` 4 | ×%.2f | ×%.2f |"
        % (f["devtools"]["main"], f["devtools"]["worker"]),
        "| `mobile`: a quarter of one core for the whole browser (used) | ×%.2f | ×%.2f |"
        % (f["cgroup"]["main"], f["cgroup"]["worker"]),
    ]


def network_lines(results):
    return ["", "heap-device network bench: %s, %d runs" % (results["date"], results["runs"])] + [
        *network_tables(results),
        "",
        *cpu_lines(results),
    ]


def _load_note(net):
    load = (net.get("machine") or {}).get("loadavg") or {}
    if load.get("start") is None:
        return ""
    return " The shared %s-core machine's load average was %.1f at the start, %.1f at the end." % (
        net["machine"].get("cores"),
        load["start"],
        load.get("end") or 0,
    )


def network_markdown(net):
    st = net["settings"]
    return [
        "## First events on a real network (issue 18)",
        "",
        "Generated by `make bench` (`bench/network.py`) on %s: medians of %d runs, heap-device's"
        % (net["date"], net["runs"]),
        "default build against the plain-JS baseline, interleaved (commits %s)."
        % ", ".join("%s = %s" % kv for kv in sorted(net.get("commits", {}).items())),
        "Times are ms from navigation start; ratios are heap-device's median over the",
        "baseline's median (the range: each run's own ratio).%s" % _load_note(net),
        "",
        *network_tables(net),
        "",
        *_breakdown_section(net),
        "How: every visit goes through Chromium's own network stack and HTTP cache. One local",
        "HTTPS server (a self-signed certificate Chromium is told to trust by its key's hash, so",
        "responses are cached as from any host) answers for the site, for Heap's CDN (the",
        "resolver maps `cdn.us.heap-api.com` to it) and for RudderStack's control plane: the SDK",
        "gets its source config from `configUrl`, answered after %.0f ms. It gzips every answer"
        % st["config_delay_ms"],
        "the browser accepts (Chromium asks for brotli too, but the server sends gzip, as the",
        "issue's setup did; the brotli row is computed from the files), and sends",
        "`Cache-Control: %s` with an ETag for every script and `.wasm`, `%s` for the page."
        % (st["static_cache"], st["page_cache"]),
        "Heap's script is the stand-in padded with never-called real minified JS to %.0f KB gzip."
        % (st["heap_js_gzip"] / 1000),
        "Nothing goes through Playwright's request routing (it turns the HTTP cache off). Each",
        "run launches a browser with a fresh profile on disk per variant and profile: a cold",
        "visit, then a repeat visit in a new tab. Links are DevTools'",
        "`Network.emulateNetworkConditions` (one shared link; the worker's fetches go through it",
        "too: its `.wasm` arrives later on `mobile`, above). The CPU is a cgroup for every",
        "process of the browser: `desktop` one core, `mobile` a quarter of one (CPU ×4; quota",
        "per %d µs period), each weighing as %d busy processes so that the other work on this"
        % (st["cfs_period_us"], st.get("shares_tasks", 8)),
        "shared machine does not take what the profile should have. DevTools' CPU throttling",
        "is not used: it leaves a worker at full speed, as measured here with one busy loop:",
        "",
        *cpu_lines(net),
        "",
        "The quota is a quarter of one core for the whole browser: a thread alone runs ×4 slower,",
        "two busy at once share it (a phone's cores would run them side by side), which is, if",
        "anything, against a worker build. Bytes are what the server sent (headers and bodies).",
        "",
    ]


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH / "results.json"
    write_docs(json.loads(path.read_text(encoding="utf-8")), BENCH.parent / "docs", path)
    print("wrote docs/benchmarks.md and docs/benchmarks.svg from %s" % path)
