"""``heap-device check URL``: is a deployed bundle sound? One line per problem, each with its fix.

URL is a page of the site holding the heap-device tag (then the tag, the page's CSP and its origin
are read from it), or the bundle's base URL. check reads as its phases, each a function of one
``Context`` that a test can call with recorded answers instead of a server:

1. ``find_tag``: the page, its heap-device tag (after redirects), where the bundle is;
2. ``read_entry``: the entry file the tag loads, its BUILD, the build uploaded last;
3. ``fetch_files``: every file of the build, each asked for in every encoding (none, br, gzip,
   zstd) separately and once more as a browser asks (all at once); the chain of hashes is
   followed as files come in: the entry's ``BUILD.integrity`` names files, a script among them
   (the runtime module) names more in its own;
4. ``check_answers``: what a browser refuses before reading a byte: a missing file, a wrong
   MIME type, missing cross-origin headers;
5. ``compare_hashes``: each answer decoded and compared with the hash the chain carries for it
   (the tag's SRI for the entry), or, where no hash is carried, with the file's other encodings;
6. ``check_caching`` and ``report_bytes``: files named by their content cached for good, other
   names revalidated; what a cold visit downloads, and what compression would save;
7. ``check_policies``: the page's Content-Security-Policy (and the worker's own) allows it all.

Exit status 0 when sound, 1 if not; notes (what costs the site something but breaks nothing)
do not change it.
"""

import http.client
import json
import re
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from heap_device.tools import UsageError, precompress
from heap_device.tools.bundle import (
    BOOTS,
    BUILD_LINE,
    ENTRY,
    MODULE_PACK,
    RUNTIME_FILES,
    build_of,
    content_hash,
    is_content_addressed,
    is_entry_name,
    served_name,
)
from heap_device.tools.output import MANIFEST, TAG_FILE
from heap_device.tools.policy import (
    JAVASCRIPT_TYPES,
    SCRIPT_TYPES,
    effective,
    inline_allowed,
    inline_hash,
    is_rudderstack_snippet,
    is_strict_dynamic,
    nonces_of,
    origin_of,
    parse_policy,
    rudderstack_needs,
    script_tag_allowed,
    sources_allow,
)
from heap_device.tools.snippet import check_base_url, parse_options
from heap_device.tools.snippet import integrity as sri_of

TIMEOUT_S = 20
# The boot that needs no 'unsafe-eval' (PyScript's core evaluates strings).
STRICT_BOOT = next(b for b in BOOTS if b != "pyscript")
# Hosts whose http: pages are still secure contexts (browsers verify files there).
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
# Content-Encodings browsers decode (what Chromium sends in Accept-Encoding).
BROWSER_ENCODINGS = {"gzip", "x-gzip", "deflate", "br", "zstd"}
# What check relies on in the runtime module (static/heap-device-runtime.js, startInterpreter):
# in the worker it answers the interpreter's own fetch of each non-script file its BUILD.integrity
# names with the verified bytes, typed application/wasm for a .wasm: the server's type for the
# .wasm then does not matter. On the page (no worker) the interpreter fetches the file itself.
# tests/test_check_files.py fails if the module stops doing so.
WORKER_ANSWERS_WASM = True


# What a browser accepts, all at once, exactly as Chromium sends it: some servers answer it
# otherwise than each encoding alone (Apache's mod_deflate gzips a .br copy only for a request
# that accepts both; Caddy's `encode zstd gzip` answers zstd to it, and gzip without zstd).
BROWSER_ACCEPTS = "gzip, deflate, br, zstd"


def encodings_asked():
    """The Accept-Encoding of each request check makes for a file: none ("identity": what the
    others are held to), each compression it can read alone, then all at once as a browser asks."""
    return ["identity"] + precompress.readable() + [BROWSER_ACCEPTS]


class Answer:
    """One answer: the URL it came from (after redirects), status (None when nothing answered,
    then ``error`` says why), headers [(name, value)], the bytes as sent; ``asked`` is the
    Accept-Encoding of the request. ``body`` is the file decoded (None when it cannot be: then
    ``undecodable`` says why)."""

    def __init__(self, url, status, headers=(), sent=b"", error=None, asked=None):
        self.url, self.status, self.headers = url, status, list(headers)
        self.sent, self.error, self.asked = sent, error, asked
        self._decoded = None

    def header(self, name):
        found = self.header_all(name)
        return found[0] if found else None

    def header_all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def encoding(self):
        """The Content-Encoding as sent, lowercased ("br", "br, gzip"), None for none."""
        value = ", ".join(v.strip() for v in self.header_all("Content-Encoding") if v.strip())
        return value.lower() or None

    def mime(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def _decode(self):
        if self._decoded is None:
            try:
                self._decoded = (precompress.decode(self.sent, self.encoding()), None)
            except precompress.CannotDecode as exc:
                self._decoded = (None, exc)
        return self._decoded

    @property
    def body(self):
        return self._decode()[0]

    @property
    def undecodable(self):
        """Why the body does not decode, in words (None when it does)."""
        why = self._decode()[1]
        return str(why) if why is not None else None

    @property
    def window_too_large(self):
        """The zstd window that browsers refuse to give this body (None: not the trouble)."""
        why = self._decode()[1]
        return why.window if isinstance(why, precompress.WindowTooLarge) else None

    def ok(self):
        return self.status == 200


def fetch(url, origin=None, accept=None):
    """GET ``url`` as a browser would (an Origin header when the page is elsewhere; Accept-Encoding
    ``accept``, by default what check reads); never raises: an Answer says what happened."""
    accept = accept or ", ".join(precompress.readable())
    request = urllib.request.Request(url, headers={"User-Agent": "heap-device-check"})
    request.add_header("Accept-Encoding", accept)
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            sent = answer.read()
            return Answer(
                answer.geturl(), answer.status, answer.headers.items(), sent, None, accept
            )
    except urllib.error.HTTPError as exc:
        headers = exc.headers.items() if exc.headers is not None else []
        return Answer(exc.geturl() or url, exc.code, headers, b"", None, accept)
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        why = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        return Answer(url, None, [], b"", str(why), accept)


class _Page(HTMLParser):
    """What check reads in a page: the heap-device tags, the <meta> policies that count (in the
    head: browsers ignore one in the body), the inline scripts that run, every script's src."""

    # Elements that may stand in a head; any other one starts the body.
    HEAD = {"html", "head", "meta", "title", "link", "script", "style", "base", "noscript"}
    HEAD |= {"template"}

    def __init__(self):
        super().__init__()
        self.tags = []  # [attrs] of each heap-device tag
        self.csp = []
        self.inline = []  # [(text, nonce)] of the scripts that run
        self.srcs = []  # [attrs] of every <script src>
        self._reading = None  # the inline script being read: [text parts, nonce]
        self._in_body = False
        self._raw = 0  # inside <script>, <style> or <title>: text there is no body content

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "body" or tag not in self.HEAD:
            self._in_body = True
        if tag in ("script", "style", "title"):
            self._raw += 1
        src = attrs.get("src", "").split("?")[0]
        if tag == "script" and is_entry_name(src.rsplit("/", 1)[-1]):
            self.tags.append(attrs)
        if tag == "script" and src:
            self.srcs.append(attrs)
        elif tag == "script" and attrs.get("type", "").strip().lower() in SCRIPT_TYPES:
            self._reading = [[], attrs.get("nonce")]
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy":
            if not self._in_body:
                self.csp.append(attrs.get("content", ""))

    def handle_data(self, data):
        if self._reading is not None:
            self._reading[0].append(data)
        elif not self._raw and data.strip():
            self._in_body = True  # text: the body has begun

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._raw = max(0, self._raw - 1)
        if tag == "head":
            self._in_body = True
        if tag == "script" and self._reading is not None:
            # The browser hashes the text as parsed: line breaks normalised to \n.
            text = "".join(self._reading[0]).replace("\r\n", "\n").replace("\r", "\n")
            self.inline.append((text, self._reading[1]))
            self._reading = None


def parse_html(text):
    parser = _Page()
    parser.feed(text)
    return parser


class Context:
    """One run of check: what it was given, what it fetched, what it found, and its output.

    ``fetch(url, origin, accept)`` gets one answer (tests give recorded ones instead).
    """

    def __init__(self, url, fetch=fetch, tag_file=None, integrity=None, page_url=None, out=None):
        self.url, self.fetch, self.page_url = url, fetch, page_url
        self.given_integrity = integrity
        self.given_tag = _read_tag(tag_file) if tag_file else None
        self.out = out or sys.stdout
        self.problems = []
        self.page = None  # the page's Answer
        self.html = None  # what parse_html read in it
        self.tag = None  # the page's heap-device tag (its attributes)
        self.untagged = False  # URL is a page without our tag
        self.base = self.entry_name = None
        self.manifest, self.listed = {}, None
        self.build = None  # the entry's BUILD
        self.names = []  # the build's files, as served, relative to base
        self.answers = {}  # {name: {Accept-Encoding asked: Answer}}
        self.expected = {}  # {name: (SRI, who says so)}

    # ------------------------------------------------------------ saying things

    def report(self, text):
        self.problems.append(text)
        self.say(text)

    def note(self, text):  # costs the site something, breaks nothing
        self.say("note: " + text)

    def say(self, text):
        print("heap-device check: " + text, file=self.out)

    # ------------------------------------------------------------ what the phases share

    @property
    def page_origin(self):
        return origin_of(self.page.url) if self.page is not None else None

    @property
    def cross(self):
        """The bundle on another origin than the page's (None when there is no page)."""
        return self.page is not None and origin_of(self.base) != self.page_origin

    def get(self, name, accept=None):
        """The answer for a file of the build (``accept``: one encoding, or a browser's list)."""
        return self.fetch(self.base + "/" + name, self.page_origin if self.cross else None, accept)

    def url_of(self, name):
        return self.base + "/" + name

    def visit(self, name):
        """The answer a browser gets (asked as a browser asks), else the plain one."""
        answers = self.answers.get(name, {})
        got = answers.get(BROWSER_ACCEPTS)
        return got if got is not None and got.ok() else answers.get("identity")

    def distinct(self, name):
        """{Accept-Encoding: Answer} of a file, an answer the same as one before it left out
        (a browser's request mostly gets what one of the single ones got: said once)."""
        kept, seen = {}, set()
        for accept, got in self.answers.get(name, {}).items():
            key = (got.status, got.encoding(), got.mime(), got.sent)
            if key not in seen:
                seen.add(key)
                kept[accept] = got
        return kept

    @property
    def paths(self):
        paths = (self.build or {}).get("paths")
        return paths if isinstance(paths, dict) else {}

    @property
    def boot(self):
        return (self.build or {}).get("boot")

    @property
    def runtime_script(self):
        """The served name of the worker's script (None: the build starts no worker)."""
        name = (self.build or {}).get("runtimeScript")
        return served_name(name, self.paths) if isinstance(name, str) else None

    @property
    def entry_sri(self):
        got = self.answers.get(self.entry_name, {}).get("identity")
        return sri_of(got.body) if got is not None and got.body is not None else None

    @property
    def fix_base(self):
        """The --base-url a fix should name: the build's own, else the path on the page's origin."""
        return _base_url_to_suggest(self.base, self.manifest, self.page_origin)


# ---------------------------------------------------------------- 1. find the tag


def find_tag(ctx):
    """Read the page (or take URL as the bundle's base URL); False when nothing more can be
    checked."""
    if not re.match(r"https?://", ctx.url, re.IGNORECASE):
        raise UsageError(f"check {ctx.url!r}: give the full URL, e.g. https://www.example.com/heap")
    first = ctx.fetch(ctx.url, None, None)
    if first.status is None:
        ctx.report(f"cannot reach {ctx.url} ({first.error}): check the URL and that the site is up")
        return False
    if first.ok() and first.mime() == "text/html":
        html = parse_html((first.body or b"").decode("utf-8", "replace"))
        if html.tags:  # else a page without the tag, or a folder listing (the base URL)
            ctx.page, ctx.html = first, html
        else:
            ctx.untagged = True
    if ctx.page is None and ctx.page_url is not None:
        page = ctx.fetch(ctx.page_url, None, None)
        if not page.ok():
            ctx.report(
                f"--page {ctx.page_url} answered {page.status or page.error}: give a page that "
                "loads"
            )
        else:
            ctx.page = page
            ctx.html = parse_html((page.body or b"").decode("utf-8", "replace"))
    if ctx.page is first:
        ctx.tag = ctx.html.tags[0]
        # Relative to where the page was found, after any redirect: that is what browsers do.
        ctx.base, ctx.entry_name = _split_src(urljoin(ctx.page.url, ctx.tag["src"]))
        _say_tags_of_other_builds(ctx)
    else:
        ctx.base, ctx.entry_name = first.url.split("?")[0].rstrip("/"), None
        if is_entry_name(ctx.base.rsplit("/", 1)[-1]):
            ctx.base, ctx.entry_name = _split_src(ctx.base)
    _say_where_nothing_is_verified(ctx)
    return True


def _say_tags_of_other_builds(ctx):
    loads = []
    for tag in ctx.html.tags:
        src = urljoin(ctx.page.url, tag["src"]).split("?")[0]
        if src not in loads:
            loads.append(src)
    if len(loads) > 1:
        ctx.report(
            f"two tags: the page holds heap-device tags of {len(loads)} builds ({', '.join(loads)})"
            f": only the first runs ({loads[0]}), the others do nothing: keep one tag, the one "
            "heap-device build printed for the build you uploaded last"
        )


def _say_where_nothing_is_verified(ctx):
    where = ctx.page.url if ctx.page is not None else ctx.base
    parts = urlsplit(where)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        what = "the page" if ctx.page is not None else "the bundle"
        ctx.report(
            f"http: {what} {where} is not served over https: browsers offer no SubtleCrypto "
            "there, so no file of the build is verified before it runs, and anyone on the way "
            "can change the files, or the page: serve the site and the bundle over https:"
        )
    if ctx.page is not None and parts.scheme == "https" and urlsplit(ctx.base).scheme == "http":
        ctx.report(
            f"mixed content: the https: page loads the bundle from {ctx.base}/ over http:, which "
            "browsers block: serve the bundle over https:"
        )


def _split_src(src):
    """(base URL, entry file name) of the URL a tag loads."""
    base, name = src.split("?")[0].rsplit("/", 1)
    return base, name


def _read_tag(path):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"--tag {path!r} cannot be read ({exc.strerror})") from None
    tags = parse_html(text).tags
    if not tags:
        raise UsageError(
            f"--tag {path!r} holds no heap-device <script> tag: give the file "
            "heap-device build saved (heap-device.tag.html)"
        )
    return tags[0]


# ---------------------------------------------------------------- 2. the entry and its BUILD


def read_entry(ctx):
    """The build's manifest and the entry file; False when there is no build to check."""
    ctx.manifest, ctx.listed = _manifest_of(ctx)
    ctx.entry_name = ctx.entry_name or ctx.manifest.get("entry") or ENTRY
    entry = ctx.answers[ctx.entry_name] = _ask(ctx, ctx.entry_name)
    plain = entry["identity"]
    if not _usable(plain):  # a site's page for unknown paths is no entry either
        _say_no_entry(ctx, plain)
        return False
    if plain.body is None:
        _say_undecodable(ctx, ctx.entry_name, "identity", plain)
        return False
    ctx.build = build_of((plain.body or b"").decode("utf-8", "replace"))
    if ctx.build is None:
        ctx.report(
            f"{ctx.url_of(ctx.entry_name)} is not a heap-device build's entry file: upload the "
            "whole folder heap-device build wrote (its heap-device.<hash>.js holds the build's "
            "BUILD line)"
        )
        return False
    current = ctx.manifest.get("entry")
    if ctx.tag is not None and isinstance(current, str) and current != ctx.entry_name:
        ctx.report(
            f"stale tag: the page's tag loads {ctx.entry_name}, but the build uploaded last is "
            f"{current} (the files of the build before it are kept, older ones removed): put "
            f"its tag in the page (heap-device snippet --from DIR --base-url {ctx.fix_base})"
        )
    return True


def _say_no_entry(ctx, plain):
    said = "an HTML page" if plain.ok() else plain.status or plain.error
    if ctx.untagged and not ctx.manifest:
        ctx.report(
            f"no tag: {ctx.url} holds no heap-device <script> tag: paste the tag heap-device "
            f"build printed (saved as {TAG_FILE} beside the bundle) into the page, before "
            "the RudderStack SDK; or give the bundle's URL (its --base-url) to check the files"
        )
    elif ctx.tag is not None and ctx.manifest.get("entry") not in (None, ctx.entry_name):
        ctx.report(
            f"stale tag: the page's tag loads {ctx.url_of(ctx.entry_name)}, which answered "
            f"{said}; the build uploaded last is {ctx.manifest['entry']}: put its tag in the "
            f"page (heap-device snippet --from DIR --base-url {ctx.fix_base})"
        )
    else:
        ctx.report(
            f"missing: {ctx.url_of(ctx.entry_name)} answered {said}: upload the folder "
            f"heap-device build wrote so that it is served at {ctx.base}/"
        )


def _manifest_of(ctx):
    """(the build's served manifest as a dict, {} when unreadable; its answer)."""
    listed = ctx.get(MANIFEST)
    if not listed.ok() or listed.body is None:
        return {}, listed
    try:
        manifest = json.loads(listed.body)
    except ValueError:
        return {}, listed
    return (manifest if isinstance(manifest, dict) else {}), listed


def _ask(ctx, name):
    """{encoding: Answer} for one file, one request per encoding."""
    return {encoding: ctx.get(name, encoding) for encoding in encodings_asked()}


# ---------------------------------------------------------------- 3. every file, every encoding


def fetch_files(ctx):
    """Ask for every file of the build in every encoding, following the chain of hashes from the
    entry (whatever files the entry and the scripts it names name)."""
    ctx.names = _files_of(ctx.manifest, ctx.entry_name, ctx.build)
    _take_hashes(ctx, ctx.entry_name)
    queue = list(ctx.names)
    while queue:
        name = queue.pop(0)
        if name not in ctx.answers:
            ctx.answers[name] = _ask(ctx, name)
        for named in _take_hashes(ctx, name):
            if named not in ctx.names:
                ctx.names.append(named)
                queue.append(named)


def _take_hashes(ctx, name):
    """The files whose hashes a script of the build carries (its BUILD.integrity, names relative
    to the script), kept in ctx.expected; [] for any other file."""
    if not name.endswith((".js", ".mjs")):
        return []
    got = ctx.answers.get(name, {}).get("identity")
    if got is None or not got.ok() or got.body is None:
        return []
    match = BUILD_LINE.search(got.body.decode("utf-8", "replace"))
    try:
        build = json.loads(match.group(2)) if match else {}
    except ValueError:
        build = {}
    hashes = build.get("integrity") if isinstance(build, dict) else None
    named = []
    for key, value in (hashes if isinstance(hashes, dict) else {}).items():
        url = urljoin(ctx.url_of(name), key)
        if isinstance(value, str) and url.startswith(ctx.base + "/"):
            child = url[len(ctx.base) + 1 :]
            ctx.expected.setdefault(child, (value, f"the BUILD.integrity of {name}"))
            named.append(child)
    return named


def _files_of(manifest, entry_name, build):
    """The build's files: its manifest's, else what its entry file names (the worker build's
    chain of hashes names the rest: fetch_files follows it)."""
    previous = manifest.get("previous")
    if isinstance(previous, dict) and previous.get("entry") == entry_name != manifest.get("entry"):
        manifest = previous  # the page's tag loads the build before the last one
    names = manifest.get("files")
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        listed = [n for n in names if n != TAG_FILE and not precompress.is_copy(n, set(names))]
        return sorted(set(listed) | {entry_name})
    paths = build.get("paths") if isinstance(build.get("paths"), dict) else {}
    names = [entry_name]
    if build.get("boot") == "pyscript":  # PyScript fetches these itself: no hash names them
        modules = [m for m in build.get("modules", []) if isinstance(m, str)]
        names += [served_name("heap_device/" + m, paths) for m in modules]
        names.append(served_name("pyscript/core.js", paths))
        runtime = build.get("runtime")
        files = RUNTIME_FILES.get(runtime, ("", ()))[1]
        names += [served_name(runtime + "/" + n, paths) for n in files]
    elif "runtimeScript" not in build:  # a worker build from before the chain of hashes
        names.append(served_name(MODULE_PACK, paths))
    return names


# ---------------------------------------------------------------- 4. served right


def check_answers(ctx):
    """What a browser refuses before it reads a byte: a missing file, a wrong type, no CORS."""
    for name in ctx.names:
        answers = ctx.answers[name]
        plain = answers["identity"]
        if not _served(ctx, name, plain, "identity"):
            continue
        for accept, got in ctx.distinct(name).items():
            if accept != "identity":
                _served(ctx, name, got, accept)
        _check_types(ctx, name, ctx.distinct(name))
        _check_cross_origin(ctx, name, ctx.visit(name))
    _check_vary(ctx)


def _check_vary(ctx):
    """A compressed answer without Vary: Accept-Encoding: a shared cache may hand it on to a
    client that did not ask for that encoding."""
    unvaried = []
    for name in ctx.names:
        for got in ctx.answers[name].values():
            vary = {v.strip().lower() for v in ",".join(got.header_all("Vary")).split(",")}
            if got.ok() and got.encoding() and not vary & {"accept-encoding", "*"}:
                unvaried.append(name)
                break
    if unvaried:
        ctx.note(
            f"cache: {len(unvaried)} file(s) come compressed without Vary: Accept-Encoding "
            f"(such as {ctx.url_of(unvaried[0])}): a shared cache (a CDN, a proxy) may hand the "
            "compressed copy to a client that did not ask for it: send Vary: Accept-Encoding "
            "with them (nginx: gzip_vary on)"
        )


def _served(ctx, name, got, encoding):
    url = ctx.url_of(name)
    asked = "" if encoding == "identity" else f" when asked with Accept-Encoding: {encoding}"
    if not got.ok():
        ctx.report(
            f"missing: {url} answered {got.status or got.error}{asked}: upload every file of the "
            f"build folder ({MANIFEST} lists them), its .br and .gz copies too"
        )
        return False
    if got.mime() == "text/html" and not name.endswith(".html"):
        ctx.report(
            f"missing: {url} answered an HTML page{asked} (a site's page for unknown paths?), "
            f"not the file: upload every file of the build folder ({MANIFEST} lists them)"
        )
        return False
    return True


def _check_types(ctx, name, answers):
    served = {got.encoding() or "none" for got in answers.values() if got.ok()}
    wrong = {}  # {(mime, fix): {Content-Encodings}}
    for got in answers.values():
        if got.ok() and got.mime() != "text/html":
            fix = type_problem(name, got.mime(), ctx.entry_name)
            if fix:
                wrong.setdefault((got.mime(), fix), set()).add(got.encoding() or "none")
    for (mime, fix), encodings in wrong.items():
        when = "" if encodings == served else " when sent with Content-Encoding: "
        when += ", ".join(sorted(encodings)) if when else ""
        line = f"wrong type: {ctx.url_of(name)} is served as {mime or 'no type'}{when}: {fix}"
        if name.endswith(".wasm") and ctx.boot == STRICT_BOOT and name in _handed_over(ctx):
            # The worker compiles the verified bytes (WORKER_ANSWERS_WASM): works, in the worker.
            ctx.note(
                line + " (it works in the worker, which hands the interpreter the verified "
                "bytes; only Pyodide, where it runs on the page with no worker, fetches it "
                "itself and then fails)"
            )
        elif name.endswith(".wasm") and (ctx.build or {}).get("runtime") == "micropython":
            # MicroPython's loader compiles the downloaded bytes when streaming is refused.
            ctx.note(
                line + " (MicroPython still starts: its loader downloads the file again and "
                "compiles it whole, after an error in the console)"
            )
        else:
            ctx.report(line)


def _handed_over(ctx):
    """The files the worker's script hands to the interpreter from verified bytes."""
    runtime = ctx.runtime_script
    if not WORKER_ANSWERS_WASM or runtime is None:
        return set()
    return {name for name, (_, who) in ctx.expected.items() if who.endswith(" " + runtime)}


def type_problem(name, mime, entry_name):
    """What is wrong with serving the file ``name`` as ``mime``, and the fix (None: nothing)."""
    if name.endswith(".wasm") and mime != "application/wasm":
        return (
            "serve .wasm files as application/wasm (browsers refuse to stream-compile anything "
            "else)"
        )
    if name.endswith((".js", ".mjs")) and mime not in JAVASCRIPT_TYPES:
        if name == entry_name:  # the tag's classic script
            return (
                "serve .js files as text/javascript (browsers refuse a script of another type "
                "when the server sends X-Content-Type-Options: nosniff, and some types always)"
            )
        return (
            "serve .js and .mjs files as text/javascript (browsers refuse modules of any other "
            "type)"
        )
    return None


def _check_cross_origin(ctx, name, got):
    url = ctx.url_of(name)
    if ctx.cross:
        allowed = got.header("Access-Control-Allow-Origin")
        if allowed not in ("*", ctx.page_origin):
            ctx.report(
                f"cross-origin: {url} has no Access-Control-Allow-Origin for {ctx.page_origin} "
                f"(got {allowed or 'none'}): send Access-Control-Allow-Origin: "
                f"{ctx.page_origin} (or *) with the bundle's files"
            )
    coep = (ctx.page.header("Cross-Origin-Embedder-Policy") or "") if ctx.page else ""
    if name == ctx.runtime_script and coep and not got.header("Cross-Origin-Embedder-Policy"):
        ctx.report(
            f"cross-origin: the page sends Cross-Origin-Embedder-Policy: {coep}, so the "
            f"worker script {url} must send it too: add that header to it"
        )


# ---------------------------------------------------------------- 5. the bytes and their hashes


def compare_hashes(ctx):
    """Each answer decoded and compared with the hash the chain carries for its file (the tag's
    SRI for the entry); a file no hash names, with its other encodings."""
    for name in ctx.names:
        answers = {e: got for e, got in ctx.distinct(name).items() if _usable(got)}
        for encoding, got in answers.items():
            if got.body is None:
                _say_undecodable(ctx, name, encoding, got)
        decoded = {e: got for e, got in answers.items() if got.body is not None}
        if name == ctx.entry_name:
            _compare_entry(ctx, decoded)
        elif name in ctx.expected:
            _compare(ctx, name, decoded, *ctx.expected[name])
        elif is_content_addressed(name) and "/" not in name:
            _compare_with_name(ctx, name, decoded)
        else:
            _compare_encodings(ctx, name, decoded)


def _usable(got):
    return got.ok() and not (got.mime() == "text/html")


def _said_as(got):
    """How an answer came, in a user's words."""
    encoding = got.encoding()
    return f"sent with Content-Encoding: {encoding}" if encoding else "sent uncompressed"


def _say_undecodable(ctx, name, asked, got):
    url, encoding = ctx.url_of(name), got.encoding()
    inside = precompress.sniff(got.sent)
    how = f" when asked as browsers ask (Accept-Encoding: {asked})" if "," in asked else ""
    if encoding in BROWSER_ENCODINGS and got.undecodable.startswith("check cannot read"):
        ctx.note(f"{url} came with Content-Encoding: {encoding}: not verified ({got.undecodable})")
        return
    if got.window_too_large is not None:
        ctx.report(
            f"undecodable: {url} is sent with Content-Encoding: {encoding}{how} but "
            f"{got.undecodable} (RFC 9659's limit), so browsers fail it "
            "(ERR_ZSTD_WINDOW_SIZE_TOO_BIG) and Heap gets no events: compress with a window of "
            "8 MB at most (zstd's levels up to 19, without --long or --ultra), or serve the "
            "build's .br and .gz copies instead"
        )
        return
    if encoding not in BROWSER_ENCODINGS and "," not in encoding:
        ctx.report(
            f"undecodable: {url} is sent with Content-Encoding: {encoding}, which browsers do "
            f"not decode (asked with Accept-Encoding: {got.asked}): send it as it is, or as the "
            "build's .br or .gz copy with Content-Encoding: br or gzip"
        )
        return
    if encoding == "br" and inside == "gzip":
        cause = (
            "its bytes are gzip: the server compressed the build's .br copy again on the way "
            "out (Apache's mod_deflate does, unless the rule that sends .br copies sets "
            "no-gzip: [E=no-gzip:1]; docs/website-setup.md)"
        )
    elif encoding.endswith("gzip") and inside == "br":
        cause = "its bytes are brotli: the server sends the .br copy labelled gzip"
    elif inside is not None and inside not in encoding:
        cause = f"its bytes are {inside}: the server labels them {encoding}"
    else:
        cause = f"{got.undecodable}: the server labels it {encoding} but sends other bytes"
    ctx.report(
        f"undecodable: {url} is sent with Content-Encoding: {encoding}{how} but does not decode "
        f"({cause}), so browsers fail it (ERR_CONTENT_DECODING_FAILED) and Heap gets no events: "
        "serve the build's precompressed copies as they are, compressed once, labelled with "
        "their own encoding"
    )


def _compare_entry(ctx, decoded):
    """The entry against the tag's SRI: each tag given, and --integrity."""
    tags = [(ctx.tag, "the page's tag"), (ctx.given_tag, "the --tag")]
    for tag, where in tags:
        if tag is not None:
            _check_tag(ctx, tag, where)
    plain = decoded.get("identity")
    served = sri_of(plain.body) if plain is not None else None
    if ctx.given_integrity is not None and plain is not None:
        if not sri_matches(ctx.given_integrity, plain.body):
            ctx.report(
                f"SRI mismatch: {ctx.given_integrity} is not the served {ctx.entry_name} "
                f"({served}): print the tag of what you uploaded: heap-device snippet --from DIR "
                f"--base-url {ctx.fix_base}"
            )
    # Every encoding must hold the bytes the uncompressed answer holds (which the tag pins).
    if plain is not None:
        others = {e: got for e, got in decoded.items() if e != "identity"}
        _compare(ctx, ctx.entry_name, others, served, "the uncompressed answer")
    if is_content_addressed(ctx.entry_name) and plain is not None:
        _compare_with_name(ctx, ctx.entry_name, {"identity": plain})


def _check_tag(ctx, tag, where):
    src = tag.get("src", "")
    try:
        check_base_url(src.rsplit("/", 1)[0] or "/")
    except UsageError as exc:
        ctx.report(f"{where}: {str(exc).replace('--base-url', 'src')}")
    if where == "the --tag":
        resolved = urljoin((ctx.page_origin or ctx.base) + "/", src)
        if resolved.split("?")[0] != ctx.url_of(ctx.entry_name):
            ctx.report(
                f"{where} loads {resolved}, not the checked {ctx.url_of(ctx.entry_name)}: check "
                "the URL the tag points to, or print the tag for this URL (heap-device snippet)"
            )
    integrity = tag.get("integrity")
    plain = ctx.answers[ctx.entry_name]["identity"]
    if integrity is None:
        ctx.report(f"{where} has no integrity: use the tag heap-device build printed")
    elif plain.body is not None and not sri_matches(integrity, plain.body):
        ctx.report(
            f"SRI mismatch: {where}'s integrity {integrity} is not the served {ctx.entry_name} "
            f"({sri_of(plain.body)}), so the browser refuses it: put the tag of the build you "
            f"uploaded in the page (heap-device snippet --from DIR --base-url {ctx.fix_base})"
        )
    if integrity is not None and tag.get("crossorigin") is None:
        ctx.report(f'{where} lacks crossorigin="anonymous", which SRI needs: add it')
    if "data-options" in tag:
        try:
            parse_options(tag["data-options"])  # the HTML parser has unescaped it
        except UsageError as exc:
            ctx.report(f"{where}'s data-options: {str(exc).removeprefix('--options: ')}")


def _compare(ctx, name, decoded, expected, who):
    """Each decoded answer against ``expected`` (an SRI value ``who`` carries)."""
    url = ctx.url_of(name)
    wrong = {e: got for e, got in decoded.items() if not sri_matches(expected, got.body)}
    if wrong and len(wrong) == len(decoded) and who != "the uncompressed answer":
        got = next(iter(wrong.values()))
        ctx.report(
            f"changed: {url} is not the file the build wrote, in every encoding (sha384 "
            f"{sri_of(got.body)}; {who} says {expected}), so browsers refuse it and Heap gets no "
            "events: upload the whole folder one heap-device build wrote again (and no CDN or "
            "proxy rewriting its files)"
        )
        return
    for got in wrong.values():
        ctx.report(
            f"changed: {url} {_said_as(got)} is not the file the build wrote (sha384 "
            f"{sri_of(got.body)}; {who} says {expected}){_why_changed(got)}, so browsers that get "
            f"it this way refuse it and Heap gets no events: {_fix_copy(got)}"
        )


def _fix_copy(got):
    """The fix for an answer in one encoding holding another build's bytes."""
    if got.encoding() not in precompress.ENCODINGS and got.encoding() is not None:
        return (
            f"the build writes no {got.encoding()} copy, so the server or a CDN made this one "
            "from other bytes: remove any copy beside the file that is not the build's (such as "
            "x.zst), purge the CDN's cache of the bundle, and upload the whole folder one "
            "heap-device build wrote again"
        )
    return (
        "upload the whole folder one heap-device build wrote again, its .br and .gz copies with "
        "it (a copy left from another build does this)"
    )


def _why_changed(got):
    inside = precompress.sniff(got.body)
    if inside is None:
        return ""
    if got.encoding() is None and inside not in precompress.ENCODINGS:
        return f": its bytes are {inside}, sent without Content-Encoding: {inside}"
    if got.encoding() is None:
        return (
            f": it is the build's .{'br' if inside == 'br' else 'gz'} copy sent without "
            f"Content-Encoding: {inside} (Apache's mod_mime reads .br as a language: "
            "RemoveLanguage .br, and label it with Content-Encoding)"
        )
    return f": its bytes are still {inside}, compressed twice"


def _compare_with_name(ctx, name, decoded):
    """A top-level file named by its content: its name says its sha256."""
    expected = name.split(".")[-2]
    for got in decoded.values():
        if content_hash(got.body) != expected:
            ctx.report(
                f"changed: {ctx.url_of(name)} {_said_as(got)} is not the file its name says "
                f"(named for sha256 {expected}…, holds {content_hash(got.body)}…): upload the "
                "whole folder one heap-device build wrote again"
            )
            return


def _compare_encodings(ctx, name, decoded):
    """A file no hash names: its compressed answers must hold what the plain one holds."""
    plain = decoded.get("identity")
    if plain is None:
        return
    for encoding, got in decoded.items():
        if encoding != "identity" and got.encoding() and got.body != plain.body:
            if got.encoding() in precompress.ENCODINGS:
                fix = (
                    "the .br or .gz copy is from another build: upload the whole folder one "
                    "heap-device build wrote again"
                )
            else:
                fix = _fix_copy(got)
            ctx.report(
                f"changed: {ctx.url_of(name)} {_said_as(got)} holds other bytes than sent "
                f"uncompressed ({len(got.body)} against {len(plain.body)} bytes): {fix}"
            )


def sri_matches(integrity, body):
    """Does one of the SRI tokens in ``integrity`` (sha256/384/512) match ``body``?"""
    for token in integrity.split():
        algorithm = token.split("-", 1)[0].lower()
        if algorithm in ("sha256", "sha384", "sha512") and token == sri_of(body, algorithm):
            return True
    return False


# ---------------------------------------------------------------- 6. caching

CACHED_FOR_GOOD = "public, max-age=31536000, immutable"
# A name that stays across builds must be revalidated; "cached" means reused without asking.
LONG_ENOUGH_S = 7 * 86400


def cache_directives(header):
    """{directive: value or True} of a Cache-Control header (None: no header)."""
    if header is None:
        return None
    found = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip().strip('"') if value else True
    return found


def _max_age(directives):
    try:
        return int(directives.get("s-maxage") or directives.get("max-age") or 0)
    except ValueError:
        return 0


def is_cached_for_good(directives):
    """Reused without asking for at least a week (or immutable)?"""
    if directives is None or "no-store" in directives or "no-cache" in directives:
        return False
    return "immutable" in directives or _max_age(directives) >= LONG_ENOUGH_S


def is_revalidated(directives):
    """Asked for again (or revalidated) at every use?"""
    if directives is None:
        return False  # browsers then guess a lifetime from Last-Modified
    return (
        "no-store" in directives
        or "no-cache" in directives
        or (("max-age" in directives or "s-maxage" in directives) and _max_age(directives) == 0)
    )


def check_caching(ctx):
    """Files named by their content should be cached for good; other names must not be."""
    lasting, stable = [], []
    for name in ctx.names:
        got = ctx.visit(name)
        if got is None or not got.ok():
            continue
        directives = cache_directives(got.header("Cache-Control"))
        if is_content_addressed(name):
            if not is_cached_for_good(directives) or "immutable" not in directives:
                lasting.append((name, got.header("Cache-Control")))
        elif not is_revalidated(directives):
            stable.append((name, got.header("Cache-Control")))
    if lasting:
        name, header = lasting[0]
        ctx.note(
            f"cache: {len(lasting)} file(s) named by their content are served with "
            f"{_said(header)} (such as {ctx.url_of(name)}): serve them with Cache-Control: "
            f"{CACHED_FOR_GOOD} (their names change with their bytes: a returning visitor "
            "then asks for none of them)"
        )
    for name, header in stable:
        ctx.report(
            f"cache: {ctx.url_of(name)} keeps its name across builds but is served with "
            f"{_said(header)}: a rebuild would meet returning visitors' old copy; rebuild with "
            "this heap-device (every file the tag loads is named by its content), or serve it "
            "with Cache-Control: no-cache"
        )
    listed = ctx.listed
    if listed is not None and listed.ok():
        if is_cached_for_good(cache_directives(listed.header("Cache-Control"))):
            ctx.note(
                f"cache: {ctx.url_of(MANIFEST)} is served with "
                f"{_said(listed.header('Cache-Control'))}: serve it with Cache-Control: no-cache "
                "(check reads the current build from it)"
            )
    page = ctx.page
    if page is not None and is_cached_for_good(cache_directives(page.header("Cache-Control"))):
        ctx.note(
            f"cache: the page is served with {_said(page.header('Cache-Control'))}: returning "
            "visitors keep its tag that long, and a rebuild keeps only the build before it: "
            "serve pages with Cache-Control: no-cache, or rebuild less often than that"
        )


def _said(header):
    return "Cache-Control: %s" % header if header else "no Cache-Control"


def kb(n):
    return "%.1f KB" % (n / 1000)


def report_bytes(ctx):
    """What a cold visit downloads as served, and what compression it is missing."""
    served = [(n, ctx.visit(n)) for n in ctx.names]
    served = [(n, got) for n, got in served if got is not None and _usable(got) and got.body]
    sent = sum(len(got.sent) for _, got in served)
    raw = sum(len(got.body) for _, got in served)
    kinds = {}
    for _, got in served:
        kinds[got.encoding() or "none"] = kinds.get(got.encoding() or "none", 0) + 1
    said = ", ".join("%s %d" % (k, n) for k, n in sorted(kinds.items()))
    ctx.say(
        f"bytes: a cold visit downloads {kb(sent)} ({len(served)} files; "
        f"Content-Encoding: {said}); uncompressed it would be {kb(raw)}"
    )
    best = precompress.available()[0]
    missing = []
    for name, got in served:
        if got.encoding() is None:
            smaller = len(got.body) - len(precompress.compress(got.body, best))
            if smaller >= len(got.body) * precompress.MIN_SAVING:
                missing.append((name, smaller))
    if missing:
        saved = sum(smaller for _, smaller in missing)
        ctx.note(
            f"compression: {len(missing)} file(s) came without Content-Encoding (such as "
            f"{ctx.url_of(max(missing, key=lambda m: m[1])[0])}): sent as the build's "
            f".{best[:2]} copies they would be {kb(saved)} smaller for every cold visit: serve "
            "the precompressed files beside them (docs/website-setup.md, Compression)"
        )


def _base_url_to_suggest(base, manifest, page_origin):
    """The --base-url a fix should name: the build's own, else the path on the page's origin."""
    tag = manifest.get("tag")
    if isinstance(tag, dict) and isinstance(tag.get("base_url"), str):
        return tag["base_url"]
    if page_origin is not None and origin_of(base) == page_origin:
        return urlsplit(base).path or "/"
    return base


# ---------------------------------------------------------------- 7. Content-Security-Policy


def check_policies(ctx):
    """The page's policies (headers, and <meta> in its head) and the worker's own."""
    if ctx.page is None:
        return
    policies = [(p, "Content-Security-Policy header") for p in _policies(ctx.page)]
    policies += [(p, "<meta> Content-Security-Policy") for p in ctx.html.csp]
    worker_starts = True
    for text, where in policies:
        worker_starts = check_page_policy(ctx, text, where) and worker_starts
        check_page_scripts(ctx, text, where)
    # A worker started from its URL (the bundle on the page's origin) takes the policy of its
    # script's own response, not the page's; a blob: worker (another origin) takes the page's.
    runtime = ctx.runtime_script
    got = ctx.visit(runtime) if runtime else None
    if worker_starts and got is not None and got.ok() and not ctx.cross:
        for text in _policies(got):
            where = f"{runtime}'s Content-Security-Policy header (the worker's policy)"
            check_runtime_policy(ctx, text, where, origin_of(ctx.base))


def _policies(answer):
    values = []
    for value in answer.header_all("Content-Security-Policy"):
        values += [v for v in value.split(",") if v.strip()]  # a comma joins two policies
    return values


def check_page_policy(ctx, text, where):
    """Report what one of the page's policies blocks: our tag, the worker, and where Python runs
    on the page (PyScript, a blob: worker, no worker) what the runtime needs. Returns whether
    the worker starts (a worker build on the page's origin)."""
    policy = parse_policy(text)
    entry = ctx.url_of(ctx.entry_name)
    name, elem = effective(policy, "script-src-elem")
    tag = ctx.tag or ctx.given_tag or {}
    integrity = tag.get("integrity") or ctx.entry_sri
    if not script_tag_allowed(elem, entry, ctx.page_origin, tag.get("nonce"), integrity):
        ctx.report(_tag_blocked(ctx, where, name, elem, tag, entry))
    worker_starts = False
    if ctx.boot == STRICT_BOOT and ctx.runtime_script is not None:
        worker_starts = _check_worker_src(ctx, policy, where)
    if not worker_starts or ctx.cross:
        # Python runs under this policy: PyScript's, a blob: worker (it inherits the page's
        # policy), or on the page where the worker cannot start.
        check_runtime_policy(ctx, text, where, ctx.page_origin)
    return worker_starts


def _tag_blocked(ctx, where, name, sources, tag, entry):
    sri = (tag.get("integrity") or ctx.entry_sri or "").split()[:1]
    if is_strict_dynamic(sources):
        nonces = nonces_of(sources)
        if nonces and tag.get("nonce"):
            how = f"its nonce {tag['nonce']!r} is not the policy's: give it this response's nonce"
        elif nonces:
            how = (
                "give it the nonce your server puts on the page's other scripts "
                "(nonce=\"…\", the one in the policy's 'nonce-…')"
            )
        else:
            how = "give it a nonce the policy names"
        hashed = f", or add '{sri[0]}' ({ctx.entry_name}'s hash) to {name}" if sri else ""
        return (
            f"{where}: {name} uses 'strict-dynamic', which ignores host sources and 'self', so "
            f"it blocks the heap-device tag ({entry}): {how}{hashed}"
        )
    return (
        f"{where}: {name} does not allow {entry}: add {origin_of(ctx.base)} "
        f"(or 'self' when the bundle is on the page's origin) to {name}"
    )


def _check_worker_src(ctx, policy, where):
    """Does the page's policy let the worker start? Says so when not."""
    name, sources = effective(policy, "worker-src")
    if not ctx.cross:
        needed, source = ctx.url_of(ctx.runtime_script), "'self'"
    else:
        # A worker must come from the page's origin: from another one the page starts it from a
        # blob: URL that carries the runtime script.
        needed, source = "blob:%s/" % ctx.page_origin, "blob:"
    # Chromium starts a worker under 'strict-dynamic' (a script the policy trusts starts it).
    if sources is None or is_strict_dynamic(sources):
        return True
    if sources_allow(sources, needed, ctx.page_origin):
        return True
    ctx.report(
        f"{where}: {name} does not allow the worker ({needed}): add {source} to worker-src (or "
        "Python runs on the page's main thread, under the page's policy)"
    )
    return False


def check_runtime_policy(ctx, text, where, self_origin):
    """Report what one policy under which Python starts would stop: compiling WebAssembly,
    PyScript's eval, importing and fetching the build's files. ``self_origin``: what 'self'
    means there (the page's origin; the bundle's, in a worker started from its URL)."""
    policy = parse_policy(text)
    name, script = effective(policy, "script-src")
    if script is not None:
        keywords = {s.lower() for s in script}
        if not keywords & {"'wasm-unsafe-eval'", "'unsafe-eval'"}:
            ctx.report(
                f"{where}: {name} lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot "
                f"compile: add 'wasm-unsafe-eval' to {name}"
            )
        if ctx.boot == "pyscript" and "'unsafe-eval'" not in keywords:
            ctx.report(
                f"{where}: {name} lacks 'unsafe-eval', which PyScript needs to start: add it, or "
                f"build with --boot {STRICT_BOOT} (MicroPython without PyScript needs no eval)"
            )
    name, connect = effective(policy, "connect-src")
    if connect is not None and not sources_allow(connect, ctx.base + "/", self_origin):
        ctx.report(
            f"{where}: {name} does not allow {ctx.base}/ (the .py and .wasm files are fetched): "
            f"add {origin_of(ctx.base)} (or 'self' when the bundle is on the page's origin) to "
            f"{name}"
        )


def check_page_scripts(ctx, text, where):
    """Report the page's inline scripts one policy refuses (RudderStack's loading snippet among
    them) with the hash to add, and the RudderStack hosts the page names that it blocks."""
    policy = parse_policy(text)
    name, scripts = effective(policy, "script-src-elem")
    html, page_origin = ctx.html, ctx.page_origin
    for number, (script, nonce) in enumerate(html.inline, 1):
        if inline_allowed(scripts, script, nonce):
            continue
        if is_rudderstack_snippet(script):
            what = "RudderStack's inline loading snippet"
        else:
            start = " ".join(script.split())[:40]
            what = f"the page's inline script #{number} ({start!r})"
        ctx.report(
            f"{where}: {name} refuses {what}, so it never runs: add {inline_hash(script)} to "
            f"{name} (the hash of exactly that script: change one character and it is another), "
            "or give the script a nonce the policy names"
        )
    srcs = [attrs["src"] for attrs in html.srcs]
    for what, url, directive in rudderstack_needs([t for t, _ in html.inline], srcs):
        name, sources = effective(policy, directive)
        attrs = next((a for a in html.srcs if a["src"] == url), None)
        if directive == "script-src-elem" and is_strict_dynamic(sources):
            # A script loaded by a trusted script runs; one in the HTML needs its nonce or hash.
            if attrs is None or script_tag_allowed(
                sources, url, page_origin, attrs.get("nonce"), attrs.get("integrity")
            ):
                continue
            ctx.report(
                f"{where}: {name} uses 'strict-dynamic', which ignores host sources, so it "
                f"blocks {what} ({url}): give its <script> the nonce the policy names"
            )
        elif sources is not None and not sources_allow(
            sources, urljoin(ctx.page.url, url), page_origin
        ):
            ctx.report(
                f"{where}: {name} does not allow {what} ({url}): add {origin_of(url)} to {name}"
            )


# ---------------------------------------------------------------- the check


PHASES = (fetch_files, check_answers, compare_hashes, check_caching, report_bytes, check_policies)


def run(url, tag_file=None, integrity=None, page_url=None, out=None, fetch=fetch):
    """Check the deploy at ``url``; prints one line per problem; returns 0 if sound, else 1."""
    ctx = Context(url, fetch, tag_file, integrity, page_url, out)
    if find_tag(ctx) and read_entry(ctx):
        for phase in PHASES:
            phase(ctx)
    return verdict(ctx)


def verdict(ctx):
    if ctx.problems:
        ctx.say("%d problem(s) found" % len(ctx.problems))
        return 1
    ctx.say("sound: %d files served right from %s/" % (len(ctx.names), ctx.base))
    return 0
