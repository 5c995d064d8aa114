"""Bugs planted by hand in check.py, policy.py, output.py and precompress.py, one at a time: each
must make a unit test fail. Run: .venv/bin/python tests/check_mutants.py [numbers]. It edits a file,
runs the tests, and puts the file back; not collected by pytest (no test_ prefix)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
C, P, OUT, Z = (
    "heap_device/tools/check.py",
    "heap_device/tools/policy.py",
    "heap_device/tools/output.py",
    "heap_device/tools/precompress.py",
)
BUGS = [
    (
        "skip an encoding (gzip never asked)",
        C,
        'return ["identity"] + precompress.readable() + [BROWSER_ACCEPTS]',
        'return ["identity"] + precompress.readable()[:1] + [BROWSER_ACCEPTS]',
    ),
    (
        "never ask as a browser asks",
        C,
        'return ["identity"] + precompress.readable() + [BROWSER_ACCEPTS]',
        'return ["identity"] + precompress.readable()',
    ),
    (
        "answers said once: the plain one dropped too",
        C,
        "            if key not in seen:",
        '            if key not in seen and accept != "identity":',
    ),
    (
        "flip the hash comparison",
        C,
        "and token == sri_of(body, algorithm)",
        "and token != sri_of(body, algorithm)",
    ),
    (
        "stop following the chain into the runtime module",
        C,
        '    if not name.endswith((".js", ".mjs")):\n        return []',
        "    if name != ctx.entry_name:\n        return []",
    ),
    (
        "drop the undecodable verdict",
        C,
        "            if got.body is None:\n"
        "                _say_undecodable(ctx, name, encoding, got)",
        "            if got.body is None:\n                pass",
    ),
    (
        "resolve the tag against the pre-redirect URL",
        C,
        '_split_src(urljoin(ctx.page.url, ctx.tag["src"]))',
        '_split_src(urljoin(ctx.url, ctx.tag["src"]))',
    ),
    (
        "count a <meta> policy in the body",
        C,
        "            if not self._in_body:\n                self.csp.append",
        "            if True:\n                self.csp.append",
    ),
    (
        "strict-dynamic no longer starts the worker",
        C,
        "if sources is None or is_strict_dynamic(sources):",
        "if sources is None:",
    ),
    ("drop the two-tags verdict", C, "    if len(loads) > 1:", "    if len(loads) > 2:"),
    (
        "say nothing of an http: page",
        C,
        'if parts.scheme == "http" and parts.hostname not in LOOPBACK:',
        'if parts.scheme == "http" and parts.hostname in LOOPBACK:',
    ),
    (
        "hold the page's policy to the worker's needs",
        C,
        "    if not worker_starts or ctx.cross:",
        "    if True:",
    ),
    (
        "octet-stream .wasm a problem in the worker too",
        C,
        'if name.endswith(".wasm") and ctx.boot == STRICT_BOOT and name in _handed_over(ctx):',
        "if False:",
    ),
    (
        "compressed copies never checked for 404",
        C,
        '            if accept != "identity":\n                _served(ctx, name, got, accept)',
        "            pass",
    ),
    (
        "compare encodings of an unhashed file: flipped",
        C,
        'if encoding != "identity" and got.encoding() and got.body != plain.body:',
        'if encoding != "identity" and got.encoding() and got.body == plain.body:',
    ),
    (
        "no CORS verdict",
        C,
        '        if allowed not in ("*", ctx.page_origin):',
        '        if allowed not in ("*", ctx.page_origin, None):',
    ),
    (
        "strict-dynamic: host sources count again",
        P,
        "    return not is_strict_dynamic(sources) and sources_allow(sources, url, page_origin)",
        "    return sources_allow(sources, url, page_origin)",
    ),
    (
        "a tag's nonce ignored",
        P,
        "    if nonce and \"'nonce-%s'\" % nonce in sources:  # nonces are case-sensitive",
        "    if False:",
    ),
    (
        "nonce compared case-insensitively",
        P,
        "\"'nonce-%s'\" % nonce in sources:",
        "\"'nonce-%s'\" % nonce.lower() in [s.lower() for s in sources]:",
    ),
    (
        "a same-build rebuild drops the build before it",
        OUT,
        '        before, kept = previous.get("entry"), sorted(older - new)',
        "        before, kept = None, []",
    ),
    (
        "a rebuild deletes the files it keeps",
        OUT,
        '    remove = (older | current) - set(manifest["files"]) - set(kept)',
        '    remove = (older | current) - set(manifest["files"])',
    ),
    (
        "a same-build rebuild forgets its tag",
        OUT,
        '            manifest["tag"] = old["tag"]',
        "            pass",
    ),
    (
        "decode stacked codings in the wrong order",
        Z,
        "for coding in reversed(codings):",
        "for coding in codings:",
    ),
    (
        "a br copy compressed again is not diagnosed",
        C,
        '    if encoding == "br" and inside == "gzip":',
        '    if encoding == "br" and inside == "br":',
    ),
    ("zstd taken as it comes, not decoded", Z, '"zstd": _unzstd,', '"zstd": lambda d: d,'),
    (
        "zstd never asked for (alone, nor as Chromium asks)",
        C,
        'BROWSER_ACCEPTS = "gzip, deflate, br, zstd"',
        'BROWSER_ACCEPTS = "gzip, deflate, br"',
    ),
    (
        "zstd never asked for alone",
        Z,
        '    return available() + (["zstd"] if zstd_module() is not None else [])',
        "    return available()",
    ),
    (
        "zstd read with a library's window, not a browser's",
        Z,
        "        if window is not None and window > ZSTD_WINDOW_MAX:\n"
        "            raise WindowTooLarge(window)\n"
        "        frame = zstd_module().ZstdDecompressor(max_window_size=ZSTD_WINDOW_MAX)",
        "        frame = zstd_module().ZstdDecompressor()",
    ),
    (
        "a zstd body that is not zstd only noted",
        C,
        'got.undecodable.startswith("check cannot read"):',
        'got.undecodable.startswith(("check cannot read", "not zstd")):',
    ),
]

TESTS = os.environ.get(
    "TESTS",
    "tests/test_policy.py tests/test_check_policy.py tests/test_check_files.py "
    "tests/test_deploy_rules.py tests/test_check_site.py tests/test_check_zstd.py",
).split()
only = sys.argv[1:]
for i, (what, path, old, new) in enumerate(BUGS, 1):
    if only and str(i) not in only:
        continue
    f = ROOT / path
    text = f.read_text()
    assert text.count(old) == 1, (what, text.count(old))
    f.write_text(text.replace(old, new))
    try:
        done = subprocess.run(
            [
                str(ROOT / ".venv/bin/python"),
                "-m",
                "pytest",
                *TESTS,
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                "--tb=no",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        failed = [x for x in done.stdout.splitlines() if x.startswith("FAILED")]
        print(
            f"{i:2d}. {what} [{path.split('/')[-1]}]: "
            + (failed[0][7:].split(" - ")[0] if failed else "NOT CAUGHT"),
            flush=True,
        )
    finally:
        f.write_text(text)
