"""The <script> tag a website adds: SRI hash, crossorigin, tag options checked and escaped."""

import json

from heap_device.core.errors import HeapDeviceError
from heap_device.core.settings import resolve_settings
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
    # The browser would refuse the same options with a console error; say it at build time.
    try:
        # appId usually comes from the RudderStack dashboard: a stand-in lets the rest be checked.
        _, notes = resolve_settings({"appId": "1"}, options)
    except HeapDeviceError as exc:
        raise UsageError("--options: " + str(exc).removeprefix("heap-device: ")) from None
    for level, text in notes:
        if level == "warn":
            raise UsageError(
                "--options: " + text.removeprefix("heap-device: ").replace(" ignored", "")
            )
