"""Settings: the RudderStack destination config, overridden by the script tag's options (SPEC 2)."""

from heap_device.core.errors import HeapDeviceError

# Each setting: (default, checker, what a valid value looks like). Checkers return the clean
# value or None when the value is not acceptable.
DEFAULTS = {
    "appId": None,
    "sdk": "v5",
    "hostname": None,
    "scriptUrl": None,
    "disableTextCapture": False,
    "secureCookie": False,
    "ingestServer": None,
    "trackingServer": None,
    "trackPageCalls": False,
    "resetOnReset": True,
    "accountIdProperty": "account_id",
    "arrayFormat": "joined",
    "debug": False,
}

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


CHECKS = {
    "appId": (_app_id, "a Heap environment ID (digits only)"),
    "sdk": (_choice("v5", "classic"), 'one of "v5" or "classic"'),
    "hostname": (_hostname, 'a host name without scheme or path, e.g. "heap.example.com"'),
    "scriptUrl": (
        _script_url,
        'an https URL of heap.js (http only on localhost), or a path such as "/heap.js"',
    ),
    "disableTextCapture": (_bool, "true or false"),
    "secureCookie": (_bool, "true or false"),
    "ingestServer": (_https_url, 'an https URL, e.g. "https://heap.example.com"'),
    "trackingServer": (_https_url, 'an https URL, e.g. "https://heap.example.com"'),
    "trackPageCalls": (_bool, "true or false"),
    "resetOnReset": (_bool, "true or false"),
    "accountIdProperty": (_account_property, 'a non-empty property name other than "user_id"'),
    "arrayFormat": (_choice("joined", "json"), 'one of "joined" or "json"'),
    "debug": (_bool, "true or false"),
}


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
            "heap-device: the destination config must be an object, not %s" % _show(dest_config)
        )
    if not isinstance(tag_options, dict):
        raise HeapDeviceError(
            "heap-device: data-options must be a JSON object such as "
            '{"trackPageCalls": true}, not %s' % _show(tag_options)
        )
    notes = []
    given = {}
    for source in (dest_config, tag_options):
        for key in source:
            if key in SDK_KEYS:
                continue
            if key not in CHECKS:
                if key not in given:
                    notes.append(
                        (
                            "warn",
                            'heap-device: unknown setting "%s" ignored (known settings: %s)'
                            % (key, ", ".join(CHECKS)),
                        )
                    )
                given[key] = None
                continue
            given[key] = source[key]
    settings = dict(DEFAULTS)
    for key in CHECKS:
        value = given.get(key)
        if value is not None and value != "":  # a blank dashboard field means unset
            settings[key] = _checked(key, value)
    if settings["appId"] is None:
        raise HeapDeviceError(
            "heap-device: appId is missing: set it to your Heap environment ID (digits only) "
            "in the RudderStack destination or in data-options"
        )
    return settings, notes


def _checked(key, value):
    check, expected = CHECKS[key]
    clean = check(value)
    if clean is None:
        if key == "appId":
            raise HeapDeviceError(
                "heap-device: appId %s is not a Heap environment ID (digits only, at most %d); "
                "copy it from Heap's Account > Manage > Projects page" % (_show(value), APP_ID_MAX)
            )
        raise HeapDeviceError(
            "heap-device: %s %s is not valid: use %s" % (key, _show(value), expected)
        )
    return clean
