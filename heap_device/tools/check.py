"""``heap-device check URL``: is a deployed bundle sound? One line per problem, each with its fix.

URL is a page of the site holding the heap-device tag (then the tag, the page's CSP and its origin
are read from it), or the bundle's base URL. It fetches every file of the build (listed in the
served ``heap-device.files.json``, else named by its entry file) and checks what a browser would
refuse: a missing file, a wrong MIME type, an SRI mismatch, missing cross-origin headers, and a
Content-Security-Policy without the sources the runtime needs. Exit status 0 when sound, 1 if not.
"""

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
    ENTRY,
    MODULE_PACK,
    RUNTIME_FILES,
    RUNTIME_SCRIPT,
    build_of,
    is_content_addressed,
    is_entry_name,
    logical_name,
    served_name,
)
from heap_device.tools.output import MANIFEST, TAG_FILE
from heap_device.tools.policy import (
    SCRIPT_TYPES,
    effective,
    inline_allowed,
    inline_hash,
    is_rudderstack_snippet,
    origin_of,
    parse_policy,
    rudderstack_needs,
    source_allows,  # noqa: F401 (tests read it here)
    sources_allow,
)
from heap_device.tools.snippet import check_base_url, parse_options
from heap_device.tools.snippet import integrity as sri_of

JS_TYPES = {
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "application/ecmascript",
    "text/ecmascript",
    "module",
}
TIMEOUT_S = 20
# The boot that needs no 'unsafe-eval' (PyScript's core evaluates strings).
STRICT_BOOT = next(b for b in BOOTS if b != "pyscript")


class Fetched:
    """One answer: status (None when nothing answered, then error says why), headers, body."""

    def __init__(self, url, status, headers, body, error=None):
        self.url, self.status, self.headers = url, status, headers
        self.body, self.error = body, error
        self.sent = len(body)  # bytes over the wire (compressed, when it came so)

    def encoding(self):
        return (self.header("Content-Encoding") or "").strip().lower() or None

    def header(self, name):
        return self.headers.get(name) if self.headers is not None else None

    def header_all(self, name):
        return self.headers.get_all(name) or [] if self.headers is not None else []

    def mime(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()


def fetch(url, origin=None):
    """GET ``url`` as a browser would (an Origin header when the page is elsewhere; compressed
    answers accepted, then decoded: ``sent`` is what came over the wire); never raises."""
    request = urllib.request.Request(url, headers={"User-Agent": "heap-device-check"})
    request.add_header("Accept-Encoding", ", ".join(precompress.available()))
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            sent = answer.read()
            encoding = (answer.headers.get("Content-Encoding") or "").strip().lower()
            body = precompress.decode(sent, encoding)
            if body is None:
                return Fetched(url, None, None, b"", f"cannot decode Content-Encoding {encoding}")
            fetched = Fetched(url, answer.status, answer.headers, body)
            fetched.sent = len(sent)
            return fetched
    except urllib.error.HTTPError as exc:
        return Fetched(url, exc.code, exc.headers, b"")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Fetched(url, None, None, b"", str(getattr(exc, "reason", exc)))


class _Tags(HTMLParser):
    """Our tag(s), the page's <meta> policies, its inline scripts and every script's src."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self.csp = []
        self.inline = []  # [(text, nonce)] of the scripts that run
        self.srcs = []
        self._reading = None  # the inline script being read: [text parts, nonce]

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v for k, v in attrs if v is not None}
        src = attrs.get("src", "").split("?")[0]
        if tag == "script" and is_entry_name(src.rsplit("/", 1)[-1]):
            self.scripts.append(attrs)
        if tag == "script" and src:
            self.srcs.append(attrs["src"])
        elif tag == "script" and attrs.get("type", "").strip().lower() in SCRIPT_TYPES:
            self._reading = [[], attrs.get("nonce")]
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(attrs.get("content", ""))

    def handle_data(self, data):
        if self._reading is not None:
            self._reading[0].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._reading is not None:
            # The browser hashes the text as parsed: line breaks normalised to \n.
            text = "".join(self._reading[0]).replace("\r\n", "\n").replace("\r", "\n")
            self.inline.append((text, self._reading[1]))
            self._reading = None


def parse_html(text):
    parser = _Tags()
    parser.feed(text)
    return parser


# ---------------------------------------------------------------- Content-Security-Policy


def check_policy(
    text, where, build, base, page_origin, adapter_sri, report, in_worker=False, entry=ENTRY
):
    """Report what in one policy would stop the runtime.

    ``in_worker``: the policy of the worker script's own response, which binds the worker (its
    'self' is the bundle's origin; it loads the runtime's modules, not heap-device.js).
    """
    policy = parse_policy(text)
    adapter = base + "/" + ("" if in_worker else entry)
    if in_worker:
        page_origin = origin_of(base)
    boot = build.get("boot")
    name, script = effective(policy, "script-src")
    if script is not None:
        keywords = {s.lower() for s in script}
        if "'strict-dynamic'" in keywords and not in_worker:
            if adapter_sri not in script and not any(k.startswith("'nonce-") for k in keywords):
                report(
                    f"{where}: {name} uses 'strict-dynamic', which ignores host sources: add "
                    f"'{adapter_sri}' ({entry}'s hash) to {name}"
                )
        elif not sources_allow(script, adapter, page_origin):
            report(
                f"{where}: {name} does not allow {adapter}: add {origin_of(base)} "
                f"(or 'self' when the bundle is on the page's origin) to {name}"
            )
        if not keywords & {"'wasm-unsafe-eval'", "'unsafe-eval'"}:
            report(
                f"{where}: {name} lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot "
                f"compile: add 'wasm-unsafe-eval' to {name}"
            )
        if boot == "pyscript" and "'unsafe-eval'" not in keywords:
            report(
                f"{where}: {name} lacks 'unsafe-eval', which PyScript needs to start: add it, or "
                f"build with --boot {STRICT_BOOT} (MicroPython without PyScript needs no eval)"
            )
    name, connect = effective(policy, "connect-src")
    if connect is not None and not sources_allow(connect, base + "/", page_origin):
        report(
            f"{where}: {name} does not allow {base}/ (the .py and .wasm files are fetched): add "
            f"{origin_of(base)} (or 'self' when the bundle is on the page's origin) to {name}"
        )
    if boot == "worker" and not in_worker:
        # A worker must come from the page's origin: from another one the adapter starts it
        # from a blob: URL that imports the runtime script.
        name, worker = effective(policy, "worker-src")
        if origin_of(base) == page_origin:
            paths = build.get("paths") if isinstance(build.get("paths"), dict) else {}
            needed, source = base + "/" + served_name(RUNTIME_SCRIPT, paths), "'self'"
        else:
            needed, source = "blob:%s/" % page_origin, "blob:"
        if worker is not None and not sources_allow(worker, needed, page_origin):
            report(
                f"{where}: {name} does not allow the worker ({needed}): add {source} to "
                "worker-src (or the build runs on the main thread)"
            )


def check_page_scripts(text, where, tags, page_origin, report):
    """Report the page's inline scripts one policy refuses (RudderStack's loading snippet among
    them) with the hash to add, and the RudderStack hosts the page names that it blocks."""
    policy = parse_policy(text)
    name, scripts = effective(policy, "script-src-elem")
    for number, (script, nonce) in enumerate(tags.inline, 1):
        if inline_allowed(scripts, script, nonce):
            continue
        if is_rudderstack_snippet(script):
            what = "RudderStack's inline loading snippet"
        else:
            start = " ".join(script.split())[:40]
            what = f"the page's inline script #{number} ({start!r})"
        report(
            f"{where}: {name} refuses {what}, so it never runs: add {inline_hash(script)} to "
            f"{name} (the hash of exactly that script: change one character and it is another), "
            "or give the script a nonce the policy names"
        )
    for what, url, directive in rudderstack_needs([t for t, _ in tags.inline], tags.srcs):
        name, sources = effective(policy, directive)
        if sources is not None and not sources_allow(sources, url, page_origin):
            report(f"{where}: {name} does not allow {what} ({url}): add {origin_of(url)} to {name}")


# ---------------------------------------------------------------- the check


def run(url, tag_file=None, integrity=None, page_url=None, out=None):
    """Check the deploy at ``url``; prints one line per problem; returns 0 if sound, else 1."""
    out = out or sys.stdout
    problems = []

    def report(text):
        problems.append(text)
        print("heap-device check: " + text, file=out)

    def note(text):  # costs the site something, breaks nothing
        print("heap-device check: note: " + text, file=out)

    if not re.match(r"https?://", url, re.IGNORECASE):
        raise UsageError(f"check {url!r}: give the full URL, e.g. https://www.example.com/heap")
    tag = _read_tag(tag_file) if tag_file else None
    first = fetch(url)
    if first.status is None:
        report(f"cannot reach {url} ({first.error}): check the URL and that the site is up")
        return _verdict(problems, out)
    page = page_tag = None
    untagged = False  # URL is a page that holds no heap-device tag
    if first.status == 200 and first.mime() == "text/html":
        found = parse_html(first.body.decode("utf-8", "replace"))
        if found.scripts:  # else a page without the tag, or a folder listing (the base URL)
            page, page_tag = first, found.scripts[0]
        else:
            untagged = True
    if page is None and page_url is not None:
        page = fetch(page_url)
        if page.status != 200:
            report(
                f"--page {page_url} answered {page.status or page.error}: give a page that loads"
            )
            page = None
    if page_tag is not None:
        base, entry_name = _split_src(urljoin(url, page_tag["src"]))
    else:
        base, entry_name = url.split("?")[0].rstrip("/"), None
        if is_entry_name(base.rsplit("/", 1)[-1]):
            base, entry_name = _split_src(base)
    page_origin = origin_of(page.url) if page is not None else None
    cross = page_origin is not None and origin_of(base) != page_origin
    asked_from = page_origin if cross else None

    manifest, listed = _manifest_of(base, asked_from)
    entry_name = entry_name or manifest.get("entry") or ENTRY
    adapter = fetch(base + "/" + entry_name, asked_from)
    if adapter.status != 200:
        if untagged and not manifest:
            report(
                f"no tag: {url} holds no heap-device <script> tag: paste the tag heap-device "
                f"build printed (saved as {TAG_FILE} beside the bundle) into the page, before "
                "the RudderStack SDK; or give the bundle's URL (its --base-url) to check the files"
            )
        elif page_tag is not None and manifest.get("entry") not in (None, entry_name):
            report(
                f"stale tag: the page's tag loads {base}/{entry_name}, which answered "
                f"{adapter.status or adapter.error}; the build uploaded last is "
                f"{manifest['entry']}: put its tag in the page (heap-device snippet --from DIR "
                f"--base-url {_base_url_to_suggest(base, manifest, page_origin)})"
            )
        else:
            report(
                f"missing: {base}/{entry_name} answered {adapter.status or adapter.error}: "
                f"upload the folder heap-device build wrote so that it is served at {base}/"
            )
        return _verdict(problems, out)
    build = build_of(adapter.body.decode("utf-8", "replace"))
    if build is None:
        report(
            f"{base}/{entry_name} is not a heap-device build's adapter: upload the whole folder "
            "heap-device build wrote (its heap-device.<hash>.js holds the build's BUILD line)"
        )
        return _verdict(problems, out)
    adapter_sri = sri_of(adapter.body)
    fix_base = _base_url_to_suggest(base, manifest, page_origin)
    files = _files_of(manifest, entry_name, build)
    worker_script = None
    served = []
    for name in files:
        got = adapter if name == entry_name else fetch(base + "/" + name, asked_from)
        _check_file(base, name, got, asked_from, build, page, report, entry_name)
        if got.status == 200:
            served.append((name, got))
            if logical_name(name) == RUNTIME_SCRIPT:
                worker_script = got
    current = manifest.get("entry")
    if page_tag is not None and isinstance(current, str) and current != entry_name:
        report(
            f"stale tag: the page's tag loads {entry_name}, but the build uploaded last is "
            f"{current} (the files of the build before it are kept, older ones removed): put "
            f"its tag in the page (heap-device snippet --from DIR --base-url {fix_base})"
        )
    _check_caching(base, served, listed, page, report, note)
    _report_bytes(base, served, out, note)

    for given, where in ((page_tag, "the page's tag"), (tag, "the --tag")):
        if given is not None:
            _check_tag(given, base, entry_name, page_origin, adapter.body, report, where, fix_base)
    if integrity is not None and not _sri_matches(integrity, adapter.body):
        report(
            f"SRI mismatch: {integrity} is not the served {entry_name} ({adapter_sri}): print "
            f"the tag of what you uploaded: heap-device snippet --from DIR --base-url {fix_base}"
        )
    if page is not None:
        policies = [(p, "Content-Security-Policy header") for p in _policies(page)]
        policies += [
            (p, "<meta> Content-Security-Policy")
            for p in parse_html(page.body.decode("utf-8", "replace")).csp
        ]
        tags = parse_html(page.body.decode("utf-8", "replace"))
        for text, where in policies:
            check_policy(
                text, where, build, base, page_origin, adapter_sri, report, entry=entry_name
            )
            check_page_scripts(text, where, tags, page_origin, report)
    # A worker started from its URL (the bundle on the page's origin) takes the policy of its
    # script's own response; a blob: worker (another origin) takes the page's, checked above.
    if build.get("boot") == "worker" and worker_script is not None and not cross:
        page_policies = {" ".join(p.split()) for p in _policies(page)} if page else set()
        for text in _policies(worker_script):
            if " ".join(text.split()) in page_policies:
                continue  # the page's own, said once above (same origin: same meaning)
            where = f"{RUNTIME_SCRIPT}'s Content-Security-Policy header (the worker's policy)"
            check_policy(
                text, where, build, base, page_origin, adapter_sri, report, True, entry_name
            )
    return _verdict(problems, out, len(files), base)


def _policies(fetched):
    values = []
    for value in fetched.header_all("Content-Security-Policy"):
        values += [v for v in value.split(",") if v.strip()]  # a comma joins two policies
    return values


def _verdict(problems, out, count=0, base=""):
    if problems:
        print("heap-device check: %d problem(s) found" % len(problems), file=out)
        return 1
    print("heap-device check: sound: %d files served right from %s/" % (count, base), file=out)
    return 0


def _read_tag(path):
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"--tag {path!r} cannot be read ({exc.strerror})") from None
    scripts = parse_html(text).scripts
    if not scripts:
        raise UsageError(
            f"--tag {path!r} holds no heap-device <script> tag: give the file "
            "heap-device build saved (heap-device.tag.html)"
        )
    return scripts[0]


def _split_src(src):
    """(base URL, entry file name) of the URL a tag loads."""
    base, name = src.split("?")[0].rsplit("/", 1)
    return base, name


def _manifest_of(base, asked_from):
    """(the build's served manifest as a dict, {} when unreadable; its answer)."""
    listed = fetch(base + "/" + MANIFEST, asked_from)
    if listed.status != 200:
        return {}, listed
    try:
        manifest = json.loads(listed.body)
    except ValueError:
        return {}, listed
    if not isinstance(manifest, dict):
        return {}, listed
    return manifest, listed


# ---------------------------------------------------------------- caching

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


def _check_caching(base, served, listed, page, report, note):
    """Files named by their content should be cached for good; other names must not be."""
    lasting, stable = [], []
    for name, got in served:
        directives = cache_directives(got.header("Cache-Control"))
        if is_content_addressed(name):
            if not is_cached_for_good(directives) or "immutable" not in directives:
                lasting.append((name, got.header("Cache-Control")))
        elif not is_revalidated(directives):
            stable.append((name, got.header("Cache-Control")))
    if lasting:
        name, header = lasting[0]
        note(
            f"cache: {len(lasting)} file(s) named by their content are served with "
            f"{_said(header)} (such as {base}/{name}): serve them with Cache-Control: "
            f"{CACHED_FOR_GOOD} (their names change with their bytes: a returning visitor "
            "then asks for none of them)"
        )
    for name, header in stable:
        report(
            f"cache: {base}/{name} keeps its name across builds but is served with "
            f"{_said(header)}: a rebuild would meet returning visitors' old copy; rebuild with "
            "this heap-device (every file the tag loads is named by its content), or serve it "
            "with Cache-Control: no-cache"
        )
    if listed.status == 200 and is_cached_for_good(
        cache_directives(listed.header("Cache-Control"))
    ):
        note(
            f"cache: {base}/{MANIFEST} is served with {_said(listed.header('Cache-Control'))}: "
            "serve it with Cache-Control: no-cache (check reads the current build from it)"
        )
    if page is not None and is_cached_for_good(cache_directives(page.header("Cache-Control"))):
        note(
            f"cache: the page is served with {_said(page.header('Cache-Control'))}: returning "
            "visitors keep its tag that long, and a rebuild keeps only the build before it: "
            "serve pages with Cache-Control: no-cache, or rebuild less often than that"
        )


# ---------------------------------------------------------------- compression


def kb(n):
    return "%.1f KB" % (n / 1000)


def _report_bytes(base, served, out, note):
    """What a cold visit downloads as served, and what compression it is missing."""
    sent = sum(got.sent for _, got in served)
    raw = sum(len(got.body) for _, got in served)
    kinds = {}
    for _, got in served:
        kinds[got.encoding() or "none"] = kinds.get(got.encoding() or "none", 0) + 1
    said = ", ".join("%s %d" % (k, n) for k, n in sorted(kinds.items()))
    print(
        f"heap-device check: bytes: a cold visit downloads {kb(sent)} ({len(served)} files; "
        f"Content-Encoding: {said}); uncompressed it would be {kb(raw)}",
        file=out,
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
        note(
            f"compression: {len(missing)} file(s) came without Content-Encoding (such as "
            f"{base}/{max(missing, key=lambda m: m[1])[0]}): sent as the build's .{best[:2]} "
            f"copies they would be {kb(saved)} smaller for every cold visit: serve the "
            "precompressed files beside them (docs/website-setup.md, Compression)"
        )


def _said(header):
    return "Cache-Control: %s" % header if header else "no Cache-Control"


def _base_url_to_suggest(base, manifest, page_origin):
    """The --base-url a fix should name: the build's own, else the path on the page's origin."""
    tag = manifest.get("tag")
    if isinstance(tag, dict) and isinstance(tag.get("base_url"), str):
        return tag["base_url"]
    if page_origin is not None and origin_of(base) == page_origin:
        return urlsplit(base).path or "/"
    return base


def _files_of(manifest, entry_name, build):
    """The build's files: its manifest's, else what its entry file names."""
    previous = manifest.get("previous")
    if isinstance(previous, dict) and previous.get("entry") == entry_name != manifest.get("entry"):
        manifest = previous  # the page's tag loads the build before the last one
    names = manifest.get("files")
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        listed = [n for n in names if n != TAG_FILE and not precompress.is_copy(n, set(names))]
        return sorted(set(listed) | {entry_name})
    paths = build.get("paths") if isinstance(build.get("paths"), dict) else {}
    names = [entry_name]
    if build.get("boot") == "worker":
        names += [served_name(RUNTIME_SCRIPT, paths), served_name(MODULE_PACK, paths)]
    else:
        modules = [m for m in build.get("modules", []) if isinstance(m, str)]
        names += [served_name("heap_device/" + m, paths) for m in modules]
        names.append(served_name("pyscript/core.js", paths))
    runtime = build.get("runtime")
    names += [
        served_name(runtime + "/" + n, paths) for n in RUNTIME_FILES.get(runtime, ("", ()))[1]
    ]
    return names


def type_problem(name, mime, entry_name):
    """What is wrong with serving the file ``name`` as ``mime``, and the fix (None: nothing)."""
    if name.endswith(".wasm") and mime != "application/wasm":
        return (
            "serve .wasm files as application/wasm (browsers refuse to stream-compile anything "
            "else)"
        )
    if name.endswith((".js", ".mjs")) and mime not in JS_TYPES:
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


def _check_file(base, name, got, asked_from, build, page, report, entry_name):
    url = base + "/" + name
    if got.status != 200:
        report(
            f"missing: {url} answered {got.status or got.error}: upload every file of the build "
            f"folder ({MANIFEST} lists them)"
        )
        return
    mime = got.mime()
    wrong = type_problem(name, mime, entry_name)
    if wrong:
        report(f"wrong type: {url} is served as {mime or 'no type'}: {wrong}")
    if asked_from is not None:
        allowed = got.header("Access-Control-Allow-Origin")
        if allowed not in ("*", asked_from):
            report(
                f"cross-origin: {url} has no Access-Control-Allow-Origin for {asked_from} "
                f"(got {allowed or 'none'}): send Access-Control-Allow-Origin: {asked_from} "
                "(or *) with the bundle's files"
            )
    coep = (page.header("Cross-Origin-Embedder-Policy") or "") if page is not None else ""
    if build.get("boot") == "worker" and logical_name(name) == RUNTIME_SCRIPT and coep:
        if not got.header("Cross-Origin-Embedder-Policy"):
            report(
                f"cross-origin: the page sends Cross-Origin-Embedder-Policy: {coep}, so the "
                f"worker script {url} must send it too: add that header to it"
            )


def _sri_matches(integrity, body):
    for token in integrity.split():
        algorithm = token.split("-", 1)[0].lower()
        if algorithm in ("sha256", "sha384", "sha512") and token == sri_of(body, algorithm):
            return True
    return False


def _check_tag(tag, base, entry_name, page_origin, body, report, where, fix_base):
    src = tag.get("src", "")
    try:
        check_base_url(src.rsplit("/", 1)[0] or "/")
    except UsageError as exc:
        report(f"{where}: {str(exc).replace('--base-url', 'src')}")
    if where == "the --tag":
        resolved = urljoin((page_origin or base) + "/", src)
        if resolved.split("?")[0] != base + "/" + entry_name:
            report(
                f"{where} loads {resolved}, not the checked {base}/{entry_name}: check the "
                "URL the tag points to, or print the tag for this URL (heap-device snippet)"
            )
    integrity = tag.get("integrity")
    if integrity is None:
        report(f"{where} has no integrity: use the tag heap-device build printed")
    elif not _sri_matches(integrity, body):
        report(
            f"SRI mismatch: {where}'s integrity {integrity} is not the served {entry_name} "
            f"({sri_of(body)}), so the browser refuses it: put the tag of the build you uploaded "
            f"in the page (heap-device snippet --from DIR --base-url {fix_base})"
        )
    if integrity is not None and tag.get("crossorigin") is None:
        report(f'{where} lacks crossorigin="anonymous", which SRI needs: add it')
    if "data-options" in tag:
        try:
            parse_options(tag["data-options"])  # the HTML parser has unescaped it
        except UsageError as exc:
            report(f"{where}'s data-options: {str(exc).removeprefix('--options: ')}")
