"""Real builds, and a web of fake answers for `heap-device check` (no server, no thread).

``built(boot)`` builds once per test run (a worker build, or --boot pyscript) with the tag for
/heap. ``Web`` answers check's requests as our local server would (tools/server.py: its MIME
types, its Cache-Control, a build's .br/.gz copies sent when the request accepts them), with
knobs to serve it wrong: headers, types, redirects, and any answer replaced by hand.
"""

import atexit
import contextlib
import io
import shutil
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from heap_device.tools import check, cli
from heap_device.tools.bundle import BOOTS, is_content_addressed, logical_name
from heap_device.tools.output import read_manifest
from heap_device.tools.precompress import ENCODINGS
from heap_device.tools.server import BUNDLE_TYPES

# The build without PyScript (a worker, no 'unsafe-eval'), whatever it is called.
STRICT = next(b for b in BOOTS if b != "pyscript")


@cache
def built(boot=STRICT):
    """A build folder (shared: copy it before changing it) with its tag for /heap."""
    root = Path(tempfile.mkdtemp(prefix="heap-device-check-"))
    atexit.register(shutil.rmtree, root, True)
    args = ["build", "--out", str(root), "--base-url", "/heap", "--boot", boot]
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(args) == 0
    return root


def copy_of(boot, folder):
    shutil.copytree(built(boot), folder)
    return folder


def served(folder, logical):
    """The name the build in ``folder`` serves a file under (named by its content)."""
    [name] = [n for n in read_manifest(folder)["files"] if logical_name(n) == logical]
    return name


def tag_of(folder):
    return (Path(folder) / "heap-device.tag.html").read_text(encoding="utf-8")


def page_with(*tags, head="", body="shop"):
    return "<!doctype html><html><head>%s%s</head><body>%s</body></html>" % (
        head,
        "".join(tags),
        body,
    )


def answer(url, status=200, headers=(), body=b"", encoding=None):
    headers = list(headers)
    if encoding:
        headers.append(("Content-Encoding", encoding))
    return check.Answer(url, status, headers, body)


class Site:
    """One origin: ``pages`` ({path: HTML}), folders ({"/heap/": folder}), and the knobs."""

    def __init__(self, origin="https://shop.test", pages=None, folders=None, headers=None):
        self.origin = origin
        self.pages = dict(pages or {})
        self.folders = dict(folders or {})
        self.headers = dict(headers or {})  # on every answer
        self.path_headers = {}  # {path: {name: value}}
        self.types = {}  # {suffix: MIME type}, over the server's
        self.redirects = {}  # {path: URL}
        self.replaced = {}  # {(path, Accept-Encoding): Answer}
        self.precompressed = True

    def answer(self, url, accept):
        path = urlsplit(url).path
        if (path, accept) in self.replaced:
            return self.replaced[(path, accept)]
        extra = {**self.headers, **self.path_headers.get(path, {})}
        if path in self.pages:
            html = self.pages[path].encode("utf-8")
            return answer(url, 200, [("Content-Type", "text/html"), *extra.items()], html)
        for prefix, folder in self.folders.items():
            if path.startswith(prefix) and (folder / path[len(prefix) :]).is_file():
                return self._file(url, folder / path[len(prefix) :], accept, extra)
        return answer(url, 404, [("Content-Type", "text/html"), *extra.items()], b"")

    def _file(self, url, file, accept, extra):
        headers = {"Content-Type": self._type(file.name)}
        headers["Cache-Control"] = (
            check.CACHED_FOR_GOOD if is_content_addressed(_bundle_path(url)) else "no-cache"
        )
        headers.update(extra)
        accepted = {a.strip() for a in (accept or "").split(",")}
        for encoding, suffix in ENCODINGS.items():
            copy = file.with_name(file.name + suffix)
            if self.precompressed and encoding in accepted and copy.is_file():
                headers["Vary"] = "Accept-Encoding"
                return answer(url, 200, headers.items(), copy.read_bytes(), encoding)
        return answer(url, 200, headers.items(), file.read_bytes())

    def _type(self, name):
        for types in (self.types, BUNDLE_TYPES):  # the knobs first
            for suffix, kind in types.items():
                if name.endswith(suffix):
                    return kind
        return "application/octet-stream"


def _bundle_path(url):
    return urlsplit(url).path.split("/", 2)[-1]


class Web:
    """check's ``fetch`` over Sites, by origin; ``asked`` keeps every (URL, Accept-Encoding)."""

    def __init__(self, *sites):
        self.sites = {site.origin: site for site in sites}
        self.asked = []

    def __call__(self, url, origin=None, accept=None):
        self.asked.append((url, accept))
        parts = urlsplit(url)
        site = self.sites.get("%s://%s" % (parts.scheme, parts.netloc))
        if site is None:
            return check.Answer(url, None, [], b"", "Name or service not known")
        if parts.path in site.redirects:  # urllib follows redirects: the answer is the target's
            return self(site.redirects[parts.path], origin, accept)
        got = site.answer(url, accept)
        got.asked = accept
        return got


def run(web, url, *args, **options):
    """(exit status, [lines check printed]) of check against ``web``."""
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

    status = check.run(url, *args, out=Out(), fetch=web, **options)
    return status, "".join(lines).splitlines()


PREFIX = "heap-device check: "


def problems(lines):
    """The problem lines (without the prefix), not the notes, the bytes or the verdict."""
    return [
        line[len(PREFIX) :]
        for line in lines
        if not line.startswith((PREFIX + "note: ", PREFIX + "bytes: "))
        and not line.endswith(("problem(s) found",))
        and not line.startswith(PREFIX + "sound: ")
    ]


def notes(lines):
    return [line[len(PREFIX + "note: ") :] for line in lines if line.startswith(PREFIX + "note: ")]
