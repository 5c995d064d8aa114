"""The one local server (heap_device/tools/server.py) with what only tests and the bench need.

``headers`` (on every answer) and ``path_headers`` ({path: {name: value}}) are sent besides the
server's own, ``types`` ({suffix: MIME type}) win over its types: the tests of ``heap-device
check`` set them wrong on purpose. ``note_gets`` lists every GET path in ``server.fetched`` (the
bench). ``precompressed=False``: a server that ignores a build's .br and .gz copies. ``hold``
keeps a file unanswered until the test lets it go, so a test decides what comes first instead of
hoping for it. ``start`` serves from a background thread on a free port; ``start_demo`` does
the same for `heap-device demo`'s server. None of it ships in the wheel.
"""

import threading
from urllib.parse import urlsplit

from heap_device.tools import demo
from heap_device.tools import server as local_server


class Handler(local_server.Handler):
    def end_headers(self):
        for name, value in self._extra().items():
            if name.lower() != "cache-control":
                self.send_header(name, value)
        super().end_headers()

    def _extra(self):
        return {**self.server.headers, **self.server.path_headers.get(urlsplit(self.path).path, {})}

    def cache_control(self):
        given = {k.lower(): v for k, v in self._extra().items()}.get("cache-control")
        return given or super().cache_control()

    def guess_type(self, path):
        for suffix, kind in self.server.types.items():
            if str(path).endswith(suffix):
                return kind
        return super().guess_type(path)

    def _send_precompressed(self):
        return self.server.precompressed and super()._send_precompressed()

    def do_GET(self):
        path = urlsplit(self.path).path
        if self.server.fetched is not None:
            self.server.fetched.append(path)
        for suffix, released in list(self.server.held.items()):
            if path.endswith(suffix):
                released.wait(60)  # a test that forgot to let go fails on its own timeouts
        super().do_GET()


def make_server(
    root,
    headers=None,
    types=None,
    path_headers=None,
    note_gets=False,
    precompressed=True,
    **options,
):
    """tools/server.py's make_server, with the knobs above."""
    server = local_server.make_server(root, handler=Handler, **options)
    server.precompressed = precompressed
    server.headers = dict(headers or {})
    server.path_headers = dict(path_headers or {})
    server.types = dict(types or {})
    server.fetched = [] if note_gets else None
    server.held = {}  # {path suffix: threading.Event}, see hold
    return server


def hold(server, suffix):
    """Answer no GET for a path ending in ``suffix`` until the returned function is called."""
    released = threading.Event()
    server.held[suffix] = released

    def release():
        server.held.pop(suffix, None)
        released.set()

    return release


def start(root, **options):
    """A server for ``root`` on a free 127.0.0.1 port, serving from a background thread."""
    server = make_server(root, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


def start_demo(root, **options):
    """`heap-device demo`'s server (tools/demo.py) for ``root`` on a free 127.0.0.1 port, in a
    background thread; ``options``: demo.make_server's (app_id, runtime, boot, transform...)."""
    server = demo.make_server("127.0.0.1", 0, root=root, **options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_demo(server):
    server.shutdown()
    demo.close(server)
