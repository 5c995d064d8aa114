"""docs/contract.md §7: consent withdrawn or given again mid-page (rows in vectors.CONSENT)."""

import pytest
from conftest import run, warnings
from vectors import CONSENT

from heap_device.core.consent import consented
from heap_device.core.settings import resolve_settings


@pytest.mark.parametrize(
    "overrides, message, expected, warning",
    [row[1:] for row in CONSENT],
    ids=[row[0] for row in CONSENT],
)
def test_consent_gives_heap_calls(settings_for, overrides, message, expected, warning):
    calls, notes = run(message, settings_for(**overrides))
    assert calls == expected
    found = warnings(notes)
    assert found == ([] if warning is None else found[:1])
    if warning is not None:
        assert len(found) == 1 and warning in found[0] and not found[0].startswith("heap-device")


def test_consent_rows_have_unique_names():
    names = [row[0] for row in CONSENT]
    assert len(names) == len(set(names))


ONE = [{"provider": "custom", "consents": [{"consent": "a"}, {"consent": "b"}]}]


@pytest.mark.parametrize(
    "rules, provider, given, expected",
    [
        (None, "custom", {"allowedConsentIds": []}, True),
        ([], "custom", {"allowedConsentIds": []}, True),
        ("not a list", "custom", {"allowedConsentIds": []}, True),
        (ONE, "custom", {"allowedConsentIds": ["a", "b"]}, True),
        (ONE, "custom", {"allowedConsentIds": ["a"]}, False),
        (ONE, "custom", {"allowedConsentIds": {"a": "Analytics"}}, True),  # the SDK trips: true
        (ONE, "custom", {"allowedConsentIds": {}}, True),  # empty object: no consent data
        (ONE, "custom", None, True),
        (ONE, "ketch", {"allowedConsentIds": []}, True),
        (ONE, None, {"allowedConsentIds": []}, False),
        (ONE + ONE, None, {"allowedConsentIds": []}, None),
        ([{"provider": "custom", "consents": []}], "custom", {"allowedConsentIds": []}, True),
        ([{"provider": "custom"}], "custom", {"allowedConsentIds": []}, True),
        (
            [{"provider": "custom", "consents": [{"consent": " "}], "resolutionStrategy": "or"}],
            "custom",
            {"allowedConsentIds": []},
            True,
        ),
        (
            [{"provider": "custom", "consents": [{"consent": "a"}], "resolutionStrategy": "x"}],
            "custom",
            {"allowedConsentIds": []},
            False,  # an unknown strategy is "and", as in the SDK
        ),
    ],
)
def test_the_sdks_consent_rule(rules, provider, given, expected):
    assert consented(rules, provider, given) is expected


def test_settings_keep_the_destinations_consent_settings():
    settings, notes = resolve_settings({"appId": "1", "consentManagement": ONE}, {})
    assert settings["consentManagement"] == ONE and notes == []
    settings, _ = resolve_settings({"appId": "1"}, {})
    assert settings["consentManagement"] is None
