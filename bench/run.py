"""`make bench`: what heap-device costs a page, beside a plain-JS yardstick.

Each run loads, in a cold browser context each, the same page (the real RudderStack v3 SDK, a
Heap.io device-mode destination, Heap's CDN answered by a recording stand-in) once per build of
heap-device and once with the hand-written JS baseline (bench/baseline/), interleaved. The builds
are every runtime and boot that `heap-device build --help` offers (a pair the CLI refuses is
skipped), named RUNTIME-BOOT; the one built without options is the default.
Writes bench/results.json, docs/benchmarks.md and docs/benchmarks.svg.

Usage: .venv/bin/python bench/run.py [--runs N] [--loss-runs N]
       [--variants all|default|RUNTIME-BOOT,...,baseline] [--tree NAME=DIR ...]
       [--repo DIR] [--results FILE] [--no-docs] [--label TEXT]
--tree measures another checkout (an older commit, a patch applied) interleaved with this one,
as VARIANT@NAME. --results and --no-docs keep such a run from overwriting the published numbers.
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

import mainthread  # noqa: E402  (bench/mainthread.py: Chromium's main-thread accounting)
import report  # noqa: E402  (bench/report.py: markdown and SVG)

from e2e import served as local_server  # noqa: E402
from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from heap_device.tools.output import entry_file  # noqa: E402
from heap_device.tools.server import HEAP_SCRIPT, STANDIN  # noqa: E402

WEB = BENCH / "web"
BASELINE = BENCH / "baseline" / "heap-baseline.js"
SDK = REPO / "node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js"
LOSS_EVENTS = 1000
SETTLE_MS = 1000  # start-up is counted until this long after the first Heap call
KINDS = ("small", "large")
WARMUP = 20  # messages of each kind before timing; they also size the batches
# A batch holds as many messages as fit in BATCH_TASK_MS of main-thread time and BATCH_WALL_MS of
# waiting (a worker build answers at the worker's pace), within BATCH_MIN..BATCH_MAX.
BATCH_TASK_MS = 150
BATCH_WALL_MS = 1000
BATCH_MIN, BATCH_MAX = 30, 3000
BATCHES = 3  # per-event timings per page load; the run's value is their median
SDK_BATCH = 20  # large events per batch through rudderanalytics.track() (the SDK costs ms each)
ECHO = 1000  # round trips to an echo worker (on the baseline page): a worker's floor
ECHO_SPREAD = (200, 2)  # the same, the worker holding each message 2 ms (answers one by one)
BURST = 1000  # large events handed over in one synchronous loop, traced
BURST_TAIL_MS = 100  # tasks starting this long after the burst's last Heap call still count
TRACE_CATEGORIES = ["toplevel", "blink.user_timing"]
TIMEOUT_MS = 90_000
LOSS_TIMEOUT_MS = 180_000  # the loss page may block its main thread for a long time: still count

LONG_TASKS = """<script>
window.__longTasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longTasks.push([e.startTime, e.duration]); });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) { window.__longTasks = null; }
</script>
"""


def cli(repo, *args, check=True):
    """Run heap-device's own CLI from `repo` (so another checkout builds its own bundle)."""
    paths = [str(repo)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    cmd = [sys.executable, "-m", "heap_device.tools.cli", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=repo, env=env)
    if check and done.returncode != 0:
        sys.exit("bench: %s failed in %s:\n%s" % (" ".join(args), repo, done.stderr))
    return done


def build_with_tag(checkout, out, base_url, runtime, boot):
    """Build one bundle and return its script tag (`build --base-url` prints it)."""
    options = ["--runtime", runtime, "--boot", boot]
    return cli(checkout, "build", "--out", str(out), "--base-url", base_url, *options).stdout


def choices(help_text, option):
    """The choices `--option {a,b}` lists in argparse help text."""
    found = re.search(r"--%s \{([^}]*)\}" % re.escape(option), help_text)
    return found.group(1).split(",") if found else []


def discover(repo, scratch):
    """Every build checkout `repo` offers: {RUNTIME-BOOT: (runtime, boot)}, and the default's name.

    Read at run time from `heap-device build --help` (so a boot that comes or goes needs no edit
    here); a pair the CLI refuses is left out; the default is what a build without options says
    it is (the adapter's BUILD line)."""
    text = cli(repo, "build", "--help").stdout
    runtimes, boots = choices(text, "runtime"), choices(text, "boot")
    builds = {}
    for runtime in runtimes:
        for boot in boots:
            out = scratch / ("%s-%s" % (runtime, boot))
            args = ["build", "--out", str(out), "--runtime", runtime, "--boot", boot]
            if cli(repo, *args, check=False).returncode == 0:
                builds["%s-%s" % (runtime, boot)] = (runtime, boot)
    cli(repo, "build", "--out", str(scratch / "default"))
    adapter = entry_file(scratch / "default").read_text(encoding="utf-8")
    said = re.search(r"var BUILD = (\{.*\});", adapter)
    build = json.loads(said.group(1)) if said else {}
    default = "%s-%s" % (build.get("runtime"), build.get("boot"))
    return builds, default if default in builds else None


# The source config: one Heap.io device-mode destination (the SDK gets it from the page, or, in
# the network bench, from the local server).
SOURCE_CONFIG = {
    "source": {
        "id": "src-1",
        "workspaceId": "ws-1",
        "enabled": True,
        "config": {},
        "destinations": [
            {
                "id": "heap-1",
                "enabled": True,
                "config": {"appId": "1234567890", "connectionMode": "device"},
                "destinationDefinition": {"name": "HEAP", "displayName": "Heap.io"},
            }
        ],
    }
}


def page_html(tag, events, **settings):
    return (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'
        + LONG_TASKS
        + tag
        + '<script type="application/json" id="bench">%s</script>\n'
        % json.dumps({"events": events, "source": SOURCE_CONFIG, **settings})
        + '<script src="/vendor/rsa.js"></script>\n'
        + '<script src="/bench-page.js"></script>\n'
        + "</head><body><p>heap-device bench</p></body></html>\n"
    )


def make_site(root, variants, sources):
    """Bundles, SDK, stand-in and one page per (variant, mode) in `root`.

    `sources[variant]` is (checkout, runtime, boot); the baseline has none."""
    (root / "vendor").mkdir()
    shutil.copyfile(SDK, root / "vendor" / "rsa.js")
    shutil.copyfile(WEB / "bench-page.js", root / "bench-page.js")
    (root / "baseline").mkdir()
    shutil.copyfile(BASELINE, root / "baseline" / "heap-baseline.js")
    for variant in variants:
        if variant == "baseline":
            tag = '<script src="/baseline/heap-baseline.js"></script>\n'
        else:
            source, runtime, boot = sources[variant]
            tag = build_with_tag(source, root / variant, "/" + variant, runtime, boot)
        for mode, events in (("first", 1), ("loss", LOSS_EVENTS)):
            html = page_html(tag, events)
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


def bundle_bytes(root, fetched, variant):
    """Bytes of the integration's own files fetched during one page load (its folder only)."""
    folder = "/baseline/" if variant == "baseline" else "/" + variant + "/"
    files = {}
    for path in sorted(set(fetched)):
        if path.startswith(folder) and (root / path[1:]).is_file():
            files[path] = compressed_sizes((root / path[1:]).read_bytes())
    total = {}
    for sizes in files.values():
        for key, value in sizes.items():
            total[key] = total.get(key, 0) + value
    return {"total": total, "files": files}


class Browser:
    def __init__(self, playwright, server):
        launch = {"args": CHROMIUM_FLAGS}
        if CHROMIUM.exists():
            launch["executable_path"] = str(CHROMIUM)
        self.browser = playwright.chromium.launch(**launch)
        self.server = server
        self.origin = "http://127.0.0.1:%d" % server.server_address[1]
        self.standin = STANDIN.read_text(encoding="utf-8")

    def open(self, url, wait_until="load"):
        """A cold context and page, with a DevTools session counting main-thread time (the
        thread's CPU time); Heap's CDN answered by the stand-in, other hosts refused, for workers
        too."""
        context = self.browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        seen = {"strays": [], "errors": []}

        def route(r):
            if HEAP_SCRIPT.match(r.request.url):
                r.fulfill(status=200, content_type="text/javascript", body=self.standin)
            else:
                seen["strays"].append(r.request.url)
                r.abort()

        context.route(re.compile(r"^(?!%s/)(https?|wss?)://" % re.escape(self.origin)), route)
        page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
        page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        self.server.fetched = []
        page.goto(url, wait_until=wait_until)
        return context, page, seen, cdp


def main_thread_ms(cdp):
    return mainthread.task_ms(cdp.send("Performance.getMetrics"))


def fire(page, cdp, kind, count, mark=None, via_sdk=False):
    """Hand `count` messages to the integration (or to the SDK) and wait for Heap: main-thread
    ms, wall ms, and the ms of the loop handing them over."""
    before, wall = main_thread_ms(cdp), time.perf_counter()
    got = page.evaluate(
        "([k, n, m, s]) => window.__benchFire(k, n, m, s)", [kind, count, mark, via_sdk]
    )
    got["wall_ms"] = (time.perf_counter() - wall) * 1000
    got["task_ms"] = main_thread_ms(cdp) - before
    return got


def per_event(page, cdp, kind):
    """Main-thread microseconds per message of this kind, once the runtime is warm.

    Each batch's main-thread time (Chromium's TaskDuration before and after, the batch's Heap
    calls all received) minus that of an empty batch through the same steps, divided by the
    batch's size; the median of BATCHES batches."""
    warm = fire(page, cdp, kind, WARMUP)
    each_task = max(warm["task_ms"] / WARMUP, 0.001)
    each_wall = max(warm["wall_ms"] / WARMUP, 0.001)
    size = int(min(BATCH_TASK_MS / each_task, BATCH_WALL_MS / each_wall))
    size = max(BATCH_MIN, min(BATCH_MAX, size))
    values, loops = [], []
    for _ in range(BATCHES):
        empty = fire(page, cdp, kind, 0)
        got = fire(page, cdp, kind, size)
        values.append((got["task_ms"] - empty["task_ms"]) * 1000 / size)
        loops.append(got["loop_ms"] * 1000 / size)
    return {
        "us": statistics.median(values),
        "handover_us": statistics.median(loops),
        "batches_us": values,
        "batch": size,
        "calls_per_event": warm["calls"] / WARMUP,
        "last_call": got["last"],
    }


def through_sdk(page, cdp):
    """Main-thread microseconds per large event on the whole page's path: rudderanalytics.track()
    (the SDK's own work, its queues and data-plane requests included) until Heap has the call.
    Same method as per_event, SDK_BATCH events per batch."""
    fire(page, cdp, "large", 5, via_sdk=True)  # warm-up
    values = []
    for _ in range(BATCHES):
        empty = fire(page, cdp, "large", 0, via_sdk=True)
        got = fire(page, cdp, "large", SDK_BATCH, via_sdk=True)
        values.append((got["task_ms"] - empty["task_ms"]) * 1000 / SDK_BATCH)
    return {"us": statistics.median(values), "batches_us": values, "calls": got["calls"]}


def burst(browser, page, cdp):
    """BURST large messages in one synchronous loop, traced: the longest main-thread task from
    the loop's start until BURST_TAIL_MS after Heap received the last one, and the burst's whole
    main-thread time."""
    browser.browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    try:
        got = fire(page, cdp, "large", BURST, "heap-bench-burst")
        page.wait_for_timeout(BURST_TAIL_MS)
    finally:
        data = browser.browser.stop_tracing()
    longest = mainthread.longest_task(data, "heap-bench-burst", BURST_TAIL_MS)
    return {
        "longest_task_ms": longest["wall_ms"],
        "longest_task_thread_ms": longest["thread_ms"],
        "loop_thread_ms": longest["marked_thread_ms"],
        "tasks": longest["tasks"],
        "delivered_ms": longest["span_ms"],
        "main_thread_ms": got["task_ms"],
        "calls": got["calls"],
    }


def echo_floor(page, cdp, count, spread_ms=0):
    """Main-thread microseconds for one round trip of the large message's JSON text to a worker
    that does nothing but post it back (after `spread_ms`, so answers come one by one): what any
    worker build pays at least, per event."""
    values = []
    for _ in range(BATCHES):
        empty = main_thread_ms(cdp)
        page.evaluate("([n, s]) => window.__benchEcho(n, s)", [0, spread_ms])
        between = main_thread_ms(cdp)
        page.evaluate("([n, s]) => window.__benchEcho(n, s)", [count, spread_ms])
        values.append(((main_thread_ms(cdp) - between) - (between - empty)) * 1000 / count)
    return statistics.median(values)


def first_call_run(browser, variant):
    """Navigation start -> the first Heap call; main-thread time until settled; then, on the same
    page with the runtime warm, the per-event cost and a burst."""
    context, page, seen, cdp = browser.open("%s/%s-first.html" % (browser.origin, variant))
    try:
        first = page.evaluate(
            """(ms) => Promise.race([window.__benchFirstCall, new Promise((_, no) =>
                setTimeout(() => no(new Error('no Heap call in ' + ms + ' ms')), ms))])""",
            TIMEOUT_MS,
        )
        settle = first + SETTLE_MS - page.evaluate("performance.now()")
        time.sleep(max(settle, 0) / 1000)  # no polling in the page while start-up is counted
        startup_ms = main_thread_ms(cdp)
        got = page.evaluate(
            """() => ({
            calls: window.__benchCalls(),
            longTasks: window.__longTasks,
            heapRequestedAt: (performance.getEntriesByType('resource')
              .find(e => /heap_config|heap-\\d/.test(e.name)) || {}).startTime,
        })"""
        )
        fetched = list(browser.server.fetched)
        events = {kind: per_event(page, cdp, kind) for kind in KINDS}
        sdk = through_sdk(page, cdp)
        burst_got = burst(browser, page, cdp)
        floor = None
        if variant == "baseline":
            floor = {
                "bunched": echo_floor(page, cdp, ECHO),
                "spread": echo_floor(page, cdp, ECHO_SPREAD[0], ECHO_SPREAD[1]),
            }
    finally:
        context.close()
    long_tasks = got["longTasks"] or []
    return {
        "first_call_ms": first,
        "heap_requested_ms": got["heapRequestedAt"],
        "startup_main_thread_ms": startup_ms,
        "calls": got["calls"],
        "long_task_ms": sum(d for _, d in long_tasks),
        "long_task_max_ms": max([d for _, d in long_tasks] or [0]),
        "per_event": events,
        "through_sdk": sdk,
        "burst": burst_got,
        "echo_floor_us": floor,
        "fetched": fetched,
        "strays": seen["strays"],
        "errors": seen["errors"],
    }


def loss_run(browser, variant):
    """1,000 tracks fired right after load(): how many reach Heap, in order.

    The SDK's own device-mode queue hands them over at its own pace (about 30 a second here,
    the same for every variant), so this page takes half a minute and runs --loss-runs times."""
    # "commit": a page whose main thread the 1,000 calls block still gives a count, not a crash
    url = "%s/%s-loss.html" % (browser.origin, variant)
    context, page, seen, _ = browser.open(url, wait_until="commit")
    try:
        try:
            page.wait_for_function(
                "(window.__heapCalls || []).length >= %d" % LOSS_EVENTS,
                timeout=LOSS_TIMEOUT_MS,
                polling=250,
            )
        except Exception:  # noqa: BLE001 - a timeout is a result here: count what arrived
            pass
        time.sleep(0.5)  # late or duplicate calls would show up now
        names = page.evaluate("window.__benchCalls().filter(c => c[0] === 'track').map(c => c[1])")
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
    """The yardstick must map exactly as the Python core does (every contract row, under Node)."""
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


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(variants, raw, sizes, builds):
    out = {}
    for variant in variants:
        first = raw[variant]["first"]
        loss = raw[variant]["loss"]
        out[variant] = {
            "build": builds.get(variant),
            "first_call_ms": median_of(r["first_call_ms"] for r in first),
            "first_call_runs_ms": [r["first_call_ms"] for r in first],
            "heap_requested_ms": median_of(r["heap_requested_ms"] for r in first),
            "startup_main_thread_ms": median_of(r["startup_main_thread_ms"] for r in first),
            "long_task_ms": median_of(r["long_task_ms"] for r in first),
            "long_task_max_ms": median_of(r["long_task_max_ms"] for r in first),
            "per_event_us": {
                kind: median_of(r["per_event"][kind]["us"] for r in first) for kind in KINDS
            },
            "handover_us": {
                kind: median_of(r["per_event"][kind]["handover_us"] for r in first)
                for kind in KINDS
            },
            "through_sdk_us": median_of(r["through_sdk"]["us"] for r in first),
            "burst": {
                key: median_of(r["burst"][key] for r in first)
                for key in (
                    "longest_task_ms",
                    "longest_task_thread_ms",
                    "loop_thread_ms",
                    "main_thread_ms",
                    "delivered_ms",
                )
            },
            "burst_split_us": {
                "track": median_of(r["burst"]["loop_thread_ms"] * 1000 / BURST for r in first),
                "after": median_of(
                    (r["burst"]["main_thread_ms"] - r["burst"]["loop_thread_ms"]) * 1000 / BURST
                    for r in first
                ),
            },
            "echo_floor_us": {
                key: median_of((r.get("echo_floor_us") or {}).get(key) for r in first)
                for key in ("bunched", "spread")
            },
            "loss": {
                "fired": LOSS_EVENTS,
                "runs": len(loss),
                "received_min": min(r["received"] for r in loss),
                "in_order_every_run": all(r["in_order"] for r in loss),
                "all_done_ms": median_of(r["all_done_ms"] for r in loss),
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
                "through_sdk": v["through_sdk_us"] / base["through_sdk_us"],
            }
            v["startup_added_ms"] = v["startup_main_thread_ms"] - base["startup_main_thread_ms"]
            v["long_task_added_ms"] = v["long_task_ms"] - base["long_task_ms"]
            v["bytes_added"] = {
                k: n - base["bytes"]["total"].get(k, 0) for k, n in v["bytes"]["total"].items()
            }
    return out


def check_same_calls(variants, raw):
    """Every variant handed Heap the same calls for the same events (first page, per-event,
    burst), one Heap call per message."""
    problems = []
    ref = variants[-1]
    for variant in variants[:-1]:
        a, b = raw[variant], raw[ref]
        if a["first"][0]["calls"] != b["first"][0]["calls"]:
            problems.append("%s: first-call page calls differ from %s" % (variant, ref))
        for kind in KINDS:
            got = a["first"][0]["per_event"][kind]
            want = b["first"][0]["per_event"][kind]
            if got["last_call"] != want["last_call"] or got["calls_per_event"] != 1:
                problems.append("%s: %s event gives %r" % (variant, kind, got["last_call"]))
    for variant in variants:
        for r in raw[variant]["first"]:
            if r["through_sdk"]["calls"] != SDK_BATCH:
                got = r["through_sdk"]["calls"]
                problems.append("%s: SDK batch gave %d Heap calls" % (variant, got))
            if r["burst"]["calls"] != BURST:
                problems.append("%s: burst gave %d Heap calls" % (variant, r["burst"]["calls"]))
    return problems


def pick_variants(wanted, builds, default):
    """The build names asked for: `all`, `default` or names, in the order builds lists them."""
    names = []
    for word in wanted:
        if word == "all":
            names += list(builds)
        elif word == "default" and default:
            names.append(default)
        elif word in builds:
            names.append(word)
        elif word != "baseline":
            print("bench: no %r build here (builds: %s); skipped" % (word, ", ".join(builds)))
    return [n for n in builds if n in names]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--loss-runs", type=int, default=1, help="runs that also load the 1,000-event page"
    )
    parser.add_argument(
        "--variants",
        default="all,baseline",
        help="all, default, or RUNTIME-BOOT names, and baseline (the JS yardstick)",
    )
    parser.add_argument("--repo", default=str(REPO), help="heap-device checkout to build from")
    parser.add_argument(
        "--tree",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also measure checkout DIR (e.g. an older commit), interleaved, as VARIANT@NAME",
    )
    parser.add_argument("--results", default=str(BENCH / "results.json"))
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.*")
    parser.add_argument("--label", default="main", help="what was measured, kept in the results")
    args = parser.parse_args(argv)
    wanted = [v for v in args.variants.split(",") if v]
    checkouts = {"": Path(args.repo)}
    checkouts.update((name, Path(d)) for name, d in (t.split("=", 1) for t in args.tree))
    from playwright.sync_api import sync_playwright

    check_agreement()
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="heap-device-bench-"))
    variants, sources, builds, defaults = [], {}, {}, {}
    for name, checkout in checkouts.items():
        offered, default = discover(checkout, root / ("scratch-" + (name or "main")))
        for build in pick_variants(wanted, offered, default):
            variant = build + ("@" + name if name else "")
            variants.append(variant)
            sources[variant] = (checkout, *offered[build])
            builds[variant] = {"runtime": offered[build][0], "boot": offered[build][1]}
            builds[variant]["default"] = build == default
        defaults[name or "main"] = default
    if "baseline" in wanted:  # the yardstick last: ratios and call checks
        variants.append("baseline")
    for scratch in root.glob("scratch-*"):
        shutil.rmtree(scratch)
    print("bench: %s (default build: %s)" % (", ".join(variants), defaults), flush=True)
    # Our one local server; its data plane accepts and forgets, every GET path is noted
    # (server.fetched), so the bytes a page fetched are counted whoever asked (page or worker).
    server = local_server.start(root, limit=0, note_gets=True)
    try:
        make_site(root, variants, sources)
        raw = {v: {"first": [], "loss": []} for v in variants}
        with sync_playwright() as p:
            browser = Browser(p, server)
            version = browser.browser.version
            for run in range(args.runs):
                for variant in variants:  # interleaved, so drift hits every variant alike
                    raw[variant]["first"].append(first_call_run(browser, variant))
                    if run < args.loss_runs:
                        raw[variant]["loss"].append(loss_run(browser, variant))
                    print(progress(run, variant, raw[variant], run < args.loss_runs), flush=True)
            browser.browser.close()
        sizes = {v: bundle_bytes(root, raw[v]["first"][0]["fetched"], v) for v in variants}
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
        "commits": {name or "main": commit_of(d) for name, d in checkouts.items()},
        "defaults": defaults,
        "machine": {**machine(), "chromium": version},
        "runs": args.runs,
        "loss_runs": min(args.loss_runs, args.runs),
        "seconds": round(time.time() - started),
        "settings": {
            "loss_events": LOSS_EVENTS,
            "warmup": WARMUP,
            "batch_task_ms": BATCH_TASK_MS,
            "batch_wall_ms": BATCH_WALL_MS,
            "batch_min": BATCH_MIN,
            "batch_max": BATCH_MAX,
            "batches": BATCHES,
            "sdk_batch": SDK_BATCH,
            "echo": ECHO,
            "echo_spread": ECHO_SPREAD,
            "burst": BURST,
            "burst_tail_ms": BURST_TAIL_MS,
            "settle_ms": SETTLE_MS,
        },
        "summary": summarise(variants, raw, sizes, builds),
        "problems": sorted(set(problems)),
        "raw": {
            v: {
                "first": [{k: x for k, x in r.items() if k != "fetched"} for r in raw[v]["first"]],
                "loss": raw[v]["loss"],
            }
            for v in variants
        },
    }
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report.console(results))
    if not args.no_docs:
        report.write_docs(results, REPO / "docs", args.results)
    if problems:
        print("bench: PROBLEMS:\n  " + "\n  ".join(sorted(set(problems))))
        return 1
    print("bench: %d s" % results["seconds"])
    return 0


def progress(run, variant, raw, with_loss):
    f = raw["first"][-1]
    loss = raw["loss"][-1] if with_loss else None
    text = (
        "run %d %-26s first call %6.0f ms  start-up %5.0f ms  per event %6.1f / %7.1f us  "
        "burst longest %6.1f ms"
        % (
            run + 1,
            variant,
            f["first_call_ms"],
            f["startup_main_thread_ms"],
            f["per_event"]["small"]["us"],
            f["per_event"]["large"]["us"],
            f["burst"]["longest_task_ms"],
        )
    )
    if loss:
        order = "" if loss["in_order"] else " (NOT in order)"
        text += "  received %d%s" % (loss["received"], order)
    return text


def commit_of(checkout):
    done = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


if __name__ == "__main__":
    sys.exit(main())
