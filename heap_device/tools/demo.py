"""The demo site (CPython): the real RudderStack SDK, our snippet, and an inspector, served locally.

`heap-device demo` builds the bundle into a temporary folder, renders templates/demo.html and
serves everything from one small local server that is also the RudderStack data plane: POST
``/v1/*`` is answered 200 and kept, and GET ``/__dataplane`` returns what was kept as JSON. With no
``--app-id`` Heap's script is a local stand-in (static/demo/heap-standin.js) that records calls,
pointed to by the ``scriptUrl`` tag option, so the demo needs no internet.
"""

import json
import shutil
import signal
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET6
from urllib.parse import parse_qs, urlsplit

from heap_device.tools import UsageError
from heap_device.tools.assets import NODE_MODULES, REPO_DIR, TEMPLATES
from heap_device.tools.bundle import build
from heap_device.tools.server import BUNDLE_TYPES
from heap_device.tools.snippet import snippet

DEMO_STATIC = REPO_DIR / "static" / "demo"
RUDDERSTACK_PACKAGE = NODE_MODULES / "@rudderstack" / "analytics-js"
RUDDERSTACK_UMD = RUDDERSTACK_PACKAGE / "dist" / "npm" / "modern" / "bundled" / "umd" / "index.js"
RUNTIME_PACKAGES = {
    "micropython": ("MicroPython", "@micropython/micropython-webassembly-pyscript"),
    "pyodide": ("Pyodide", "pyodide"),
}
STANDIN_PATH = "/heap-standin.js"
# The offline demo's environment ID: well-formed, so the settings accept it; never sent anywhere.
OFFLINE_APP_ID = "1234567890"
DATAPLANE_LIMIT = 500  # events kept; the oldest go first
BODY_LIMIT = 1_000_000  # bytes read from one data plane POST


class Demo:
    """Everything the server hands out: the rendered page, the file tree, the data plane log."""

    def __init__(self, root, app_id, runtime):
        self.root = Path(root)
        self.app_id = app_id
        self.runtime = runtime
        self.started = time.time()
        self.lock = threading.Lock()
        self.events = []  # [{"n", "path", "t", "body"}], oldest first
        self.received = 0
        self.page = b""

    def record(self, path, raw):
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self.lock:
            self.received += 1
            self.events.append(
                {"n": self.received, "path": path, "t": time.time() * 1000, "body": body}
            )
            del self.events[:-DATAPLANE_LIMIT]

    def events_since(self, n):
        with self.lock:
            return [e for e in self.events if e["n"] > n]


def prepare(root, app_id=None, runtime="micropython"):
    """Build the bundle and vendor files into ``root`` and render the page; returns a Demo."""
    demo = Demo(root, app_id, runtime)
    bundle = build(demo.root / "heap", runtime)
    vendor = demo.root / "vendor"
    vendor.mkdir(exist_ok=True)
    if not RUDDERSTACK_UMD.is_file():
        raise UsageError(f"{RUDDERSTACK_UMD} is missing: run npm ci in {REPO_DIR}")
    shutil.copyfile(RUDDERSTACK_UMD, vendor / "rudderstack.js")
    demo.page = render_page(demo, bundle_bytes(bundle)).encode("utf-8")
    return demo


def bundle_bytes(folder):
    """Bytes a browser downloads for the bundle: every file in it."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def _version(package_dir):
    try:
        meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "?"
    return str(meta.get("version", "?"))


def _size_text(n):
    if n >= 1_000_000:
        return "%.1f MB" % (n / 1_000_000)
    return "%d kB" % round(n / 1000)


def render_page(demo, size):
    """The demo page's HTML (Jinja, autoescaped): snippet, SDK, forms, inspector."""
    import jinja2
    from markupsafe import Markup

    options = {"debug": True, "trackPageCalls": True}
    if demo.app_id is None:
        options["scriptUrl"] = STANDIN_PATH
    runtime_name, package = RUNTIME_PACKAGES[demo.runtime]
    tag = snippet("/heap", json.dumps(options), demo.runtime).strip()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    config = {
        "writeKey": "demo-write-key",
        "destination": {"appId": demo.app_id or OFFLINE_APP_ID, "connectionMode": "device"},
        "offline": demo.app_id is None,
        "runtime": runtime_name,
        "bundleBytes": size,
    }
    return env.get_template("demo.html").render(
        snippet=Markup(tag),
        snippet_text=tag,
        options=json.dumps(options, indent=2),
        config=config,
        offline=demo.app_id is None,
        app_id=demo.app_id or OFFLINE_APP_ID,
        runtime_name=runtime_name,
        runtime_version=_version(NODE_MODULES / package),
        sdk_version=_version(RUDDERSTACK_PACKAGE),
        bundle_size=_size_text(size),
    )


class Handler(SimpleHTTPRequestHandler):
    """Static files with the right MIME types, the page at /, and the local data plane."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **BUNDLE_TYPES}
    demo = None  # set per server by make_server

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def translate_path(self, path):
        # /demo/* and the Heap stand-in come straight from the repo; the rest from the built root.
        clean = urlsplit(path).path
        if clean.startswith("/demo/") or clean == STANDIN_PATH:
            name = clean.rpartition("/")[2]
            if name and "\\" not in name and not name.startswith("."):
                return str(DEMO_STATIC / name)
        return super().translate_path(path)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", self.demo.page)
        elif url.path == "/__dataplane":
            try:
                since = int(parse_qs(url.query).get("since", ["0"])[0])
            except ValueError:
                since = 0
            body = json.dumps({"events": self.demo.events_since(since)}).encode("utf-8")
            self._send(200, "application/json", body)
        else:
            super().do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not urlsplit(self.path).path.startswith("/v1/") or length > BODY_LIMIT:
            self.rfile.read(min(length, BODY_LIMIT))
            self._send(404, "text/plain", b"not a data plane path")
            return
        self.demo.record(urlsplit(self.path).path, self.rfile.read(length))
        self._send(200, "text/plain", b"OK")

    def _send(self, status, kind, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the terminal for the URL and errors
        pass


def make_server(host="127.0.0.1", port=8000, app_id=None, runtime="micropython", root=None):
    """Prepare the demo in ``root`` (a new temporary folder by default) and bind its server."""
    if app_id is not None and not (app_id.isdigit() and app_id.isascii() and len(app_id) <= 32):
        raise UsageError(f"--app-id {app_id!r} is not a Heap environment ID (digits only)")
    own_root = root is None
    root = Path(tempfile.mkdtemp(prefix="heap-device-demo-") if own_root else root)
    try:
        demo = prepare(root, app_id, runtime)
        handler = type("DemoHandler", (Handler,), {"demo": demo})
        server_class = ThreadingHTTPServer
        if ":" in host:  # an IPv6 address such as ::1
            server_class = type("Server6", (ThreadingHTTPServer,), {"address_family": AF_INET6})
        server = server_class((host, port), partial(handler, directory=str(root)))
    except OSError as exc:
        if own_root:
            shutil.rmtree(root, ignore_errors=True)
        raise UsageError(
            f"cannot serve on {host}:{port} ({exc.strerror or exc}); try another port: "
            f"--port {port + 1} (or make demo PORT={port + 1})"
        ) from None
    except BaseException:
        if own_root:
            shutil.rmtree(root, ignore_errors=True)
        raise
    server.daemon_threads = True
    server.demo = demo
    server.own_root = root if own_root else None
    shown = "[%s]" % host if ":" in host else host
    server.url = "http://%s:%d/" % (shown, server.server_address[1])
    return server


def close(server):
    """Stop serving and remove the temporary folder the server made."""
    server.server_close()
    if server.own_root is not None:
        shutil.rmtree(server.own_root, ignore_errors=True)


def run(host="127.0.0.1", port=8000, app_id=None, runtime="micropython"):
    """The ``demo`` subcommand: serve until Ctrl-C; returns the exit status."""
    server = make_server(host, port, app_id, runtime)
    mode = "Heap environment %s (real Heap CDN)" % app_id if app_id else "offline Heap stand-in"
    print("heap-device demo: %s, %s" % (RUNTIME_PACKAGES[runtime][0], mode))
    print("heap-device demo: open %s  (Ctrl-C stops)" % server.url, flush=True)
    try:
        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with `&`
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nheap-device demo: stopped")
    finally:
        close(server)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
