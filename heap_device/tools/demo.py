"""The demo site (CPython): the real RudderStack SDK, our snippet, and an inspector, served locally.

`heap-device demo` builds the bundle into a temporary folder, renders templates/demo.html and
serves everything from the local server (tools/server.py), which is also the RudderStack data
plane. With no ``--app-id`` Heap's script is the Heap stand-in, pointed to by the ``scriptUrl`` tag
option, so the demo needs no internet. The page shows a production tag to copy (no debug, no
stand-in).
"""

import json
import shutil
import signal
import tempfile
from pathlib import Path

from heap_device.core.settings import BY_NAME
from heap_device.tools import UsageError, assets
from heap_device.tools.assets import DEMO_STATIC, RUDDERSTACK_UMD, TEMPLATES
from heap_device.tools.bundle import DEFAULT_BOOT, build
from heap_device.tools.precompress import ENCODINGS
from heap_device.tools.server import STANDIN_PATH
from heap_device.tools.server import make_server as make_local_server
from heap_device.tools.snippet import snippet_from

RUNTIME_NAMES = {"micropython": "MicroPython", "pyodide": "Pyodide"}
# The offline demo's environment ID: well-formed, so the settings accept it; never sent anywhere.
OFFLINE_APP_ID = "1234567890"
DATAPLANE_LIMIT = 500  # events kept; the oldest go first
# What a website's tag would carry: the demo's own tag adds debug and (offline) the stand-in.
PRODUCTION_OPTIONS = {"trackPageCalls": True}


def prepare(
    root, app_id=None, runtime="micropython", pyodide_dir=None, boot=DEFAULT_BOOT, transform=None
):
    """Build the bundle and vendor files into ``root``; returns the page's HTML bytes.

    ``transform``: the site's transform file (``heap-device demo --transform FILE``), built in.
    """
    root = Path(root)
    # A dev build: its page announces each message and its Heap calls (heap-device:message,
    # heap-device:calls), which the inspector shows.
    bundle = build(
        root / "heap", runtime, boot, pyodide_dir=pyodide_dir, dev=True, transform=transform
    )
    vendor = root / "vendor"
    vendor.mkdir(exist_ok=True)
    if not RUDDERSTACK_UMD.is_file():
        raise UsageError(f"{RUDDERSTACK_UMD} is missing: {assets.fix_missing()}")
    shutil.copyfile(RUDDERSTACK_UMD, vendor / "rudderstack.js")
    return render_page(bundle, app_id, runtime).encode("utf-8")


def bundle_bytes(folder):
    """Bytes a browser downloads for the bundle: every file in it but our manifest and tag (and
    the precompressed copies: uncompressed bytes)."""
    return sum(
        p.stat().st_size
        for p in Path(folder).rglob("*")
        if p.is_file()
        and not p.name.startswith(("heap-device.files", "heap-device.tag"))
        and not p.name.endswith(tuple(ENCODINGS.values()))
    )


def _size_text(n):
    if n >= 1_000_000:
        return "%.1f MB" % (n / 1_000_000)
    return "%d kB" % round(n / 1000)


def render_page(bundle, app_id, runtime):
    """The demo page's HTML (Jinja, autoescaped): snippet, SDK, forms, inspector."""
    import jinja2
    from markupsafe import Markup

    options = {**PRODUCTION_OPTIONS, "debug": True}
    if app_id is None:
        options["scriptUrl"] = STANDIN_PATH
    tag = snippet_from(bundle, "/heap", json.dumps(options)).strip()
    production_tag = snippet_from(bundle, "/heap", json.dumps(PRODUCTION_OPTIONS)).strip()
    versions = assets.pinned_versions()
    runtime_name = RUNTIME_NAMES[runtime]
    size = bundle_bytes(bundle)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    config = {
        "writeKey": "demo-write-key",
        "destination": {"appId": app_id or OFFLINE_APP_ID, "connectionMode": "device"},
        "offline": app_id is None,
        "runtime": runtime_name,
        "bundleBytes": size,
    }
    return env.get_template("demo.html").render(
        snippet=Markup(tag),
        production_tag=production_tag,
        production_options=json.dumps(PRODUCTION_OPTIONS, indent=2),
        demo_options=json.dumps(options, indent=2),
        config=config,
        offline=app_id is None,
        app_id=app_id or OFFLINE_APP_ID,
        runtime_name=runtime_name,
        runtime_version=versions.get(assets.RUNTIME_PACKAGES[runtime_name], "?"),
        sdk_version=versions.get(assets.RUDDERSTACK_PACKAGE, "?"),
        bundle_size=_size_text(size),
    )


def make_server(
    host="127.0.0.1",
    port=8000,
    app_id=None,
    runtime="micropython",
    root=None,
    pyodide_dir=None,
    boot=DEFAULT_BOOT,
    transform=None,
):
    """Prepare the demo in ``root`` (a new temporary folder by default) and bind its server.

    ``port`` is checked where the command line reads it (cli.py).
    """
    app_id = _checked_app_id(app_id)
    own_root = root is None
    root = Path(tempfile.mkdtemp(prefix="heap-device-demo-") if own_root else root)
    try:
        page = prepare(root, app_id, runtime, pyodide_dir, boot, transform)
        server = make_local_server(
            root,
            host,
            port,
            pages={"/": page, "/index.html": page},
            mounts={"/demo/": DEMO_STATIC},
            limit=DATAPLANE_LIMIT,
        )
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
    server.own_root = root if own_root else None
    return server


def _checked_app_id(app_id):
    """--app-id, checked as the settings check appId (core/settings.py declares it once)."""
    if app_id is None:
        return None
    setting = BY_NAME["appId"]
    clean = setting.check(app_id)
    if clean is None:
        raise UsageError(f"--app-id {app_id!r} is not {setting.accepts}")
    return clean


def close(server):
    """Stop serving and remove the temporary folder the server made."""
    server.server_close()
    if server.own_root is not None:
        shutil.rmtree(server.own_root, ignore_errors=True)


def run(
    host="127.0.0.1",
    port=8000,
    app_id=None,
    runtime="micropython",
    pyodide_dir=None,
    transform=None,
):
    """The ``demo`` subcommand: serve until Ctrl-C; returns the exit status."""
    server = make_server(host, port, app_id, runtime, pyodide_dir=pyodide_dir, transform=transform)
    mode = "Heap environment %s (real Heap CDN)" % app_id if app_id else "offline Heap stand-in"
    print("heap-device demo: %s, %s" % (RUNTIME_NAMES[runtime], mode))
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
