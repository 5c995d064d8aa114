"""Settings: the RudderStack destination config, overridden by the script tag's options
(docs/contract.md §2).

Each setting is declared once, in DECLARED below: its name, what it accepts, its default, a
line a user can read, and its check. The defaults, the checks, the README's table (tests check it)
and the CLI's `--options` validation all read that declaration.
"""

from heap_device.core.errors import HeapDeviceError


class Setting:
    """One setting as users see it, and the check that turns a given value into a clean one."""

    def __init__(self, name, accepts, default, description, check, blank_is_unset=True):
        self.name = name
        self.accepts = accepts  # what a valid value looks like, in a user's words
        self.default = default  # None: not set (appId: required)
        self.description = description
        self.check = check  # given value -> clean value, or None when it is not acceptable
        # A blank dashboard field arrives as "": for most settings that means "not set".
        self.blank_is_unset = blank_is_unset


# Keys RudderStack itself puts in a destination config: the SDK acts on them, we do not.
SDK_KEYS = (
    "connectionMode",
    "useNativeSDK",
    "useNativeSDKToSend",
    "eventFilteringOption",
    "whitelistedEvents",
    "blacklistedEvents",
    "oneTrustCookieCategories",
    "ketchConsentPurposes",
    "consentManagement",
    "dataResidency",
    "eventDelivery",
    "eventDeliveryTS",
)

APP_ID_MAX = 32
_HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-."
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def _show(value):
    """A value as the user wrote it, for error messages: strings quoted, JSON words for others."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is str:
        return '"' + (value if len(value) <= 60 else value[:57] + "...") + '"'
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _app_id(value):
    if type(value) is int:
        value = str(value)
    if type(value) is not str:
        return None
    value = value.strip()
    if not 1 <= len(value) <= APP_ID_MAX:
        return None
    for ch in value:
        if ch not in "0123456789":
            return None
    return value


def _bool(value):
    return value if value is True or value is False else None


def _choice(*allowed):
    def check(value):
        return value if type(value) is str and value in allowed else None

    return check


def _hostname(value):
    if type(value) is not str or not value:
        return None
    host, _, port = value.lower().partition(":")
    if not host or host[0] in "-." or host[-1] in "-.":
        return None
    for ch in host:
        if ch not in _HOST_CHARS:
            return None
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return None
    return value.lower()


def _split_url(value):
    """(scheme, host) of an absolute http(s) URL, or None."""
    if type(value) is not str:
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return None
    host = rest
    for stop in "/?#":
        host = host.partition(stop)[0]
    if not host or " " in value or '"' in value or "<" in value:
        return None
    return scheme.lower(), host.lower()


def _https_url(value):
    parts = _split_url(value)
    return value if parts and parts[0] == "https" else None


def _script_url(value):
    if type(value) is str and value.startswith("/") and not value.startswith("//"):
        return value if " " not in value and '"' not in value else None
    parts = _split_url(value)
    if not parts:
        return None
    scheme, host = parts
    if scheme == "https":
        return value
    hostname = host.rpartition(":")[0] if host.count(":") == 1 or host.startswith("[") else host
    return value if hostname in _LOOPBACK else None


def _account_property(value):
    if type(value) is not str or not value.strip() or value == "user_id":
        return None
    return value


DECLARED = (
    Setting(
        "appId",
        "a Heap environment ID (digits only)",
        None,
        "your Heap environment ID (required; usually set in the RudderStack dashboard)",
        _app_id,
    ),
    Setting(
        "sdk",
        'one of "v5" or "classic"',
        "v5",
        "which Heap loader: the current one (v5) or Heap's classic heap.js",
        _choice("v5", "classic"),
    ),
    Setting(
        "hostname",
        'a host name without scheme or path, e.g. "heap.example.com"',
        None,
        "load heap.js from your own host (self-hosting)",
        _hostname,
    ),
    Setting(
        "scriptUrl",
        'an https URL of heap.js (http only on localhost), or a path such as "/heap.js"',
        None,
        "the full heap.js URL; overrides the CDN and hostname",
        _script_url,
    ),
    Setting("disableTextCapture", "true or false", False, "passed to heap.load", _bool),
    Setting(
        "secureCookie", "true or false", False, "passed to heap.load (needed inside iframes)", _bool
    ),
    Setting(
        "ingestServer",
        'an https URL, e.g. "https://heap.example.com"',
        None,
        "passed to heap.load (first-party collection)",
        _https_url,
    ),
    Setting(
        "trackingServer",
        'an https URL, e.g. "https://heap.example.com"',
        None,
        "passed to heap.load (classic loader)",
        _https_url,
    ),
    Setting(
        "trackPageCalls",
        "true or false",
        False,
        'send page() calls as heap.track("Page Viewed", properties)',
        _bool,
    ),
    Setting(
        "resetOnReset",
        "true or false",
        True,
        "rudderanalytics.reset() also calls heap.resetIdentity()",
        _bool,
    ),
    Setting(
        "accountIdProperty",
        'a non-empty property name other than "user_id"',
        "account_id",
        "the user property group() writes the group id to",
        _account_property,
        blank_is_unset=False,  # "" is a mistake here, not a blank field: refuse it
    ),
    Setting(
        "arrayFormat",
        'one of "joined" or "json"',
        "joined",
        'arrays as "a||b" (Heap\'s own form) or as JSON text',
        _choice("joined", "json"),
    ),
    Setting(
        "transformErrors",
        'one of "drop" or "send"',
        "drop",
        "when your own transformEvent fails: drop the message (a masking rule that fails must "
        "not leak what it masks), or send it as it was",
        _choice("drop", "send"),
    ),
    Setting(
        "debug",
        "true or false",
        False,
        "log each message, its Heap calls, and what was dropped or cut",
        _bool,
    ),
)
BY_NAME = {setting.name: setting for setting in DECLARED}
DEFAULTS = {setting.name: setting.default for setting in DECLARED}
_KNOWN = ", ".join(setting.name for setting in DECLARED)


def resolve_settings(dest_config, tag_options=None):
    """Merge the destination config with tag options; return (settings, notes).

    Raises HeapDeviceError naming the bad value and the fix. Unknown keys give one warning note.
    """
    if dest_config is None:
        dest_config = {}
    if tag_options is None:
        tag_options = {}
    if not isinstance(dest_config, dict):
        raise HeapDeviceError(
            "the destination config must be an object, not %s" % _show(dest_config)
        )
    if not isinstance(tag_options, dict):
        raise HeapDeviceError(
            "data-options must be a JSON object such as "
            '{"trackPageCalls": true}, not %s' % _show(tag_options)
        )
    notes = []
    given = {}
    unknown = []
    for source in (dest_config, tag_options):
        for key in source:
            if key in BY_NAME:
                given[key] = source[key]
            elif key not in SDK_KEYS and key not in unknown:
                unknown.append(key)
                notes.append(
                    (
                        "warn",
                        'unknown setting "%s" ignored (known settings: %s)' % (key, _KNOWN),
                    )
                )
    settings = dict(DEFAULTS)
    for setting in DECLARED:
        if setting.name in given:
            clean = checked(setting.name, given[setting.name])
            if clean is not None:
                settings[setting.name] = clean
    # The SDK decides with the destination's consent settings whether Heap loads; the core looks
    # at them again when the page's consent changes (consent.py).
    settings["consentManagement"] = None
    for source in (dest_config, tag_options):
        if "consentManagement" in source:
            settings["consentManagement"] = source["consentManagement"]
    if settings["appId"] is None:
        raise HeapDeviceError(
            "appId is missing: set it to your Heap environment ID (digits only) "
            "in the RudderStack destination or in data-options"
        )
    return settings, notes


def checked(key, value):
    """A known setting's given value -> its clean value, or None when it counts as not set.

    Raises HeapDeviceError naming the bad value and what the setting accepts.
    """
    setting = BY_NAME[key]
    if value is None or (value == "" and setting.blank_is_unset):
        return None
    clean = setting.check(value)
    if clean is None:
        if key == "appId":
            raise HeapDeviceError(
                "appId %s is not a Heap environment ID (digits only, at most %d); "
                "copy it from Heap's Account > Manage > Projects page" % (_show(value), APP_ID_MAX)
            )
        raise HeapDeviceError("%s %s is not valid: use %s" % (key, _show(value), setting.accepts))
    return clean
