"""`make bench`: what heap-device costs a page, beside a plain-JS yardstick.

Each run loads, in a cold browser context each, the same page (the real RudderStack v3 SDK, a
Heap.io device-mode destination, Heap's CDN answered by a recording stand-in) with heap-device on
MicroPython, on Pyodide, and with the hand-written JS baseline (bench/baseline/), interleaved.
Writes bench/results.json, docs/benchmarks.md and docs/benchmarks.svg.

Usage: .venv/bin/python bench/run.py [--runs N] [--loss-runs N]
       [--variants micropython,micropython-direct,pyodide,baseline] [--tree NAME=DIR ...]
       [--repo DIR] [--results FILE] [--no-docs] [--label TEXT]
--tree measures another checkout (e.g. with a patch from bench/proposals/ applied) interleaved
with this one, as VARIANT@NAME: how the proposals were judged. --results and --no-docs keep such
a run from overwriting the published numbers.
"""

import argparse
import datetime
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import report  # noqa: E402  (bench/report.py: markdown and SVG)

from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from heap_device.tools import server as local_server  # noqa: E402
from heap_device.tools.server import HEAP_SCRIPT, STANDIN  # noqa: E402

WEB = BENCH / "web"
BASELINE = BENCH / "baseline" / "heap-baseline.js"
SDK = REPO / "node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js"
# variant: (runtime, boot) given to `heap-device build`; the baseline is the JS yardstick.
BUILDS = {
    "micropython": ("micropython", "pyscript"),
    "micropython-direct": ("micropython", "direct"),
    "pyodide": ("pyodide", "pyscript"),
}
VARIANTS = (*BUILDS, "baseline")
LOSS_EVENTS = 1000
SETTLE_MS = 1000  # long tasks are summed until this long after the first Heap call
# kind: (most messages timed per batch, warm-up messages); each batch stops after BATCH_MS
PER_EVENT = {"small": (5000, 50), "large": (2000, 20)}
BATCH_MS = 300
BATCHES = 3  # per-event timings per page load; the run's value is their median
TIMEOUT_MS = 90_000

LONG_TASKS = """<script>
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longTasks.push([e.startTime, e.duration]); });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) { window.__longTasks = null; }
</script>
"""


def cli(repo, *args):
    """Run heap-device's own CLI from `repo` (so a patched checkout builds its own bundle)."""
    paths = [str(repo)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    cmd = [sys.executable, "-m", "heap_device.tools.cli", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=repo, env=env).stdout


def make_site(root, repo, variants, trees=None):
    """Bundles, SDK, stand-in and one page per (variant, mode) in `root`.

    A variant named `micropython@NAME` is built from the checkout `trees[NAME]` instead of `repo`.
    """
    (root / "vendor").mkdir()
    shutil.copyfile(SDK, root / "vendor" / "rsa.js")
    shutil.copyfile(WEB / "bench-page.js", root / "bench-page.js")
    (root / "baseline").mkdir()
    shutil.copyfile(BASELINE, root / "baseline" / "heap-baseline.js")
    for variant in variants:
        if variant == "baseline":
            tag = '<script src="/baseline/heap-baseline.js"></script>\n'
        else:
            kind, _, tree = variant.partition("@")
            source = (trees or {})[tree] if tree else repo
            runtime, boot = BUILDS[kind]
            options = ["--runtime", runtime, "--boot", boot]
            tag = cli(
                source, "build", "--out", str(root / variant), "--base-url", "/" + variant, *options
            )
        for mode, events in (("first", 1), ("loss", LOSS_EVENTS)):
            html = (
                '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'
                + LONG_TASKS
                + tag
                + '<script type="application/json" id="bench">%s</script>\n'
                % json.dumps({"events": events})
                + '<script src="/vendor/rsa.js"></script>\n'
                + '<script src="/bench-page.js"></script>\n'
                + "</head><body><p>heap-device bench</p></body></html>\n"
            )
            (root / ("%s-%s.html" % (variant, mode))).write_text(html, encoding="utf-8")


CACHE = Path(tempfile.gettempdir()) / "heap-device-bench-sizes.json"


def compressed_sizes(data):
    """Raw, gzip -9 and brotli 11 sizes; cached by content (brotli 11 on Pyodide takes a minute)."""
    key = hashlib.sha256(data).hexdigest()
    try:
        cache = json.loads(CACHE.read_text())
    except (OSError, ValueError):
        cache = {}
    if key not in cache:
        cache[key] = _compress(data)
        CACHE.write_text(json.dumps(cache))
    return cache[key]


def _compress(data):
    sizes = {"raw": len(data), "gzip": len(gzip.compress(data, 9))}
    try:
        import brotli

        sizes["br"] = len(brotli.compress(data, quality=11))
    except ImportError:
        brotli_cli = shutil.which("brotli")
        if brotli_cli:
            done = subprocess.run([brotli_cli, "-c", "-q", "11"], input=data, capture_output=True)
            sizes["br"] = len(done.stdout)
    return sizes


def bundle_bytes(root, origin, urls, variant):
    """Bytes of the integration's own files the page fetched (everything under its folder)."""
    folder = "/baseline/" if variant == "baseline" else "/" + variant + "/"
    files = {}
    for url in urls:
        if url.startswith(origin + folder):
            path = root / url[len(origin) + 1 :].split("?")[0]
            if path.is_file():
                files[url[len(origin) :]] = compressed_sizes(path.read_bytes())
    total = {}
    for sizes in files.values():
        for key, value in sizes.items():
            total[key] = total.get(key, 0) + value
    return {"total": total, "files": files}


class Browser:
    def __init__(self, playwright, origin):
        launch = {"args": CHROMIUM_FLAGS}
        if CHROMIUM.exists():
            launch["executable_path"] = str(CHROMIUM)
        self.browser = playwright.chromium.launch(**launch)
        self.origin = origin
        self.standin = STANDIN.read_text(encoding="utf-8")

    def open(self, url):
        """A cold context and page; Heap's CDN answered by the stand-in, other hosts refused."""
        context = self.browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        seen = {"urls": [], "strays": [], "errors": []}

        def route(r):
            if HEAP_SCRIPT.match(r.request.url):
                r.fulfill(status=200, content_type="text/javascript", body=self.standin)
            else:
                seen["strays"].append(r.request.url)
                r.abort()

        page.route(re.compile(r"^(?!%s/)(https?|wss?)://" % re.escape(self.origin)), route)
        page.on("request", lambda req: seen["urls"].append(req.url))
        page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
        page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
        page.goto(url)
        return context, page, seen


def first_call_run(browser, variant):
    """Navigation start -> the first Heap call reaching heap.js; long tasks until settled; then
    the per-event cost, with the runtime warm."""
    context, page, seen = browser.open("%s/%s-first.html" % (browser.origin, variant))
    try:
        page.wait_for_function("window.__firstCallAt !== undefined")
        first = page.evaluate("window.__firstCallAt")
        page.wait_for_function("performance.now() > %d" % (first + SETTLE_MS), polling=100)
        got = page.evaluate(
            """() => ({
            calls: window.__heapCalls.map(c => c[0] === 'track' ? [c[0], c[1][0]] : [c[0]]),
            longTasks: window.__longTasks,
            firedAt: window.__firedAt,
            heapLoadedAt: window.__heapLoadedAt,
            heapRequestedAt: (performance.getEntriesByType('resource')
              .find(e => /heap_config|heap-\\d/.test(e.name)) || {}).startTime,
        })"""
        )
        per_event = {}
        for kind, (count, warmup) in PER_EVENT.items():
            batches = [
                page.evaluate(
                    "([k, n, w, b]) => window.__benchPerEvent(k, n, w, b)",
                    [kind, count, warmup, BATCH_MS],
                )
                for _ in range(BATCHES)
            ]
            per_event[kind] = {
                "us": statistics.median(b["us"] for b in batches),
                "timed": [b["count"] for b in batches],
                "calls_per_event": batches[-1]["calls"],
                "last_call": batches[-1]["last"],
            }
    finally:
        context.close()
    long_tasks = got["longTasks"] or []
    return {
        "first_call_ms": first,
        "heap_requested_ms": got["heapRequestedAt"],
        "calls": got["calls"],
        "long_task_ms": sum(d for _, d in long_tasks),
        "long_task_max_ms": max([d for _, d in long_tasks] or [0]),
        "long_tasks": len(long_tasks),
        "per_event": per_event,
        "urls": seen["urls"],
        "strays": seen["strays"],
        "errors": seen["errors"],
    }


def loss_run(browser, variant):
    """1,000 tracks fired right after load(): how many reach Heap, in order.

    The SDK's own device-mode queue hands them over at its own pace (about 30 a second here,
    the same for every variant), so this page takes half a minute and runs --loss-runs times."""
    context, page, seen = browser.open("%s/%s-loss.html" % (browser.origin, variant))
    try:
        expect = LOSS_EVENTS
        try:
            page.wait_for_function(
                "(window.__heapCalls || []).length >= %d" % expect, timeout=TIMEOUT_MS
            )
        except Exception:  # noqa: BLE001 - a timeout is a result here: count what arrived
            pass
        time.sleep(0.5)  # late or duplicate calls would show up now
        names = page.evaluate(
            "(window.__heapCalls || []).filter(c => c[0] === 'track').map(c => c[1][0])"
        )
        last_at = page.evaluate("window.__lastCallAt")
    finally:
        context.close()
    wanted = ["early %d" % i for i in range(LOSS_EVENTS)]
    fired = set(wanted)
    return {
        "received": sum(1 for n in names if n in fired),
        "in_order": names == wanted,
        "all_done_ms": last_at,
        "strays": seen["strays"],
        "errors": seen["errors"],
    }


def check_agreement():
    """The yardstick must map exactly as the Python core does (every SPEC vector, under Node)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + [str(REPO / "tests" / "test_baseline_agrees.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    print(done.stdout.strip().splitlines()[-1])
    if done.returncode != 0:
        sys.exit("bench: the baseline disagrees with the Python core:\n" + done.stdout[-3000:])


def machine():
    info = {"cores": os.cpu_count(), "platform": platform.platform()}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
        info["memory_gib"] = round(kb / 1024 / 1024, 1)
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = cpu.group(1).strip() if cpu else None
    except (OSError, AttributeError):
        pass
    return info


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarise(variants, raw, sizes):
    out = {}
    for variant in variants:
        first = raw[variant]["first"]
        loss = raw[variant]["loss"]
        out[variant] = {
            "first_call_ms": median_of(first, "first_call_ms"),
            "first_call_runs_ms": [r["first_call_ms"] for r in first],
            "heap_requested_ms": median_of(first, "heap_requested_ms"),
            "long_task_ms": median_of(first, "long_task_ms"),
            "long_task_max_ms": median_of(first, "long_task_max_ms"),
            "per_event_us": {
                kind: statistics.median(r["per_event"][kind]["us"] for r in first)
                for kind in PER_EVENT
            },
            "loss": {
                "fired": LOSS_EVENTS,
                "runs": len(loss),
                "received_min": min(r["received"] for r in loss),
                "in_order_every_run": all(r["in_order"] for r in loss),
                "all_done_ms": median_of(loss, "all_done_ms"),
            }
            if loss
            else None,
            "bytes": sizes[variant],
        }
    base = out.get("baseline")
    if base:
        for variant in variants:
            v = out[variant]
            v["ratios"] = {
                "first_call": v["first_call_ms"] / base["first_call_ms"],
                "per_event_small": v["per_event_us"]["small"] / base["per_event_us"]["small"],
                "per_event_large": v["per_event_us"]["large"] / base["per_event_us"]["large"],
            }
            v["long_task_added_ms"] = v["long_task_ms"] - base["long_task_ms"]
            v["bytes_added"] = {
                k: n - base["bytes"]["total"].get(k, 0) for k, n in v["bytes"]["total"].items()
            }
    return out


def check_same_calls(variants, raw):
    """Every variant handed Heap the same calls for the same events (first page, per-event)."""
    problems = []
    ref = variants[-1]
    for variant in variants[:-1]:
        a, b = raw[variant], raw[ref]
        if a["first"][0]["calls"] != b["first"][0]["calls"]:
            problems.append("%s: first-call page calls differ from %s" % (variant, ref))
        for kind in PER_EVENT:
            got = a["first"][0]["per_event"][kind]
            want = b["first"][0]["per_event"][kind]
            if got["last_call"] != want["last_call"] or got["calls_per_event"] != 1:
                problems.append("%s: %s event gives %r" % (variant, kind, got["last_call"]))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--loss-runs", type=int, default=1, help="runs that also load the 1,000-event page"
    )
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--repo", default=str(REPO), help="heap-device checkout to build from")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also measure checkout DIR (e.g. a proposal applied), interleaved, as VARIANT@NAME",
    )
    parser.add_argument("--results", default=str(BENCH / "results.json"))
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.*")
    parser.add_argument("--label", default="main", help="what was measured, kept in the results")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    trees = dict(t.split("=", 1) for t in args.tree)
    own = [v for v in variants if v != "baseline"]
    variants = own + ["%s@%s" % (v, name) for name in trees for v in own]
    if "baseline" in args.variants.split(","):  # the yardstick last: ratios and call checks
        variants.append("baseline")
    from playwright.sync_api import sync_playwright

    check_agreement()
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="heap-device-bench-"))
    server = local_server.start(root, limit=0)  # its data plane: accept and forget
    origin = server.origin
    try:
        make_site(root, Path(args.repo), variants, trees)
        raw = {v: {"first": [], "loss": []} for v in variants}
        with sync_playwright() as p:
            browser = Browser(p, origin)
            version = browser.browser.version
            for run in range(args.runs):
                for variant in variants:  # interleaved, so drift hits every variant alike
                    raw[variant]["first"].append(first_call_run(browser, variant))
                    if run < args.loss_runs:
                        raw[variant]["loss"].append(loss_run(browser, variant))
                    f = raw[variant]["first"][-1]
                    loss = raw[variant]["loss"][-1] if run < args.loss_runs else None
                    print(
                        "run %d %-18s first call %6.0f ms  long tasks %5.0f ms  "
                        "per event %6.1f / %7.1f us  %s"
                        % (
                            run + 1,
                            variant,
                            f["first_call_ms"],
                            f["long_task_ms"],
                            f["per_event"]["small"]["us"],
                            f["per_event"]["large"]["us"],
                            ""
                            if loss is None
                            else "received %d%s"
                            % (loss["received"], "" if loss["in_order"] else " (NOT in order)"),
                        ),
                        flush=True,
                    )
            browser.browser.close()
        sizes = {v: bundle_bytes(root, origin, raw[v]["first"][0]["urls"], v) for v in variants}
    finally:
        server.shutdown()
        shutil.rmtree(root, ignore_errors=True)
    problems = check_same_calls(variants, raw) if "baseline" in variants else []
    for variant in variants:
        for r in raw[variant]["first"] + raw[variant]["loss"]:
            if r["strays"]:
                problems.append("%s: requests left 127.0.0.1: %s" % (variant, r["strays"][:3]))
            if r["errors"]:
                problems.append("%s: page errors: %s" % (variant, r["errors"][:3]))
    results = {
        "label": args.label,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {**machine(), "chromium": version},
        "runs": args.runs,
        "loss_runs": min(args.loss_runs, args.runs),
        "seconds": round(time.time() - started),
        "settings": {
            "loss_events": LOSS_EVENTS,
            "per_event": PER_EVENT,
            "batches": BATCHES,
            "batch_ms": BATCH_MS,
            "settle_ms": SETTLE_MS,
        },
        "summary": summarise(variants, raw, sizes),
        "problems": sorted(set(problems)),
        "raw": {
            v: {
                "first": [{k: x for k, x in r.items() if k != "urls"} for r in raw[v]["first"]],
                "loss": raw[v]["loss"],
            }
            for v in variants
        },
    }
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report.console(results))
    if not args.no_docs:
        report.write_docs(results, REPO / "docs")
    if problems:
        print("bench: PROBLEMS:\n  " + "\n  ".join(sorted(set(problems))))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
