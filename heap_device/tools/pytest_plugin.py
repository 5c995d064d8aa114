"""A pytest plugin for site owners: assert in your CI what Heap received, in a real browser.

``pip install 'heap-device[testing]'`` installs it with pytest-playwright, and pytest loads it by
itself (the ``pytest11`` entry point). Ask for ``heap_calls`` beside pytest-playwright's ``page``::

    def test_checkout(page, heap_calls):
        page.goto("https://staging.shop.example/checkout")
        page.click("text=Pay")
        heap_calls.wait_for("track", "Order Completed")

Before the test runs, every request of that page for Heap's script is answered by heap-device's
Heap stand-in, which records each call and sends nothing to Heap. ``rudderstack`` answers the
page's RudderStack (SDK, source config, data plane) the same way, offline. What the fixtures give
lives in ``heap_device.tools.testing``; docs/testing.md has the rest.

pytest imports this module in every session of a project where heap-device is installed, used or
not: it imports nothing of heap-device but itself until a test asks for one of its fixtures.
"""

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "heap_script_url(url, ...): more URLs (or glob patterns, or re.compile() patterns) your "
        "site loads Heap's script from; heap_calls answers them with the Heap stand-in too",
    )


@pytest.fixture
def heap_script_urls(request):
    """More URLs of Heap's script (``scriptUrl``): the test's ``heap_script_url`` markers.

    Override it in conftest.py to name them once for a whole suite.
    """
    return [url for marker in request.node.iter_markers("heap_script_url") for url in marker.args]


@pytest.fixture
def heap_calls(page, heap_script_urls):
    """What Heap received on pytest-playwright's ``page``; Heap's script there is the stand-in
    (``heap_device.tools.testing.HeapCalls``: ``calls``, ``wait_for``)."""
    from heap_device.tools.testing import HeapCalls

    return HeapCalls(page, heap_script_urls).start()


@pytest.fixture
def rudderstack_source_config():
    """The source config the page's RudderStack SDK gets: one "Heap.io" destination in device mode.

    Override it in conftest.py with ``heap_device.tools.testing.source_config(...)`` and its
    destinations (``heap_destination``, ``custom_device_mode_destination``).
    """
    from heap_device.tools.testing import heap_destination, source_config

    return source_config(heap_destination())


@pytest.fixture
def rudderstack_transformation():
    """RudderStack's Device Mode Transformation, for destinations that have it switched on: a
    ``transformEvent(event, metadata)`` in Python; None (the default) returns each event as is."""
    return None


@pytest.fixture
def rudderstack(page, rudderstack_source_config, rudderstack_transformation):
    """RudderStack offline on pytest-playwright's ``page``: the SDK the official loading snippets
    add (v3, v1.1), ``rudderstack_source_config`` as its source config, and a data plane that
    keeps what it is sent (``heap_device.tools.testing.OfflineRudderStack``: ``messages``,
    ``wait_for``)."""
    from heap_device.tools.testing import OfflineRudderStack

    return OfflineRudderStack(page, rudderstack_source_config, rudderstack_transformation).start()


@pytest.fixture
def heap_try():
    """``heap-device try`` from a test, no browser: what Heap gets for one message::

        def test_no_email_reaches_heap(heap_try):
            message = {"type": "track", "event": "Signed Up", "properties": {"email": "a@b.c"}}
            got = heap_try(message, transform="rules/mask_email.py")
            assert got["calls"] == [["track", ["Signed Up", {"email": "***"}]]]

    ``heap_try(message, options=None, transform=None, ...)`` (``heap_device.tools.trial.run``)
    returns ``{"message", "filled", "transform", "calls", "notes"}``; a short message is filled in
    as the SDK would. It raises ``heap_device.tools.testing.TryError`` where the command exits 1.
    """
    from heap_device.tools import trial

    return trial.run
