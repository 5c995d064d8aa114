"""The one local web server of the demo, the e2e tests and the bench.

It serves a folder with the MIME types a bundle needs (browsers refuse ``.mjs`` and ``.wasm``
served with the wrong type), the Heap stand-in at ``/heap-standin.js``, and is the RudderStack
data plane: POST ``/v1/*`` is answered 200 and kept, GET ``/__dataplane?since=N`` returns what was
kept as JSON. What only tests and the bench add to it (headers and MIME types set wrong on
purpose, a list of requests, a background thread) lives in ``e2e/served.py``, outside the wheel.
"""

import json
import re
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from socket import AF_INET6
from urllib.parse import parse_qs, urlsplit

from heap_device.tools.assets import DEMO_STATIC
from heap_device.tools.bundle import is_content_addressed
from heap_device.tools.check import CACHED_FOR_GOOD

BUNDLE_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".py": "text/plain; charset=utf-8",
    ".mpy": "application/octet-stream",
    ".bin": "application/octet-stream",
    ".json": "application/json",
    ".zip": "application/zip",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
# The stand-in for Heap's heap.js: records calls on window.__heapCalls, sends nothing.
STANDIN = DEMO_STATIC / "heap-standin.js"
STANDIN_PATH = "/heap-standin.js"
# Heap's loader URLs, on any host (tests answer them with the stand-in).
HEAP_SCRIPT = re.compile(r"^https://[^/]+/(config/\d+/heap_config\.js|js/heap-\d+\.js)$")
BODY_LIMIT = 8_000_000  # bytes read from one data plane POST (the e2e bad input sends 1 MB)


class DataPlane:
    """What the RudderStack SDK posted, oldest first; keeps the last ``limit`` (None: all)."""

    def __init__(self, limit=None):
        self.limit = limit
        self.lock = threading.Lock()
        self.events = []  # [{"n", "path", "t", "body", "text"}]
        self.received = 0

    def record(self, path, raw):
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = text
        with self.lock:
            self.received += 1
            event = {"n": self.received, "path": path, "t": time.time() * 1000, "body": body}
            self.events.append({**event, "text": text})
            if self.limit is not None:
                del self.events[: max(0, len(self.events) - self.limit)]

    def events_since(self, n):
        """Events numbered above ``n``, as /__dataplane returns them (without the raw text)."""
        with self.lock:
            return [{k: v for k, v in e.items() if k != "text"} for e in self.events if e["n"] > n]

    def posts(self):
        """[(path, body text)] of every kept POST."""
        with self.lock:
            return [(e["path"], e["text"]) for e in self.events]


def _starts(path):
    """Where each segment of a URL path starts: a build may sit in any folder of a site."""
    return [0] + [i + 1 for i, c in enumerate(path) if c == "/"]


class Handler(SimpleHTTPRequestHandler):
    """Static files, ``pages`` (path -> bytes), ``mounts`` (path -> file), the data plane."""

    def end_headers(self):
        self.send_header("Cache-Control", self.cache_control())
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def send_response(self, code, message=None):
        self.status = code
        super().send_response(code, message)

    def cache_control(self):
        """As a site should serve a build: a file named by its content is cached for good; any
        other answer (pages, the manifest, the data plane, errors) is asked for every time."""
        path = urlsplit(self.path).path.lstrip("/")
        if getattr(self, "status", None) == 200 and any(
            is_content_addressed(path[i:]) for i in _starts(path)
        ):
            return CACHED_FOR_GOOD
        return "no-cache"

    def guess_type(self, path):
        for suffix, kind in BUNDLE_TYPES.items():
            if str(path).endswith(suffix):
                return kind
        return super().guess_type(path)

    def translate_path(self, path):
        clean = urlsplit(path).path
        if clean in self.server.mounts:
            return str(self.server.mounts[clean])
        for prefix, folder in self.server.mounts.items():
            if prefix.endswith("/") and clean.startswith(prefix):
                name = clean[len(prefix) :]
                if name and "/" not in name and "\\" not in name and not name.startswith("."):
                    return str(folder / name)
        return super().translate_path(path)

    def do_GET(self):
        url = urlsplit(self.path)
        page = self.server.pages.get(url.path)
        if page is not None:
            self._send(200, "text/html; charset=utf-8", page)
        elif url.path == "/__dataplane":
            try:
                since = int(parse_qs(url.query).get("since", ["0"])[0])
            except ValueError:
                since = 0
            body = json.dumps({"events": self.server.dataplane.events_since(since)})
            self._send(200, "application/json", body.encode("utf-8"))
        else:
            super().do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        path = urlsplit(self.path).path
        if not path.startswith("/v1/") or length > BODY_LIMIT:
            self.rfile.read(min(length, BODY_LIMIT))
            self._send(404, "text/plain", b"not a data plane path")
            return
        self.server.dataplane.record(path, self.rfile.read(length))
        self._send(200, "text/plain", b"OK")

    def _send(self, status, kind, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the terminal for the URL and errors
        pass


def make_server(
    root, host="127.0.0.1", port=0, pages=None, mounts=None, limit=None, handler=Handler
):
    """Bind a server for ``root`` (not yet serving); OSError if the address cannot be used.

    ``pages``: {path: HTML bytes}; ``mounts``: {path: file, or "/prefix/": folder};
    ``limit``: data plane events kept; ``handler``: a Handler subclass.
    """
    server_class = ThreadingHTTPServer
    if ":" in host:  # an IPv6 address such as ::1
        server_class = type("Server6", (ThreadingHTTPServer,), {"address_family": AF_INET6})
    server = server_class((host, port), partial(handler, directory=str(root)))
    server.daemon_threads = True
    server.pages = dict(pages or {})
    server.mounts = {STANDIN_PATH: STANDIN, **(mounts or {})}
    server.dataplane = DataPlane(limit)
    shown = "[%s]" % host if ":" in host else host
    server.origin = "http://%s:%d" % (shown, server.server_address[1])
    server.url = server.origin + "/"
    return server
