"""The <script> tag a website adds: SRI hash, crossorigin, tag options checked and escaped."""

import json

from heap_device.core import settings
from heap_device.core.errors import HeapDeviceError
from heap_device.tools import UsageError
from heap_device.tools.assets import TEMPLATES
from heap_device.tools.bundle import DEFAULT_BOOT, integrity, render_adapter


def snippet(base_url, options_text, runtime, boot=DEFAULT_BOOT):
    """The <script> tag a website adds, with SRI and the tag options HTML-escaped."""
    import jinja2

    scheme = base_url.split(":", 1)[0].lower() if ":" in base_url else ""
    if (
        not base_url
        or any(c.isspace() or c in "\"'<>`\\" or ord(c) < 32 for c in base_url)
        or (scheme and scheme not in ("http", "https"))
    ):
        raise UsageError(
            f"--base-url {base_url!r} is not a usable URL (e.g. /heap or https://cdn.example.com/heap)"
        )
    options = None
    if options_text is not None:
        try:
            options = json.loads(options_text)
        except ValueError as exc:
            raise UsageError(f"--options is not valid JSON ({exc})") from None
        if not isinstance(options, dict):
            raise UsageError('--options must be a JSON object, e.g. \'{"sdk": "classic"}\'')
        _check_options(options)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("snippet.html").render(
        src=base_url.rstrip("/") + "/heap-device.js",
        integrity=integrity(render_adapter(runtime, boot)),
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
            raise UsageError("--options: " + str(exc).removeprefix("heap-device: ")) from None
        if clean is None and key == "appId":  # it would unset the dashboard's appId
            raise UsageError("--options: appId is empty; give the digits or leave appId out")
