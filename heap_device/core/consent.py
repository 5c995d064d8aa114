"""Consent withdrawn or given again mid-page -> heap.stopTracking() / startTracking().

docs/contract.md §7.

RudderStack decides once whether the Heap destination loads; afterwards heap.js captures clicks and
page views by itself. When the page calls `rudderanalytics.consent(...)`, the adapter reports what
it saw: `{"type": "consent", "consent": {"providers": [...], "given": {...}}}`, every consent
provider it saw (deduplicated, in the order seen) and the consent IDs the page gave,
`{"allowedConsentIds", "deniedConsentIds"}` as the page passed them. The bridge, which remembers,
adds `previous`: the `given` of the consent message before (absent: the consent Heap was loaded
with, which the SDK found consented). Everything here is pure; the rule is the SDK's own.
"""

from heap_device.core import loader

SEVERAL_PROVIDERS = (
    "consent changed, but the Heap destination has consent settings for several "
    "providers and the page's provider is not known (give load() consentManagement.provider); "
    "Heap keeps tracking"
)
NO_STOP_ON_CLASSIC = (
    "consent withdrawn, but Heap's classic loader has no stopTracking(), so Heap "
    'keeps capturing until the next page load; use sdk "v5"'
)


def active_provider(providers):
    """The consent provider the page gave load(): the one the page saw, if it saw exactly one.

    None (unknown) when it saw none or several; `consented` then decides what that means.
    """
    seen = []
    if isinstance(providers, list):
        for provider in providers:
            if type(provider) is str and provider not in seen:
                seen.append(provider)
    return seen[0] if len(seen) == 1 else None


def _given(ids):
    # The SDK counts consent data as given when it is a non-empty object or an array.
    return isinstance(ids, list) or (isinstance(ids, dict) and len(ids) > 0)


def consented(consent_management, provider, given):
    """Whether the destination is consented, by the SDK's rule; None when it cannot be known.

    `consent_management` is the destination's setting (`[{provider, consents: [{consent}],
    resolutionStrategy}]`), `given` the page's `{allowedConsentIds, deniedConsentIds}`.
    Anything the SDK would stumble on counts as consented, as it does in the SDK.
    """
    if not isinstance(given, dict):
        return True
    allowed = given.get("allowedConsentIds")
    if not (_given(allowed) or _given(given.get("deniedConsentIds"))):
        return True  # no consent data: the SDK treats consent as not set up
    if not _given(allowed):
        allowed = []
    if not isinstance(consent_management, list):
        return True
    if type(provider) is str:
        entries = [e for e in consent_management if isinstance(e, dict)]
        entries = [e for e in entries if e.get("provider") == provider]
    elif len(consent_management) > 1:
        return None
    else:
        entries = consent_management
    if not entries or not isinstance(entries[0], dict):
        return True
    entry = entries[0]
    consents = entry.get("consents")
    if not isinstance(consents, list) or not consents or not isinstance(allowed, list):
        return True
    ids = []
    for item in consents:
        if not isinstance(item, dict) or type(item.get("consent")) is not str:
            return True
        consent_id = item["consent"].strip()
        if consent_id:
            ids.append(consent_id)
    if entry.get("resolutionStrategy") == "or":
        return not ids or any(i in allowed for i in ids)
    return all(i in allowed for i in ids)


def consent(message, settings, notes):
    """A consent message -> [stopTracking] / [startTracking] / [] when nothing changed."""
    data = message.get("consent")
    if not isinstance(data, dict):
        data = {}
    provider = active_provider(data.get("providers"))
    rules = settings.get("consentManagement")
    now = consented(rules, provider, data.get("given"))
    if now is None:
        notes.append(("warn", SEVERAL_PROVIDERS))
        return []
    before = True
    if "previous" in data:
        before = consented(rules, provider, data["previous"]) is not False
    if now == before:
        notes.append(("debug", "consent: no change for Heap (%s)" % ("on" if now else "off")))
        return []
    method = "startTracking" if now else "stopTracking"
    if not loader.has_method(settings, method):
        if not now:
            notes.append(("warn", NO_STOP_ON_CLASSIC))
        return []
    return [(method, [])]
