import json
import re

import pytest

from heap_device.core.calls import handle
from heap_device.core.settings import resolve_settings
from heap_device.tools import bundle

APP_ID = "1234567890"


@pytest.fixture
def settings_for():
    """Settings with a valid appId and the given overrides."""

    def make(**overrides):
        settings, _ = resolve_settings({"appId": APP_ID}, overrides)
        return settings

    return make


def run(message, settings):
    """A message through the same path the browser uses: JSON text in, calls and notes out."""
    result = handle(json.dumps(message), settings)
    return result["calls"], result["notes"]


def only_fields(value, fields):
    """What the adapter sends once Python runs: the message cut down to MESSAGE_FIELDS."""
    if fields is True or not isinstance(value, dict):
        return value
    return {key: only_fields(value[key], sub) for key, sub in fields.items() if key in value}


def warnings(notes):
    return [text for level, text in notes if level == "warn"]


def as_javascript_writes(value):
    """JSON text as JSON.stringify writes it: characters raw, lone surrogate halves escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join("\\u%04x" % ord(ch) if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def without_build(text):
    """A shipped script with its BUILD line as static/minified/ keeps it."""
    return re.sub(r"\n?var BUILD = \{.*\};\n", lambda _: bundle.MINIFIED_BUILD, text, count=1)
