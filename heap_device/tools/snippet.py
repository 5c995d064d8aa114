"""The <script> tag a website adds: the SRI hash of a built heap-device.js, options checked."""

import base64
import hashlib
import json
from pathlib import Path

from heap_device.core import settings
from heap_device.core.errors import HeapDeviceError
from heap_device.tools import UsageError
from heap_device.tools.assets import TEMPLATES

TAG_FILE = "heap-device.tag.html"  # where build saves the tag beside the bundle
BASE_URL_EXAMPLE = "e.g. /heap or https://cdn.example.com/heap"


def integrity(data):
    """Subresource Integrity value (sha384) of a file's bytes (or text, as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def check_base_url(base_url):
    """The base URL if a browser would load the bundle from it on every page; else UsageError."""
    scheme = base_url.split(":", 1)[0].lower() if ":" in base_url else ""
    if (
        not base_url
        or any(c.isspace() or c in "\"'<>`\\" or ord(c) < 32 for c in base_url)
        or (scheme and scheme not in ("http", "https"))
    ):
        raise UsageError(f"--base-url {base_url!r} is not a usable URL ({BASE_URL_EXAMPLE})")
    if not scheme and not base_url.startswith("/"):
        raise UsageError(
            f"--base-url {base_url!r} is relative, so it breaks on any page not at the site's "
            f"root: start it with / or http(s):// ({BASE_URL_EXAMPLE})"
        )
    if scheme and not base_url.split(":", 1)[1].startswith("//"):
        raise UsageError(f"--base-url {base_url!r} names no host ({BASE_URL_EXAMPLE})")
    return base_url


def parse_options(options_text):
    """The --options JSON as a dict (None when not given), checked as the browser would."""
    if options_text is None:
        return None
    try:
        options = json.loads(options_text)
    except ValueError as exc:
        raise UsageError(f"--options is not valid JSON ({exc})") from None
    if not isinstance(options, dict):
        raise UsageError('--options must be a JSON object, e.g. \'{"sdk": "classic"}\'')
    _check_options(options)
    return options


def snippet_from(folder, base_url, options_text=None):
    """The tag for the build in ``folder``: the SRI of the heap-device.js found there."""
    adapter = Path(folder) / "heap-device.js"
    try:
        data = adapter.read_bytes()
    except OSError:
        raise UsageError(
            f"--from {str(folder)!r} holds no heap-device.js: name the folder heap-device build "
            "wrote (its --out)"
        ) from None
    return render_tag(data, base_url, options_text)


def render_tag(adapter_bytes, base_url, options_text=None):
    """The <script> tag for the given heap-device.js bytes, served from ``base_url``."""
    import jinja2

    check_base_url(base_url)
    options = parse_options(options_text)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("snippet.html").render(
        src=base_url.rstrip("/") + "/heap-device.js",
        integrity=integrity(adapter_bytes),
        options=None if options is None else json.dumps(options, separators=(",", ":")),
    )


def _check_options(options):
    # The browser would refuse the same options with a console error; say it at build time, from
    # each setting's declaration. (appId usually comes from the dashboard: none is needed here.)
    for key, value in options.items():
        if key in settings.SDK_KEYS:
            continue
        if key not in settings.BY_NAME:
            known = ", ".join(setting.name for setting in settings.DECLARED)
            raise UsageError('--options: unknown setting "%s" (known settings: %s)' % (key, known))
        try:
            clean = settings.checked(key, value)
        except HeapDeviceError as exc:
            raise UsageError("--options: " + str(exc)) from None
        if clean is None and key == "appId":  # it would unset the dashboard's appId
            raise UsageError("--options: appId is empty; give the digits or leave appId out")
