"""Turn bench results into a console summary, docs/benchmarks.md and docs/benchmarks.svg."""

import math
from pathlib import Path

BENCH = Path(__file__).resolve().parent
NOTES = BENCH / "optimisations.md"  # hand-written findings, appended to the generated page
NAMES = {
    "micropython": "MicroPython",
    "micropython-direct": "MicroPython, --boot direct",
    "pyodide": "Pyodide",
    "baseline": "JS baseline",
}
COLOURS = {
    "micropython": "#2b6cb0",
    "micropython-direct": "#38a169",
    "pyodide": "#d69e2e",
    "baseline": "#718096",
}
# MicroPython targets from issue 5: (label, value getter, limit, goal)
TARGETS = (
    ("first-call ratio", lambda v: v["ratios"]["first_call"], 2.0, 1.3),
    ("per-event ratio, large event", lambda v: v["ratios"]["per_event_large"], 10, 3),
    ("bytes added, gzip KB", lambda v: v["bytes_added"]["gzip"] / 1000, 300, 200),
    ("long tasks added, ms", lambda v: v["long_task_added_ms"], 300, None),
)


def _kb(n):
    return "%.1f" % (n / 1000) if n is not None else "–"


def _ratio(v, key):
    r = v.get("ratios", {}).get(key)
    return "×%.2f" % r if r is not None else "–"


def name_of(variant):
    kind, _, tree = variant.partition("@")
    return NAMES[kind] + (" [%s]" % tree if tree else "")


def rows(results):
    s = results["summary"]
    variants = list(s)

    def line(label, fn):
        return [label] + [fn(s[v]) for v in variants]

    def sizes(key):
        return lambda v: _kb(v["bytes"]["total"].get(key))

    out = [
        ["", *(name_of(v) for v in variants)],
        line("first Heap call, ms (median)", lambda v: "%.0f" % v["first_call_ms"]),
        line("  ratio to baseline", lambda v: _ratio(v, "first_call")),
        line("  heap.js requested at, ms", lambda v: _num(v["heap_requested_ms"])),
        line("per event, small (3 props), µs", lambda v: "%.1f" % v["per_event_us"]["small"]),
        line("  ratio to baseline", lambda v: _ratio(v, "per_event_small")),
        line("per event, large (40 props), µs", lambda v: "%.1f" % v["per_event_us"]["large"]),
        line("  ratio to baseline", lambda v: _ratio(v, "per_event_large")),
        line("bundle fetched, KB raw", sizes("raw")),
        line("bundle fetched, KB gzip -9", sizes("gzip")),
    ]
    if any("br" in s[v]["bytes"]["total"] for v in variants):
        out.append(line("bundle fetched, KB brotli 11", sizes("br")))
    out += [
        line("long tasks, ms total (median)", lambda v: "%.0f" % v["long_task_ms"]),
        line("  added over baseline, ms", lambda v: _num(v.get("long_task_added_ms"))),
        line("loss: of 1,000 start-up events", _loss),
    ]
    return out


def _loss(v):
    loss = v["loss"]
    if not loss:
        return "not measured"
    order = "in order" if loss["in_order_every_run"] else "NOT in order"
    return "%d received, %s" % (loss["received_min"], order)


def _num(x):
    return "–" if x is None else "%.0f" % x


def console(results):
    lines = ["", "heap-device bench: %s, %d runs" % (results["date"], results["runs"])]
    for row in rows(results):
        lines.append("%-34s" % row[0] + "".join("%28s" % c for c in row[1:]))
    return "\n".join(lines)


def targets(results):
    """Rows of the targets table: one column per MicroPython variant measured."""
    summary = results["summary"]
    variants = [
        v
        for v in summary
        if v.partition("@")[0] in ("micropython", "micropython-direct") and "ratios" in summary[v]
    ]
    out = []
    for label, get, limit, goal in TARGETS:
        cells = []
        for variant in variants:
            value = get(summary[variant])
            verdict = "met" if value <= limit else "**missed**"
            if goal is not None and value <= goal:
                verdict = "met, goal reached"
            cells.append("%.2f (%s)" % (value, verdict))
        out.append(
            "| %s | ≤ %s | %s | %s |"
            % (label, limit, "–" if goal is None else "≤ %s" % goal, " | ".join(cells))
        )
    cells = []
    for variant in variants:
        loss = summary[variant]["loss"]
        if not loss:
            cells.append("not measured")
            continue
        ok = loss["received_min"] == loss["fired"] and loss["in_order_every_run"]
        cells.append(
            "%d of %d lost (%s)"
            % (loss["fired"] - loss["received_min"], loss["fired"], "met" if ok else "**missed**")
        )
    out.append("| loss | 0, in order | – | %s |" % " | ".join(cells))
    header = "| what | target | goal | %s |" % " | ".join(name_of(v) for v in variants)
    return [header, "|---" * (3 + len(variants)) + "|"] + out if variants else []


def markdown(results):
    m = results["machine"]
    table = rows(results)
    lines = [
        "# Benchmarks",
        "",
        "What heap-device costs a page, measured against the fastest alternative: a hand-written",
        "plain-JS implementation of the same SPEC (`bench/baseline/heap-baseline.js`, checked",
        "against every SPEC vector by `tests/test_baseline_agrees.py`). Generated by `make bench`",
        "on %s; medians of %d runs (%s)." % (results["date"], results["runs"], results["label"]),
        "",
        "![first call, per-event cost, bytes and long tasks](benchmarks.svg)",
        "",
        "| " + " | ".join(table[0]) + " |",
        "|---" * len(table[0]) + "|",
    ]
    for row in table[1:]:
        lines.append("| " + " | ".join(c.replace("  ", "↳ ", 1) for c in row) + " |")
    tgt = targets(results)
    if tgt:
        lines += [
            "",
            "## Targets (MicroPython, issue 5)",
            "",
            *tgt,
        ]
    if results.get("problems"):
        lines += ["", "**Problems seen in this run:**", ""]
        lines += ["- " + p for p in results["problems"]]
    lines += [
        "",
        "## What is measured",
        "",
        "Every page load is a fresh browser context (nothing cached), and the variants are",
        "interleaved within each run. The page is the same for all: the real RudderStack SDK",
        "(`@rudderstack/analytics-js` bundled UMD build), a source config with one Heap.io",
        "device-mode destination (`getSourceConfig`), the integration's script tag before it, and",
        "Heap's CDN answered by a recording stand-in (`bench/web/heap-standin.js`) through a",
        "Playwright route. Every other host is refused; the data plane is the local server.",
        "",
        "- **first Heap call**: from navigation start (`performance.now()` = 0) to the moment the",
        "  integration's first mapped call reaches Heap's library: the stand-in heap.js records",
        "  `performance.now()` when one of its methods is first invoked (the loader stub's queued",
        "  calls are replayed into it as soon as it loads). One `track` is fired right after",
        "  `rudderanalytics.load()`. *heap.js requested at* is when the integration asked for",
        "  Heap's script (for heap-device: once Python is running and has read the settings).",
        "- **per event**: after start-up, the same message (a real one captured from the SDK, with",
        "  the small or large properties) is handed to the integration's `track()` over and over,",
        "  into no-op Heap methods: after a warm-up, as many messages as fit in %d ms are timed"
        % results["settings"]["batch_ms"],
        "  (at most %d), %d batches per page load, median per load, then median over runs."
        % (results["settings"]["per_event"]["small"][0], results["settings"]["batches"]),
        "  It covers the adapter (serialising, crossing into Python), the mapping and the calls",
        "  into `window.heap`.",
        "  The large event has 40 properties once flattened: strings, numbers, booleans, a Date,",
        "  joined and JSON arrays, objects nested 4 deep.",
        "- **bytes**: the integration's files the page actually fetched (the adapter, PyScript,",
        "  the interpreter, the Python modules), raw and compressed here with gzip -9 and",
        "  brotli 11 (brotli only if the `brotli` module or CLI is available).",
        "- **long tasks**: the sum of `longtask` entries (PerformanceObserver, main thread,",
        "  > 50 ms) from navigation until %d ms after the first Heap call; *added* is the"
        % results["settings"]["settle_ms"],
        "  difference to the baseline page, which carries the same SDK.",
        "- **loss**: %d `track` calls fired right after `rudderanalytics.load()`, before"
        % results["settings"]["loss_events"],
        "  anything is ready; counted at the stand-in, with their order (worst run shown). The",
        "  SDK's own device-mode queue limit (100 by default) is raised for this page so that the",
        "  SDK itself drops nothing: what is measured is the integration. The SDK hands events to",
        "  device-mode integrations at its own pace (about 30 a second here, for every variant),",
        "  so this page takes half a minute and is loaded in %d of the runs (`--loss-runs`)."
        % results.get("loss_runs", 1),
        "",
        "## Machine",
        "",
        "- %s cores, %s GiB memory%s" % (m.get("cores"), m.get("memory_gib"), _cpu(m)),
        "- %s" % m.get("platform"),
        "- Chromium %s, headless" % m.get("chromium"),
        "- everything served from 127.0.0.1 by one Python process, uncompressed",
        "- the machine is shared with other work, so single runs scatter (±30%): the variants are",
        "  interleaved and the medians and ratios are what to read",
        "",
        "## Rerun",
        "",
        "```",
        "make bench            # setup, then .venv/bin/python bench/run.py (3-6 minutes here)",
        ".venv/bin/python bench/run.py --runs 9 --variants micropython-direct,baseline",
        "# a patched copy measured beside this one (how proposals are judged):",
        ".venv/bin/python bench/run.py --tree all=/path/to/patched/checkout",
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
        ("per event, large, µs", lambda v: v["per_event_us"]["large"], "%.1f"),
        ("per event, small, µs", lambda v: v["per_event_us"]["small"], "%.1f"),
        ("bundle fetched, KB gzip", lambda v: v["bytes"]["total"].get("gzip", 0) / 1000, "%.1f"),
        ("long tasks, ms", lambda v: v["long_task_ms"], "%.0f"),
    ]
    width, label_w, bar_w, row_h = 800, 240, 470, 22
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
        for i, (variant, value) in enumerate(zip(variants, values)):
            by = y + 22 + i * row_h
            length = 0 if value <= 0 else bar_w * (math.log10(value) - floor) / span
            out.append('<text x="14" y="%d">%s</text>' % (by + 14, name_of(variant)))
            out.append(
                '<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                % (label_w, by + 2, max(length, 1), row_h - 6, COLOURS[variant.partition("@")[0]])
            )
            out.append(
                '<text x="%.1f" y="%d">%s</text>' % (label_w + length + 6, by + 14, fmt % value)
            )
        y += panel_h
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_docs(results, docs):
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "benchmarks.md").write_text(markdown(results), encoding="utf-8")
    (docs / "benchmarks.svg").write_text(svg(results), encoding="utf-8")
