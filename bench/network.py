"""`make bench`, part two: first events on a real network, heap-device beside the plain-JS baseline.

Every visit goes through Chromium's real network stack and HTTP cache: one local HTTPS server
(gzip on, `Cache-Control` as a CDN sets it) answers for the site, for Heap's CDN
(`cdn.us.heap-api.com`, mapped to it by the resolver) and for RudderStack's control plane (the
SDK's `configUrl`; the source config comes after 100 ms). Nothing is routed through Playwright
(routing turns the HTTP cache off). Each link profile is DevTools' network emulation (one shared
link, which a dedicated worker's fetches go through too) and, for the CPU, a cgroup quota on the
whole browser (DevTools' CPU throttling does not slow a worker); see bench/netlab.py.

Per run, profile and variant: a fresh browser profile, a cold visit, then a repeat visit (a new
tab, same profile: whatever the HTTP cache holds is used). The cold visit's page stays open
LINGER_S after Heap's first call, as a visitor reads a page: Chromium writes its code caches
meanwhile (a script's on its second load, a .wasm's compiled code a few seconds after it
runs). Variants are interleaved, their order alternating run by run. Writes
bench/results-network.json and the network part of docs/benchmarks.md.

Usage: .venv/bin/python bench/network.py [--runs N] [--profiles desktop,mobile] [--results FILE]
       [--no-docs] [--variant NAME=DIR ...]
--variant measures another checkout's default build (e.g. a critical-path change) as NAME,
interleaved with this checkout's. This checkout's --dev build runs too (as "dev", unless
--no-dev): its worker marks each start-up step, which gives where the time goes.
"""

import argparse
import datetime
import email.utils
import gzip
import hashlib
import json
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import netlab  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402  (bench/run.py: the builds, the page, the SDK)

from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from heap_device.tools.bundle import is_entry_name  # noqa: E402
from heap_device.tools.server import BUNDLE_TYPES, STANDIN  # noqa: E402

SITE = "site.test"
HEAP_HOST = "cdn.us.heap-api.com"
HEAP_PATH = "/config/1234567890/heap_config.js"  # what the v5 loader asks for this appId
CONFIG_DELAY_S = 0.100
HEAP_GZIP = 60_000  # bytes gzip of the heap.js stand-in (Heap's own is about that)
PAD_SOURCES = [  # real minified classic scripts, never run, for the stand-in's size
    "node_modules/rudder-sdk-js/dist/npm/index.js",
    "node_modules/pyodide/pyodide.js",
]
STATIC_CACHE = "public, max-age=86400"  # every script and .wasm, as a CDN would
PAGE_CACHE = "no-cache"  # the page: revalidated each visit
TIMEOUT_MS = 60_000
LINGER_S = 3.0  # how long the cold visit's page stays open after Heap's first call
DEV = "dev"  # this checkout's --dev build: the same start-up, with its steps marked in the worker
CPU_LOOP = 30_000_000  # iterations of the busy loop that checks the CPU factor
RESOURCES = {  # what each timing is read from: (label, test on the URL path)
    "sdk_script": lambda p: p == "/vendor/rsa.js",
    "config": lambda p: p.startswith("/sourceConfig"),
    "heap_js": lambda p: p == HEAP_PATH,
    "entry": lambda p: is_entry_name(p.rsplit("/", 1)[-1]) or p.endswith("heap-baseline.js"),
    "wasm": lambda p: p.endswith(".wasm"),
    "pack": lambda p: p.endswith(".bin"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every real host

    def do_GET(self):
        url = urlsplit(self.path)
        host = (self.headers.get("Host") or "").split(":")[0]
        srv = self.server
        if host == HEAP_HOST and url.path == HEAP_PATH:
            self._file(url.path, srv.heap_js, "text/javascript", STATIC_CACHE, host)
        elif url.path.startswith("/sourceConfig"):
            time.sleep(CONFIG_DELAY_S)
            body = json.dumps(srv.source_config).encode("utf-8")
            self._send(200, url.path, body, "application/json", "no-store", host, "identity")
        else:
            path = srv.root / url.path.lstrip("/")
            if ".." in url.path or not path.is_file():
                self._send(404, url.path, b"not found", "text/plain", "no-store", host, "identity")
                return
            kind = next((t for s, t in BUNDLE_TYPES.items() if path.name.endswith(s)), None)
            if path.suffix == ".html":
                kind = "text/html; charset=utf-8"
            cache = PAGE_CACHE if path.suffix == ".html" else STATIC_CACHE
            self._file(url.path, path.read_bytes(), kind or "application/octet-stream", cache, host)

    def do_POST(self):  # the data plane: accepted, forgotten
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(200, urlsplit(self.path).path, b"OK", "text/plain", "no-store", "", "identity")

    def _file(self, path, data, kind, cache, host):
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            self._send(304, path, b"", kind, cache, host, "identity", etag)
            return
        encoding = "identity"
        if "gzip" in (self.headers.get("Accept-Encoding") or ""):
            packed = self.server.gzipped(data)
            if len(packed) < len(data):
                data, encoding = packed, "gzip"
        self._send(200, path, data, kind, cache, host, encoding, etag)

    def _send(self, status, path, body, kind, cache, host, encoding, etag=None):
        headers = [("Content-Type", kind), ("Cache-Control", cache)]
        headers.append(("Date", email.utils.formatdate(usegmt=True)))
        if etag:
            headers.append(("ETag", etag))
        if encoding != "identity":
            headers += [("Content-Encoding", encoding), ("Vary", "Accept-Encoding")]
        if status != 304:
            headers.append(("Content-Length", str(len(body))))
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        head = len("HTTP/1.1 200 OK\r\n") + sum(len(n) + len(v) + 4 for n, v in headers) + 2
        with self.server.lock:
            self.server.log.append(
                {"host": host, "path": path, "status": status, "body": len(body), "head": head}
            )

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root, cert, key, source_config, heap_js):
        super().__init__(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False
        )
        self.root = Path(root)
        self.source_config = source_config
        self.heap_js = heap_js
        self.lock = threading.Lock()
        self.log = []
        self._gzip = {}

    def handle_error(self, request, client_address):
        """A browser closing a connection it opened ahead (TLS EOF, reset) is no error here."""
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def gzipped(self, data):
        key = hashlib.sha256(data).digest()
        with self.lock:
            if key not in self._gzip:
                self._gzip[key] = gzip.compress(data, 9)
            return self._gzip[key]

    def take_log(self):
        with self.lock:
            log, self.log = self.log, []
        return log


def make_cert(folder):
    """A self-signed certificate for the site and Heap's CDN, and its key's SPKI hash (Chromium
    then trusts it: pages and scripts are cached as from any valid HTTPS host)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=" + SITE]
        + ["-addext", "subjectAltName=DNS:%s,DNS:%s" % (SITE, HEAP_HOST)],
        check=True,
        capture_output=True,
    )
    spki = subprocess.run(
        "openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform der"
        " | openssl dgst -sha256 -binary | base64" % cert,
        shell=True,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return cert, key, spki


def heap_standin():
    code = STANDIN.read_text(encoding="utf-8")
    sources = [(REPO / p).read_text(encoding="utf-8") for p in PAD_SOURCES if (REPO / p).exists()]
    return netlab.padded_script(code, sources, HEAP_GZIP).encode("utf-8")


def browser_flags(port, spki):
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--host-resolver-rules")]
    return flags + [
        "--host-resolver-rules=MAP %s 127.0.0.1:%d, MAP %s 127.0.0.1:%d, MAP * ~NOTFOUND"
        % (SITE, port, HEAP_HOST, port),
        "--ignore-certificate-errors-spki-list=" + spki,
    ]


class Lab:
    """The server, the certificate, the CPU throttles and the browsers' launch options."""

    def __init__(self, playwright, root, scratch):
        cert, key, self.spki = make_cert(scratch)
        self.server = Server(root, cert, key, run.SOURCE_CONFIG, heap_standin())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]
        self.playwright = playwright
        self.scratch = scratch
        self.origin = "https://" + SITE
        executable = str(CHROMIUM) if CHROMIUM.exists() else playwright.chromium.executable_path
        self.executable = executable
        self.throttles = {}
        for name, profile in netlab.PROFILES.items():  # desktop: one core; mobile: a quarter
            group = "heap-device-bench-%s-%d" % (name, self.port)
            self.throttles[name] = netlab.CpuThrottle(group, profile["cpu"], executable, scratch)

    def launch(self, profile_name):
        """A browser with a fresh profile on disk (so a repeat visit has a real disk cache),
        inside the profile's CPU cgroup when it has one."""
        folder = Path(tempfile.mkdtemp(prefix="profile-", dir=self.scratch))
        throttle = self.throttles.get(profile_name)
        context = self.playwright.chromium.launch_persistent_context(
            str(folder),
            executable_path=str(throttle.wrapper) if throttle else self.executable,
            args=browser_flags(self.port, self.spki),
            headless=True,
        )
        return context, folder

    def close(self):
        self.server.shutdown()
        for throttle in self.throttles.values():
            throttle.close()


def visit(lab, context, url, folder, profile, linger_s=0.0):
    """One page load: when the SDK's script, its source config, heap.js and the integration's files
    arrived, the first Heap call (ms from navigation start), and the bytes the server sent. The
    page stays open `linger_s` after all that."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", netlab.network_conditions(profile))
    seen = {"errors": [], "requests": []}
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))

    def note(request):
        seen["requests"].append(request)

    context.on("requestfinished", note)
    lab.server.take_log()
    try:
        page.goto(url, wait_until="commit")
        first = page.evaluate(
            """(ms) => new Promise((ok) => window.__benchFirstCall ? ok()
              : document.addEventListener('DOMContentLoaded', ok)).then(() =>
              Promise.race([window.__benchFirstCall, new Promise((_, no) =>
                setTimeout(() => no(new Error('no Heap call in ' + ms + ' ms')), ms))]))""",
            TIMEOUT_MS,
        )
        got = page.evaluate(
            """() => ({
            origin: performance.timeOrigin,
            calls: window.__benchCalls(),
            marks: performance.getEntriesByType('mark').map(m => [m.name, m.startTime]),
            entries: performance.getEntriesByType('resource').map(e =>
              [e.name, e.startTime, e.responseEnd, e.transferSize]),
        })"""
        )
        workers = []
        for worker in page.workers:  # the worker's own timeline: its fetches and marks
            try:
                workers.append(worker.evaluate(WORKER_TIMELINE))
            except Exception:  # noqa: BLE001 - a worker that ended has nothing to say
                pass
        if linger_s:
            page.wait_for_timeout(linger_s * 1000)
    finally:
        context.remove_listener("requestfinished", note)
        page.close()
    log = lab.server.take_log()
    times = {}
    for name, start, end, _ in got["entries"]:
        path = urlsplit(name).path
        for label, test in RESOURCES.items():
            if test(path) and label not in times:
                times[label] = {"start": start, "end": end}
    # worker times in the page's time: the worker's origin is later than the page's
    worker_marks = {}
    for w in workers:
        shift = w["origin"] - got["origin"]
        worker_marks.setdefault("heap-device:worker-created", shift)  # its time origin
        for name, start, end in w["entries"]:
            path = urlsplit(name).path
            label = next((k for k, test in RESOURCES.items() if test(path)), None)
            if label and label not in times:
                times[label] = {"start": start + shift, "end": end + shift}
            elif not name.startswith("http"):
                worker_marks.setdefault(name, start + shift)
    for request in seen["requests"]:  # else what the browser reported
        path = urlsplit(request.url).path
        timing = request.timing
        for label, test in RESOURCES.items():
            if test(path) and label not in times and timing.get("startTime", -1) > 0:
                start = timing["startTime"] - got["origin"]
                end = timing.get("responseEnd", -1)
                times[label] = {"start": start, "end": start + end if end >= 0 else None}
    return {
        "first_call_ms": first,
        "times": times,
        "worker_marks": worker_marks,
        "bytes": bytes_of(log, folder),
        "calls": got["calls"],
        "marks": got["marks"],
        "errors": seen["errors"],
    }


def bytes_of(log, folder):
    """Bytes the server sent (headers and bodies): all of it, and the integration's own files
    (under /folder/)."""
    total = sum(e["body"] + e["head"] for e in log)
    own = sum(e["body"] + e["head"] for e in log if e["path"].startswith("/%s/" % folder))
    return {"total": total, "integration": own, "requests": len(log)}


WORKER_TIMELINE = """() => ({
  origin: performance.timeOrigin,
  entries: performance.getEntries().map(e => [e.name, e.startTime, e.responseEnd || e.startTime]),
})"""


CPU_PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script>
function loop(n) { var x = 0; for (var i = 0; i < n; i++) x = (x + i * 7) % 1000003; return x; }
window.__cpu = function (n) {
  var t = performance.now(); loop(n); var main = performance.now() - t;
  var code = 'var loop = ' + loop.toString() + '; onmessage = function (e) {' +
    ' var t = performance.now(); loop(e.data); postMessage(performance.now() - t); };';
  var w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  return new Promise(function (ok) {
    w.onmessage = function (e) { w.terminate(); ok({ main: main, worker: e.data }); };
    w.postMessage(n);
  });
};
</script>
"""


def cpu_check(lab, rounds=3):
    """The same busy loop on the page's main thread and in a dedicated worker: unthrottled, with
    DevTools' CPU throttling (x4), and in the mobile profile's cgroup. Medians of `rounds`."""
    (lab.server.root / "cpu.html").write_text(CPU_PAGE, encoding="utf-8")
    out = {"plain": [], "devtools": [], "cgroup": []}
    for _ in range(rounds):
        for way in out:
            context, folder = lab.launch("mobile" if way == "cgroup" else "desktop")
            try:
                page = context.new_page()
                if way == "devtools":
                    cdp = context.new_cdp_session(page)
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
                page.goto(lab.origin + "/cpu.html")
                time.sleep(1)  # the browser's own start-up work, in the same group, is over
                out[way].append(page.evaluate("(n) => window.__cpu(n)", CPU_LOOP))
            finally:
                context.close()
                shutil.rmtree(folder, ignore_errors=True)
    med = {
        way: {t: netlab.median(r[t] for r in runs) for t in ("main", "worker")}
        for way, runs in out.items()
    }
    factors = {
        way: {t: netlab.ratio(med[way][t], med["plain"][t]) for t in ("main", "worker")}
        for way in ("devtools", "cgroup")
    }
    return {"ms": med, "factors": factors, "loop": CPU_LOOP, "rounds": rounds}


def make_site(root, variants):
    """The SDK, the bench page script, the baseline and each variant's build with its page."""
    (root / "vendor").mkdir(parents=True)
    shutil.copyfile(run.SDK, root / "vendor" / "rsa.js")
    shutil.copyfile(run.WEB / "bench-page.js", root / "bench-page.js")
    (root / "baseline").mkdir()
    shutil.copyfile(run.BASELINE, root / "baseline" / "heap-baseline.js")
    for name, checkout in variants.items():
        if checkout is None:
            tag = '<script src="/baseline/heap-baseline.js"></script>\n'
        else:
            extra = ["--dev"] if name == DEV else []
            out = str(root / name)
            tag = run.cli(checkout, "build", "--out", out, "--base-url", "/" + name, *extra).stdout
        html = run.page_html(tag, 1, configFromServer=True)
        (root / ("%s.html" % name)).write_text(html, encoding="utf-8")


def summarise(raw, variants, profiles):
    out = {}
    for profile in profiles:
        out[profile] = {}
        for visit_kind in ("cold", "repeat"):
            row = {}
            for variant in variants:
                runs = raw[profile][variant][visit_kind]
                cell = {"first_call_ms": netlab.median(r["first_call_ms"] for r in runs)}
                for label in RESOURCES:
                    for edge in ("start", "end"):
                        cell["%s_%s_ms" % (label, edge)] = netlab.median(
                            (r["times"].get(label) or {}).get(edge) for r in runs
                        )
                for key in ("total", "integration", "requests"):
                    cell["bytes_" + key] = netlab.median(r["bytes"][key] for r in runs)
                names = sorted({m for r in runs for m in r.get("worker_marks", {})})
                if names:
                    cell["worker_marks_ms"] = {
                        m: netlab.median(r["worker_marks"].get(m) for r in runs) for m in names
                    }
                cell["first_call_runs_ms"] = [r["first_call_ms"] for r in runs]
                row[variant] = cell
            base = row.get("baseline")
            for variant, cell in row.items():
                if base and variant != "baseline":
                    cell["ratio_first_call"] = netlab.ratio(
                        cell["first_call_ms"], base["first_call_ms"]
                    )
                    cell["ratios_per_run"] = [
                        netlab.ratio(a, b)
                        for a, b in zip(
                            cell["first_call_runs_ms"], base["first_call_runs_ms"], strict=False
                        )
                    ]
                    for label in ("sdk_script", "config"):
                        key = "%s_end_ms" % label
                        cell["ratio_" + key] = netlab.ratio(cell[key], base[key])
            out[profile][visit_kind] = row
    return out


def brotli_sizes(root, variant):
    """What the integration's files weigh with brotli 11 and gzip 9 (its folder, all files a
    visit fetched: for the baseline, its one script)."""
    folder = root / variant if variant != "baseline" else root / "baseline"
    sizes = {"raw": 0, "gzip": 0, "br": 0}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith((".html", ".json", ".gz", ".br")):
            got = run.compressed_sizes(path.read_bytes())
            for key in sizes:
                sizes[key] += got.get(key, 0)
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 9: on the shared machine one profile's medians of 5 moved by +-0.1 from run to run (the
    # same code as two variants of one run: x1.12 and x1.21); of 10-12 they settle closer.
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--profiles", default="desktop,mobile")
    parser.add_argument("--results", default=str(BENCH / "results-network.json"))
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--cpu-rounds", type=int, default=3)
    parser.add_argument(
        "--no-dev", action="store_true", help="skip the --dev build (its marks: where time goes)"
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also measure checkout DIR's default build, interleaved, as NAME",
    )
    args = parser.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    variants = {"default": REPO}
    variants.update((n, Path(d)) for n, d in (v.split("=", 1) for v in args.variant))
    if not args.no_dev:
        variants[DEV] = REPO
    variants["baseline"] = None
    from playwright.sync_api import sync_playwright

    started = time.time()
    load = {"start": _loadavg()}
    scratch = Path(tempfile.mkdtemp(prefix="heap-device-net-"))
    root = scratch / "site"
    make_site(root, variants)
    raw = {p: {v: {"cold": [], "repeat": []} for v in variants} for p in profiles}
    problems = []
    with sync_playwright() as playwright:
        lab = Lab(playwright, root, scratch)
        try:
            cpu = cpu_check(lab, args.cpu_rounds)
            print("bench network: CPU factors %s" % json.dumps(cpu["factors"]), flush=True)
            for n in range(args.runs):
                order = list(variants) if n % 2 == 0 else list(variants)[::-1]
                for profile in profiles:
                    for variant in order:
                        one_run(lab, profile, variant, raw[profile][variant], n, problems)
        finally:
            lab.close()
    load["end"] = _loadavg()
    sizes = {v: brotli_sizes(root, v) for v in variants}
    shutil.rmtree(scratch, ignore_errors=True)
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commits": {n: run.commit_of(d) for n, d in variants.items() if d is not None},
        "runs": args.runs,
        "seconds": round(time.time() - started),
        "machine": {**run.machine(), "loadavg": load},
        "profiles": {p: netlab.PROFILES[p] for p in profiles},
        "settings": {
            "config_delay_ms": CONFIG_DELAY_S * 1000,
            "heap_js_gzip": HEAP_GZIP,
            "static_cache": STATIC_CACHE,
            "page_cache": PAGE_CACHE,
            "cold_visit_stays_s": LINGER_S,
            "cfs_period_us": netlab.CFS_PERIOD_US,
            "shares_tasks": netlab.SHARES_TASKS,
        },
        "cpu_check": cpu,
        "file_sizes": sizes,
        "summary": summarise(raw, list(variants), profiles),
        "problems": sorted(set(problems)),
        "raw": raw,
    }
    Path(args.results).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print("\n".join(report.network_lines(results)))
    if not args.no_docs:
        main_results = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
        report.write_docs(main_results, REPO / "docs", network=results)
    if problems:
        print("bench network: PROBLEMS:\n  " + "\n  ".join(sorted(set(problems))))
        return 1
    return 0


def one_run(lab, profile, variant, raw, n, problems):
    context, folder = lab.launch(profile)
    try:
        url = "%s/%s.html" % (lab.origin, variant)
        for kind in ("cold", "repeat"):
            linger = LINGER_S if kind == "cold" else 0.0
            got = visit(lab, context, url, variant, netlab.PROFILES[profile], linger)
            raw[kind].append(got)
            if got["errors"]:
                problems.append(
                    "%s %s %s: page errors %s" % (profile, variant, kind, got["errors"][:2])
                )
            if not got["calls"]:
                problems.append("%s %s %s: no Heap call" % (profile, variant, kind))
            print(
                "run %d %-8s %-10s %-6s first call %6.0f ms  sdk %6.0f  config %6.0f  heap.js"
                " asked %6.0f  %7.1f KB (own %6.1f)"
                % (
                    n + 1,
                    profile,
                    variant,
                    kind,
                    got["first_call_ms"],
                    _t(got, "sdk_script", "end"),
                    _t(got, "config", "end"),
                    _t(got, "heap_js", "start"),
                    got["bytes"]["total"] / 1000,
                    got["bytes"]["integration"] / 1000,
                ),
                flush=True,
            )
    finally:
        context.close()
        shutil.rmtree(folder, ignore_errors=True)


def _loadavg():
    """The machine's 1-minute load average (how busy the shared machine was)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _t(got, label, edge):
    value = (got["times"].get(label) or {}).get(edge)
    return -1 if value is None else value


if __name__ == "__main__":
    sys.exit(main())
