"""docs/website-setup.md's nginx, Caddy and Apache blocks, run on the real servers (no browser).

Each server runs exactly the docs' block (placeholders replaced, bound to 127.0.0.1) for one
shared build; every file of the build is asked for in each encoding (br, gzip, none) and its
answer must carry the right type, encoding, Vary, caching and policy, and decode to the built
bytes; then `heap-device check` must find the deploy sound. The blocks the docs gave before are
run too: each of their mistakes must show. A server that is not installed skips (one line; run
e2e/servers/install.sh as root). e2e/test_servers.py adds a Chromium visit per server.
"""

import gzip
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from e2e.servers import harness
from heap_device.tools import precompress
from heap_device.tools.bundle import is_content_addressed

CACHED_FOR_GOOD = "public, max-age=31536000, immutable"
JS_TYPES = ("text/javascript", "application/javascript")
TYPES = {".js": JS_TYPES, ".mjs": JS_TYPES, ".wasm": ("application/wasm",)}
TYPES |= {".json": ("application/json",), ".html": ("text/html",)}
SUFFIXES = {"br": ".br", "gzip": ".gz"}
# Accept-Encoding as Chromium sends it (with br: over HTTPS and on localhost), as an older
# browser or tool without brotli does, and none.
ASKED = {"br": "gzip, deflate, br", "gzip": "gzip, deflate", None: "identity"}

# The blocks docs/website-setup.md gave before this test ran them (wrapped in a site where the
# docs gave only the bundle's part): each one's mistakes are below.
NGINX_BEFORE = (
    """server {
    listen 80;
    root /var/www/site;
    add_header Content-Security-Policy "%s" always;
    location /heap/ {
        gzip_static on;
        brotli_static on;
        types { application/wasm wasm; text/javascript js mjs; application/octet-stream bin; }
        location ~ "\\.[0-9a-f]{12}(\\.[a-z]+)?(/|$)" {
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
    }
}
"""
    % harness.POLICY
)
CADDY_BEFORE = """www.example.com {
    root * /var/www/site
    handle /heap/* {
        file_server { precompressed br gzip }
        @hashed path_regexp \\.[0-9a-f]{12}(\\.[a-z]+)?(/|$)
        header @hashed Cache-Control "public, max-age=31536000, immutable"
    }
}
"""
APACHE_BEFORE = (
    """<VirtualHost *:80>
    DocumentRoot /var/www/site
    Header always set Content-Security-Policy "%s"
    <Directory /var/www/site>
        Require all granted
    </Directory>
    <Directory "/var/www/site/heap">
        RewriteEngine On
        RewriteCond %%{HTTP:Accept-Encoding} br
        RewriteCond %%{REQUEST_FILENAME}.br -f
        RewriteRule ^(.*)$ $1.br [L]
        RewriteCond %%{HTTP:Accept-Encoding} gzip
        RewriteCond %%{REQUEST_FILENAME}.gz -f
        RewriteRule ^(.*)$ $1.gz [L]
        <FilesMatch "\\.(js|mjs)\\.(br|gz)$">
            ForceType text/javascript
        </FilesMatch>
        <FilesMatch "\\.wasm\\.(br|gz)$">
            ForceType application/wasm
        </FilesMatch>
        <FilesMatch "\\.br$">
            Header set Content-Encoding br
        </FilesMatch>
        <FilesMatch "\\.gz$">
            Header set Content-Encoding gzip
        </FilesMatch>
        Header append Vary Accept-Encoding
    </Directory>
</VirtualHost>
"""
    % harness.POLICY
)


def needs(server):
    why = harness.missing(server)
    if why:
        pytest.skip(why)


@pytest.fixture
def site():
    """One build and its page for every server (a folder every server's user can read)."""
    return harness.shared_site()


def decoded(body, encoding):
    if encoding is None:
        return body
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "br":
            return precompress.brotli_module().decompress(body)
    except Exception:  # noqa: BLE001 (any decoder error: the body is not what it says)
        return None
    return None


def one(headers, name):
    return ", ".join(headers.get(name.lower(), [])) or None


def answer_problems(path, asked, status, headers, body, built, copies):
    """What is wrong with one answer for the file whose bytes are ``built`` (``copies``: the
    encodings of its .br/.gz copies)."""
    said = f"{path} ({asked or 'identity'})"
    if status != 200:
        return [f"{said}: HTTP {status}"]
    problems = []
    kind = (one(headers, "Content-Type") or "").split(";")[0].strip()
    wanted = TYPES.get(Path(path).suffix)
    if wanted and kind not in wanted:
        problems.append(f"{said}: Content-Type {kind or 'none'}")
    encoding = one(headers, "Content-Encoding")
    if asked in copies and encoding != asked:
        problems.append(f"{said}: Content-Encoding {encoding}, not the .{asked[:2]} copy's")
    elif encoding not in (None, *ASKED[asked].split(", ")):  # compressed on the way out
        problems.append(f"{said}: Content-Encoding {encoding}, not asked for")
    got = decoded(body, encoding)
    if got is None:
        problems.append(f"{said}: the body is not {encoding} (starts {body[:4]!r})")
    elif got != built:
        problems.append(f"{said}: decodes to other bytes than the build wrote")
    if (encoding or copies) and "accept-encoding" not in (one(headers, "Vary") or "").lower():
        # Else a shared cache hands this answer to every browser, whatever it accepts.
        problems.append(f"{said}: Content-Encoding {encoding} without Vary: Accept-Encoding")
    if one(headers, "Content-Language"):
        problems.append(f"{said}: Content-Language {one(headers, 'Content-Language')}")
    cache = one(headers, "Cache-Control")
    if is_content_addressed(path.removeprefix(harness.BASE_URL + "/")):
        if cache != CACHED_FOR_GOOD:
            problems.append(f"{said}: Cache-Control {cache}, not {CACHED_FOR_GOOD}")
    elif cache != "no-cache":
        problems.append(f"{said}: Cache-Control {cache}, not no-cache")
    if one(headers, "Content-Security-Policy") != harness.POLICY:
        problems.append(
            f"{said}: Content-Security-Policy {one(headers, 'Content-Security-Policy')}"
        )
    return problems


def header_problems(running, root, manifest):
    """Every problem of every answer: the page, and each file of the build in each encoding."""
    names = manifest["files"]
    wanted = [("/", root / "index.html")] + [
        (harness.BASE_URL + "/" + name, root / "heap" / name)
        for name in ["heap-device.files.json", *names]
        if not precompress.is_copy(name, set(names))
    ]
    problems = []
    for path, file in wanted:
        built = file.read_bytes()
        copies = {e for e, suffix in SUFFIXES.items() if Path(str(file) + suffix).exists()}
        for asked in ("br", "gzip", None):
            status, headers, body = running.get(path, ASKED[asked])
            problems += answer_problems(path, asked, status, headers, body, built, copies)
    return problems


def test_the_docs_hold_one_block_per_server_with_the_placeholders_they_name():
    blocks = harness.doc_blocks()
    assert sorted(blocks) == sorted(harness.SERVERS)
    text = harness.DOC.read_text(encoding="utf-8")
    for placeholder in (harness.HOST, harness.SITE, "port `80`"):
        assert placeholder in text
    for server, block in blocks.items():
        config = harness.render(server, block, "/srv/x", 8123)
        assert harness.SITE not in config and "/srv/x" in config
        assert re.search(r"(?<![\d.:])80\b", config.replace("8123", "")) is None, server
        assert "127.0.0.1" in config and harness.POLICY in config
    with pytest.raises(ValueError, match="docs' caddy block has no 'www.example.com {'"):
        harness.render("caddy", "example.org {\n    root * /var/www/site\n}\n", "/srv/x", 8123)
    with pytest.raises(ValueError, match="two server-config blocks for nginx"):
        mark = "<!-- server-config: nginx -->\n```nginx\nserver {}\n```\n"
        harness.doc_blocks(mark + mark)


@pytest.mark.parametrize("server", harness.SERVERS)
def test_the_docs_block_serves_every_file_right_and_check_finds_it_sound(server, site):
    needs(server)
    root, manifest = site
    with harness.Running(server, harness.doc_blocks()[server], root) as running:
        assert header_problems(running, root, manifest) == []
        checked = harness.heap_device("check", running.origin + "/")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Every file the tag loads (the manifest's, less .br/.gz copies and the tag file), as its .br.
    loaded = len([name for name in manifest["files"] if not name.endswith((".br", ".gz", ".html"))])
    assert "heap-device check: sound: %d files served right" % loaded in checked.stdout
    assert "Content-Encoding: br %d)" % loaded in checked.stdout


@pytest.mark.parametrize("server", harness.SERVERS)
def test_over_https_with_a_certificate_the_client_trusts(server, site):
    """The docs' block with the TLS lines a reader adds; check trusts the test's certificate."""
    needs(server)
    root, manifest = site
    tls = harness.tls()
    with harness.Running(server, harness.doc_blocks()[server], root, tls) as running:
        assert running.origin.startswith("https://127.0.0.1:")
        assert header_problems(running, root, manifest) == []
        env = {**harness.os.environ, "SSL_CERT_FILE": str(tls[0])}
        checked = harness.heap_device("check", running.origin + "/", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_nginx_as_the_docs_had_it(site):
    """types { } in a location replaced mime.types (the manifest went out as octet-stream), no
    gzip_vary, and the nested location's add_header dropped the site's policy."""
    needs("nginx")
    root, manifest = site
    with harness.Running("nginx", NGINX_BEFORE, root) as running:
        problems = header_problems(running, root, manifest)
    text = "\n".join(problems)
    assert "/heap/heap-device.files.json (identity): Content-Type application/octet-stream" in text
    assert re.search(
        r"/heap/micropython\.\w+/micropython\.wasm \(br\): Content-Encoding br "
        r"without Vary",
        text,
    )
    assert re.search(
        r"/heap/heap-device-runtime\.\w+\.js \(identity\): Content-Security-Policy "
        r"None",
        text,
    )


def test_caddy_refuses_the_one_line_precompressed_block_the_docs_had(site):
    needs("caddy")
    root, _ = site
    with pytest.raises(harness.StartFailed, match="Unexpected next token after '{' on same line"):
        harness.Running("caddy", CADDY_BEFORE, root).stop()


def test_apache_as_the_docs_had_it_compresses_the_copies_again(site):
    """Debian's mod_deflate gzips the .br copies once more (still labelled br: browsers fail
    with ERR_CONTENT_DECODING_FAILED), and mime.conf sends .br as Content-Language: br."""
    needs("apache")
    root, manifest = site
    with harness.Running("apache", APACHE_BEFORE, root) as running:
        problems = header_problems(running, root, manifest)
    text = "\n".join(problems)
    assert re.search(
        r"heap-device-runtime\.\w+\.js \(br\): the body is not br \(starts "
        r"b'\\x1f\\x8b",
        text,
    ), text
    assert re.search(r"micropython\.wasm \(br\): Content-Language br", text)
    assert re.search(r"micropython\.wasm \(br\): Cache-Control None", text)


def test_check_names_apaches_double_compression(site):
    needs("apache")
    root, _ = site
    with harness.Running("apache", APACHE_BEFORE, root) as running:
        checked = harness.heap_device("check", running.origin + "/")
    assert "Traceback" not in checked.stderr, checked.stderr
    assert checked.returncode == 1
    for name in (r"heap-device-runtime\.\w+\.js", r"micropython\.wasm"):
        assert re.search(name + r"\b.*Content-Encoding", checked.stdout), checked.stdout


@pytest.mark.parametrize("server", harness.SERVERS)
def test_check_names_a_gz_copy_that_holds_other_bytes(server, site, tmp_path):
    """The docs' block serving a build whose micropython.wasm.gz is not its .wasm (a copy left
    from another build): a browser without brotli gets other bytes and refuses them."""
    needs(server)
    root, _ = site
    changed = Path(tempfile.mkdtemp(prefix="heap-site-"))
    try:
        shutil.copytree(root, changed, dirs_exist_ok=True)
        [wasm] = changed.glob("heap/micropython.*/micropython.wasm")
        other = bytearray(wasm.read_bytes())
        other[100] ^= 1
        wasm.with_name(wasm.name + ".gz").write_bytes(gzip.compress(bytes(other)))
        with harness.Running(server, harness.doc_blocks()[server], changed) as running:
            checked = harness.heap_device("check", running.origin + "/")
    finally:
        shutil.rmtree(changed, ignore_errors=True)
    assert checked.returncode == 1, checked.stdout
    assert re.search(r"micropython\.wasm\b.*Content-Encoding: gzip", checked.stdout)


def test_a_server_that_is_not_installed_is_named_in_one_line(monkeypatch):
    monkeypatch.setitem(harness.BINARIES, "caddy", "no-such-caddy")
    expected = "no-such-caddy is not installed (run e2e/servers/install.sh as root)"
    assert harness.missing("caddy") == expected


def test_check_names_the_answer_chromium_gets_from_apache_as_the_docs_had_it(site):
    """Only a request accepting br and gzip at once (every browser's) gets mod_deflate's gzip
    inside the .br copy, labelled br: what Chromium refuses with ERR_CONTENT_DECODING_FAILED."""
    needs("apache")
    root, _ = site
    with harness.Running("apache", APACHE_BEFORE, root) as running:
        checked = harness.heap_device("check", running.origin + "/")
    assert re.search(r"micropython\.wasm\b.*Content-Encoding: br\b", checked.stdout)
