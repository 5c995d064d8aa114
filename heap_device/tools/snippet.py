"""The <script> tag a website adds: the SRI hash of a build's entry file, options checked."""

import base64
import hashlib
import json

from heap_device.core import settings
from heap_device.core.errors import HeapDeviceError
from heap_device.tools import UsageError
from heap_device.tools.assets import TEMPLATES
from heap_device.tools.output import entry_file, remembered_tag

BASE_URL_EXAMPLE = "e.g. /heap or https://cdn.example.com/heap"


def integrity(data, algorithm="sha384"):
    """Subresource Integrity value (sha384 unless told) of a file's bytes (or text, as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    digest = hashlib.new(algorithm, data).digest()
    return algorithm + "-" + base64.b64encode(digest).decode("ascii")


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


def snippet_from(folder, base_url=None, options_text=None):
    """The tag for the build in ``folder``: the SRI of its entry file as found there.

    Without ``base_url`` or ``options_text``, those the build printed its tag with are used.
    """
    entry = entry_file(folder)
    remembered_url, remembered_options = remembered_tag(folder)
    if base_url is None:
        base_url = remembered_url
        if base_url is None:
            raise UsageError(
                f"--from {str(folder)!r} was built without --base-url: give --base-url "
                f"({BASE_URL_EXAMPLE})"
            )
    if options_text is None:
        options_text = remembered_options
    name = entry.relative_to(folder).as_posix()
    return render_tag(entry.read_bytes(), name, base_url, options_text)


def render_tag(entry_bytes, entry_name, base_url, options_text=None):
    """The <script> tag for the given entry file's bytes, served from ``base_url``."""
    import jinja2

    check_base_url(base_url)
    options = parse_options(options_text)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("snippet.html").render(
        src=base_url.rstrip("/") + "/" + entry_name,
        integrity=integrity(entry_bytes),
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
