"""A page's Content-Security-Policy read as a browser does: which URLs a directive allows, which
inline scripts it runs, and which of RudderStack's hosts a page using its SDK needs.

``heap-device check`` asks it about the files of a build, the page's inline scripts (RudderStack's
loading snippet is one: its ``'sha256-…'`` must be in the policy, or a nonce) and the RudderStack
hosts the page names: its CDN, control plane and data plane.
"""

import base64
import hashlib
import re
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url):
    parts = urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def parse_policy(text):
    """{directive: [sources]} of one policy (the first of a repeated directive counts)."""
    policy = {}
    for part in text.split(";"):
        tokens = part.split()
        if tokens and tokens[0].lower() not in policy:
            policy[tokens[0].lower()] = tokens[1:]
    return policy


FALLBACKS = {
    "script-src": ("script-src", "default-src"),
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
}


def effective(policy, directive):
    """(directive that applies, its sources); (None, None) when nothing restricts it."""
    for name in FALLBACKS[directive]:
        if name in policy:
            return name, policy[name]
    return None, None


def source_allows(source, url, page_origin):
    """Does one CSP source expression allow ``url`` (for a page at ``page_origin``)?"""
    target, page, lowered = urlsplit(url), urlsplit(page_origin), source.lower()

    def scheme_ok(wanted):  # http: sources also allow https (CSP's upgrade rule)
        return target.scheme == wanted or (wanted == "http" and target.scheme == "https")

    if lowered == "'self'":
        if (target.scheme, target.netloc) == (page.scheme, page.netloc):
            return True
        return (
            page.scheme == "http" and target.scheme == "https" and target.hostname == page.hostname
        )
    if lowered == "*":
        return target.scheme in ("http", "https")
    if lowered.startswith("'"):
        return False  # keywords, nonces and hashes name no URL
    scheme_only = re.fullmatch(r"([a-z][a-z0-9+.-]*):", lowered)
    if scheme_only:
        return scheme_ok(scheme_only.group(1))
    match = re.fullmatch(
        r"(?:([a-z][a-z0-9+.-]*)://)?(\*|\*\.[^/:]+|[^/:*]+)(?::(\d+|\*))?(/.*)?", lowered
    )
    if not match:
        return False
    scheme, host, port, path = match.groups()
    if not scheme_ok(scheme or page.scheme):
        return False
    name = (target.hostname or "").lower()
    if host.startswith("*."):
        if not name.endswith(host[1:]):
            return False
    elif host not in ("*", name):
        return False
    if port != "*":
        target_port = target.port or DEFAULT_PORTS.get(target.scheme)
        if port:
            wanted = {int(port)}
        else:  # the scheme's default port (443 too where http was upgraded)
            wanted = {DEFAULT_PORTS.get(scheme or page.scheme), 443 if scheme_ok("http") else None}
        if target_port not in wanted:
            return False
    if path and path != "/":
        return target.path.startswith(path) if path.endswith("/") else target.path == path
    return True


def sources_allow(sources, url, page_origin):
    return any(source_allows(s, url, page_origin) for s in sources)


# ---------------------------------------------------------------- inline scripts

# The JavaScript MIME types (HTML's list of "JavaScript MIME type essence matches"): a browser
# runs a script or module served as one of these, and a <script type> naming one runs as script.
# The one list every tool reads.
JAVASCRIPT_TYPES = frozenset(
    ["application/ecmascript", "application/javascript", "application/x-ecmascript"]
    + ["application/x-javascript", "text/ecmascript", "text/javascript", "text/jscript"]
    + ["text/javascript1.%d" % n for n in range(6)]
    + ["text/livescript", "text/x-ecmascript", "text/x-javascript"]
)
# <script type> values that run as script (the rest are data: application/json, ld+json, ...).
SCRIPT_TYPES = JAVASCRIPT_TYPES | {"", "module"}


def inline_hash(text):
    """The CSP source that allows exactly this inline script: 'sha256-<base64>' of its UTF-8."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-%s'" % base64.b64encode(digest).decode("ascii")


def inline_allowed(sources, text, nonce=None):
    """Does a script-src list (None: no policy on scripts) run this inline script?"""
    if sources is None:
        return True
    lowered = {s.lower() for s in sources}
    if nonce and "'nonce-%s'" % nonce.lower() in lowered:
        return True
    digests = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
    for source in sources:
        match = re.fullmatch(r"'(sha256|sha384|sha512)-([^']+)'", source, re.IGNORECASE)
        if match:
            digest = digests[match.group(1).lower()](text.encode("utf-8")).digest()
            if base64.b64encode(digest).decode("ascii") == match.group(2):
                return True
    # 'unsafe-inline' counts only where no hash, no nonce and no 'strict-dynamic' is listed.
    strict = any(s.startswith(("'sha", "'nonce-")) or s == "'strict-dynamic'" for s in lowered)
    return "'unsafe-inline'" in lowered and not strict


def is_strict_dynamic(sources):
    """Does a script-src list hold 'strict-dynamic' (host sources and 'self' then count for
    nothing; a script the page's HTML names runs only by its nonce or hash)?"""
    return sources is not None and "'strict-dynamic'" in {s.lower() for s in sources}


def script_tag_allowed(sources, url, page_origin, nonce=None, integrity=None):
    """Does a script-src-elem list run ``<script src=url nonce=… integrity=…>`` in the page's
    HTML? A nonce or one of the integrity hashes the list names runs it; with 'strict-dynamic'
    nothing else does, without it a source that allows the URL does too."""
    if sources is None:
        return True
    if nonce and "'nonce-%s'" % nonce in sources:  # nonces are case-sensitive
        return True
    if integrity and any("'%s'" % token in sources for token in integrity.split()):
        return True
    return not is_strict_dynamic(sources) and sources_allow(sources, url, page_origin)


def nonces_of(sources):
    return [s[len("'nonce-") : -1] for s in sources or () if s.lower().startswith("'nonce-")]


def is_rudderstack_snippet(text):
    return "rudderanalytics" in text


# ---------------------------------------------------------------- RudderStack's hosts

RUDDERSTACK_CDN = "https://cdn.rudderlabs.com"
RUDDERSTACK_CONTROL_PLANE = "https://api.rudderstack.com"
_SDK_BASE = re.compile(r"""sdkBaseUrl\s*=\s*["']([^"']+)["']""")
_CDN_URL = re.compile(r"""["'](https://cdn\.rudderlabs\.com/[^"']*)["']""")
_LOAD = re.compile(r"""\.load\(\s*(["'])[^"']*\1\s*,\s*(["'])([^"']+)\2""")
_CONFIG_URL = re.compile(r"""configUrl["']?\s*:\s*["']([^"']+)["']""")


def rudderstack_needs(inline_texts, script_srcs):
    """[(what, URL, directive)] the page's use of RudderStack needs, as far as the page says:
    the SDK's script (its CDN), the control plane (source config) and the data plane."""
    needs = []
    text = "\n".join(inline_texts)
    sdk = _SDK_BASE.search(text) or _CDN_URL.search(text)
    if sdk:
        needs.append(("RudderStack's SDK", sdk.group(1).rstrip("/") + "/", "script-src-elem"))
    for src in script_srcs:
        if "rudderlabs.com" in src or "rudderstack.com" in src:
            needs.append(("RudderStack's SDK", src, "script-src-elem"))
    load = _LOAD.search(text)
    if load:
        needs.append(
            ("RudderStack's data plane", load.group(3).rstrip("/") + "/v1/", "connect-src")
        )
        if "getSourceConfig" not in text:
            config = _CONFIG_URL.search(text)
            control = config.group(1) if config else RUDDERSTACK_CONTROL_PLANE
            needs.append(
                (
                    "RudderStack's control plane",
                    control.rstrip("/") + "/sourceConfig/",
                    "connect-src",
                )
            )
    return needs
