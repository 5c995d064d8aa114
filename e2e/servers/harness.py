"""Run docs/website-setup.md's server configurations on the real servers, bound to 127.0.0.1.

``doc_blocks()`` reads each block marked ``<!-- server-config: NAME ... -->`` from the docs.
``render`` replaces only the placeholders the docs name (``www.example.com``, ``/var/www/site``,
port ``80``) and, for HTTPS, adds the TLS lines a reader adds. ``Running`` starts the server as a
child process in the foreground (no daemon, no service, nothing left behind) with its own
wrapper configuration: what the Debian package's main configuration file contributes
(nginx.conf's ``mime.types`` and ``gzip on``, Apache's enabled modules and ``mime.conf``), with
logs, pid and state in a temporary folder. ``make_site`` builds one bundle and a page for all.
"""

import atexit
import functools
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "website-setup.md"
SERVERS = ("nginx", "caddy", "apache")
BINARIES = {"nginx": "nginx", "caddy": "caddy", "apache": "apache2"}
# The placeholders the docs ask readers to replace.
HOST = "www.example.com"
SITE = "/var/www/site"
BASE_URL = "/heap"
POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
    "worker-src 'self'; connect-src 'self' https://*.heap-api.com"
)
SDK = REPO / "node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js"
# The page's RudderStack load code: the Heap.io destination in device mode, no outside traffic.
LOAD_CODE = """
const analytics = new rudderanalytics.RudderAnalytics();
analytics.load('write-key', location.origin, {getSourceConfig: () => ({source: {id: 's',
  workspaceId: 'w', enabled: true, config: {}, destinations: [{id: 'h', enabled: true,
  config: {appId: '1234567890'},
  destinationDefinition: {name: 'HEAP', displayName: 'Heap.io'}}]}}),
  destSDKBaseURL: location.origin + '/no-integrations', polyfillIfRequired: false});
rudderanalytics.identify('user-behind-a-real-server', {plan: 'pro'});
rudderanalytics.track('Served By A Real Server', {n: 1});
"""
START_TIMEOUT_S = 15
_MARK = re.compile(r"<!-- server-config: (\w+)[^>]*-->\n```\w+\n(.*?)\n```", re.S)


def doc_blocks(text=None):
    """{server: config text} for every marked block of the docs."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    blocks = {}
    for name, body in _MARK.findall(text):
        if name in blocks:
            raise ValueError(f"docs: two server-config blocks for {name}")
        blocks[name] = body + "\n"
    return blocks


def executable(server):
    """The server's program (Debian puts nginx and apache2 in /usr/sbin, off a user's PATH)."""
    binary = BINARIES[server]
    return shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")


def missing(server):
    """Why ``server`` cannot run here (one line), or None."""
    if executable(server) is None:
        return f"{BINARIES[server]} is not installed (run e2e/servers/install.sh as root)"
    if (
        server == "nginx"
        and not Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so").exists()
    ):
        return (
            "libnginx-mod-http-brotli-static is not installed (run e2e/servers/install.sh as root)"
        )
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch(prefix):
    """A temporary folder removed when the tests end."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def tls():
    """A self-signed certificate for 127.0.0.1 (cert, key paths), made once with openssl."""
    folder = _scratch("heap-tls-")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _replace(text, old, new, server):
    if old not in text:
        raise ValueError(f"docs' {server} block has no {old!r} to replace")
    return text.replace(old, new)


def render(server, block, root, port, tls=None):
    """The docs' ``block`` for ``root`` on 127.0.0.1:``port``; ``tls``: (cert, key) for HTTPS."""
    text = _replace(block, SITE, str(root), server)
    if server == "nginx":
        listen = f"listen 127.0.0.1:{port}" + (" ssl" if tls else "") + ";"
        if tls:
            listen += f"\n    ssl_certificate {tls[0]};\n    ssl_certificate_key {tls[1]};"
        return _replace(text, "listen 80;", listen, server)
    if server == "caddy":
        scheme = "https" if tls else "http"
        head = f"{scheme}://127.0.0.1:{port} {{\n    bind 127.0.0.1"
        if tls:
            head += f"\n    tls {tls[0]} {tls[1]}"
        return _replace(text, HOST + " {", head, server)
    if server == "apache":
        head = f"<VirtualHost 127.0.0.1:{port}>"
        if tls:
            head += f"\n    SSLEngine on\n    SSLCertificateFile {tls[0]}\n"
            head += f"    SSLCertificateKeyFile {tls[1]}"
        return _replace(text, "<VirtualHost *:80>", head, server)
    raise ValueError(server)


def _nginx_main(folder, site_conf):
    # What Debian's /etc/nginx/nginx.conf gives a conf.d file: modules, mime.types, gzip on.
    temps = "".join(
        f"    {kind}_temp_path {folder}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "daemon off;\nmaster_process off;\n"
        f"pid {folder}/nginx.pid;\n"
        "include /etc/nginx/modules-enabled/*.conf;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        "    gzip on;\n"
        "    access_log off;\n"
        f"    error_log {folder}/error.log warn;\n"
        f"{temps}"
        f"    include {site_conf};\n"
        "}\n"
    )


def _caddy_main(folder, site):
    return (
        "{\n    admin off\n    auto_https disable_redirects\n"
        f"    storage file_system {folder}/caddy-data\n}}\n\n" + site
    )


def _load(module):
    """Apache's LoadModule for ``module`` unless the enabled modules have it (a2enmod's job)."""
    path = f"/usr/lib/apache2/modules/mod_{module}.so"
    return f"<IfModule !{module}_module>\n    LoadModule {module}_module {path}\n</IfModule>"


def _apache_main(folder, site_conf, port, tls):
    # What Debian's /etc/apache2/apache2.conf gives a site: the enabled modules (mod_deflate and
    # mime.conf among them), plus the two the docs enable (a2enmod rewrite headers).
    lines = [
        "ServerRoot /etc/apache2",
        f"DefaultRuntimeDir {folder}",
        f"PidFile {folder}/apache2.pid",
        f"Mutex file:{folder} default",
        f"ErrorLog {folder}/error.log",
        "LogLevel warn",
        "ServerName 127.0.0.1",
        "IncludeOptional /etc/apache2/mods-enabled/*.load",
        "IncludeOptional /etc/apache2/mods-enabled/*.conf",
        _load("rewrite"),
        _load("headers"),
        "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>",
        f"Listen 127.0.0.1:{port}",
    ]
    if os.geteuid() == 0:
        lines.insert(0, "User www-data\nGroup www-data")
    if tls:
        lines += [_load("socache_shmcb"), _load("ssl")]
    lines.append(f"Include {site_conf}")
    return "\n".join(lines) + "\n"


class Running:
    """One server running ``block`` (the docs' text, or a variant a test wrote) for ``root``."""

    def __init__(self, server, block, root, tls=None):
        self.server, self.root, self.tls = server, Path(root), tls
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix=f"heap-{server}-"))
        self.folder.chmod(0o755)  # Apache's children (www-data, when run as root) use its locks
        self.origin = ("https" if tls else "http") + f"://127.0.0.1:{self.port}"
        self.config = render(server, block, root, self.port, tls)
        self.log = self.folder / "server.log"
        env = dict(os.environ)
        if server == "nginx":
            site = self.folder / "site.conf"
            site.write_text(self.config)
            main = self.folder / "nginx.conf"
            main.write_text(_nginx_main(self.folder, site))
            cmd = [executable("nginx"), "-e", str(self.folder / "error.log")]
            cmd += ["-c", str(main)]
        elif server == "caddy":
            main = self.folder / "Caddyfile"
            main.write_text(_caddy_main(self.folder, self.config))
            cmd = [executable("caddy"), "run", "--config", str(main), "--adapter", "caddyfile"]
            env.update(HOME=str(self.folder), XDG_DATA_HOME=str(self.folder))
            env.update(XDG_CONFIG_HOME=str(self.folder))
        else:
            site = self.folder / "site.conf"
            site.write_text(self.config)
            main = self.folder / "apache2.conf"
            main.write_text(_apache_main(self.folder, site, self.port, tls))
            cmd = [executable("apache"), "-DFOREGROUND", "-f", str(main)]
        self.process = subprocess.Popen(
            cmd, stdout=self.log.open("wb"), stderr=subprocess.STDOUT, env=env, cwd=self.folder
        )
        self._wait_until_up()

    def output(self):
        text = self.log.read_text(errors="replace")
        error_log = self.folder / "error.log"
        if error_log.exists():
            text += error_log.read_text(errors="replace")
        return text.strip()

    def _wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise StartFailed(self.server, output)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise StartFailed(self.server, "did not listen within %ds" % START_TIMEOUT_S)

    def get(self, path, encoding=None):
        """(status, headers as {lowercase name: [values]}, body as sent) for GET ``path``."""
        if self.tls:
            context = ssl.create_default_context(cafile=str(self.tls[0]))
            conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=20)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("GET", path, headers={"Accept-Encoding": encoding or "identity"})
            answer = conn.getresponse()
            headers = {}
            for name, value in answer.getheaders():
                headers.setdefault(name.lower(), []).append(value)
            return answer.status, headers, answer.read()
        finally:
            conn.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class StartFailed(Exception):
    def __init__(self, server, output):
        super().__init__(f"{server} did not start: {output}")
        self.output = output


def heap_device(*args, **options):
    return subprocess.run(
        [sys.executable, "-m", "heap_device.tools.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        **options,
    )


@functools.cache
def shared_site():
    """(folder, manifest) of one site for every server test of the run (one build)."""
    root = _scratch("heap-site-")
    return root, make_site(root)


def make_site(root):
    """One bundle at ``root``/heap (the docs' build) and a page holding its tag at ``root``/."""
    root = Path(root)
    root.chmod(0o755)  # Apache's children (www-data, when run as root) read it
    built = heap_device("build", "--out", str(root / "heap"), "--base-url", BASE_URL)
    if built.returncode != 0:
        raise RuntimeError(built.stderr)
    shutil.copyfile(SDK, root / "rsa.js")
    (root / "analytics.js").write_text(LOAD_CODE, encoding="utf-8")
    html = '<!doctype html><html><head><meta charset="utf-8">\n' + built.stdout
    html += '<script src="/rsa.js"></script><script src="/analytics.js"></script>\n'
    html += "</head><body><h1>heap-device behind a real server</h1></body></html>\n"
    (root / "index.html").write_text(html, encoding="utf-8")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return json.loads((root / "heap" / "heap-device.files.json").read_text(encoding="utf-8"))
