"""heap_device.tools.testing's matching: subset(), exact dicts, and a failure that says what
differs.

No browser: HeapCalls reads a page only through is_closed, evaluate and wait_for_timeout, so a
small stand-in page holds the calls (e2e/test_pytest_plugin.py runs the same in Chromium).
"""

import time
from pathlib import Path

import pytest

from heap_device.tools.testing import HeapCalls, differences, matches, nearest, subset

ORDER = {"total": 42.5, "currency": "EUR"}
PURCHASE = ["track", "Purchase", {"total": 32.5, "currency": "EUR", "items": 2}]


class StillPage:
    """A page on which nothing more happens: waiting only lets time pass."""

    def __init__(self):
        self.waited = 0

    def is_closed(self):
        return False

    def evaluate(self, script):
        return 0

    def wait_for_timeout(self, ms):
        time.sleep(ms / 1000)
        self.waited += ms


def recorder(*calls):
    heap = HeapCalls(StillPage())
    heap._calls = [list(call) for call in calls]
    return heap


@pytest.mark.parametrize(
    "want, got, expected",
    [
        (subset({"total": 32.5}), {"total": 32.5, "currency": "EUR"}, True),
        (subset({"total": 32.5}), {"total": 30, "currency": "EUR"}, False),
        (subset({"total": 32.5}), {"currency": "EUR"}, False),
        (subset({"coupon": None}), {"total": 1}, False),  # missing is not null
        (subset({"coupon": None}), {"coupon": None}, True),
        (subset({}), {"a": 1}, True),
        (subset({"a": 1}), [1], False),
        ({"total": 32.5}, {"total": 32.5, "currency": "EUR"}, False),  # a dict is exact
        ({"total": 32.5}, {"total": 32.5}, True),
        ({"cart": subset({"id": 7})}, {"cart": {"id": 7, "n": 2}}, True),
        (subset({"cart": {"id": 7}}), {"cart": {"id": 7, "n": 2}}, False),  # nested: exact
        ([1, subset({"a": 1})], [1, {"a": 1, "b": 2}], True),
        ([1, 2], [1, 2, 3], False),
        (2, 2.0, True),  # JSON has one kind of number
        (1, True, False),  # but true is not 1
        (True, 1, False),
        (False, 0, False),
        ("1", 1, False),
        (None, None, True),
        (None, {}, False),
    ],
)
def test_what_matches(want, got, expected):
    assert matches(want, got) is expected


def test_subset_compares_with_equals_anywhere():
    assert PURCHASE == ["track", "Purchase", subset({"total": 32.5})]
    assert ["track", "Purchase", subset({"total": 30})] != PURCHASE
    assert repr(subset({"total": 32.5})) == 'subset({"total": 32.5})'


def test_subset_refuses_what_is_not_a_dict():
    with pytest.raises(TypeError, match=r"subset\(\) takes a dict .*got list"):
        subset([1])


@pytest.mark.parametrize(
    "want, got, lines",
    [
        (subset({"total": 32.5}), {"total": 30, "n": 1}, ['["total"]: 30 received, 32.5 wanted']),
        (subset({"coupon": "X"}), {"n": 1}, ['["coupon"]: missing (wanted "X")']),
        (
            {"total": 32.5},
            {"total": 32.5, "currency": "EUR", "items": 2},
            [
                'the value: has "currency", "items" besides the keys given, and a dict is '
                "compared exactly: wrap it in subset({...}) (heap_device.tools.testing) or pass "
                "partial=True to accept more keys"
            ],
        ),
        ({"a": {"b": 1}}, {"a": {"b": True}}, ['["a"]["b"]: true received, 1 wanted']),
        ([1, 2], [1, 3], ["[1]: 3 received, 2 wanted"]),
        ("a", "a", []),
    ],
)
def test_what_differs(want, got, lines):
    assert differences(want, got) == lines


def test_the_nearest_call_has_the_method_then_the_first_argument_then_fewest_differences():
    calls = [
        ["identify", "u1"],
        ["track", "Cart Viewed", {"total": 32.5}],
        ["track", "Purchase", {"total": 1, "currency": "USD"}],
        ["track", "Purchase", {"total": 32.5, "currency": "USD"}],
    ]
    assert nearest(["track", "Purchase", {"total": 32.5, "currency": "EUR"}], calls) == (
        4,
        calls[3],
    )
    assert nearest(["identify", "u2"], calls) == (1, calls[0])
    assert nearest(["addUserProperties", {}], calls) is None


def test_wait_for_finds_a_call_given_a_subset_or_partial():
    heap = recorder(["identify", "u1"], PURCHASE)
    assert heap.wait_for("track", "Purchase", subset({"total": 32.5}), timeout=0) == PURCHASE
    assert heap.wait_for("track", "Purchase", {"total": 32.5}, partial=True, timeout=0) == PURCHASE
    assert heap.wait_for("track", "Purchase", timeout=0) == PURCHASE


def failure(heap, *args, **options):
    with pytest.raises(AssertionError) as raised:
        heap.wait_for(*args, timeout=50, **options)
    return str(raised.value).splitlines()


def test_an_exact_dict_on_a_call_with_more_properties_says_only_some_were_given():
    heap = recorder(["identify", "u1"], PURCHASE)
    assert failure(heap, "track", "Purchase", {"total": 32.5}) == [
        'Heap received no track("Purchase", {"total": 32.5}, ...) within 50 ms.',
        "It received 2 calls:",
        '  1. ["identify", "u1"]',
        '  2. ["track", "Purchase", {"total": 32.5, "currency": "EUR", "items": 2}]',
        "The nearest is call 2; what differs:",
        '  argument 2: has "currency", "items" besides the keys given, and a dict is compared '
        "exactly: wrap it in subset({...}) (heap_device.tools.testing) or pass partial=True to "
        "accept more keys",
    ]


def test_a_subset_that_does_not_match_shows_the_nearest_call_and_what_differs():
    heap = recorder(["track", "Cart Viewed", {"total": 32.5}], PURCHASE)
    lines = failure(heap, "track", "Purchase", {"total": 40, "coupon": "SAVE"}, partial=True)
    assert lines[0] == (
        'Heap received no track("Purchase", subset({"total": 40, "coupon": "SAVE"}), ...) '
        "within 50 ms."
    )
    assert lines[4:] == [
        "The nearest is call 2; what differs:",
        '  argument 2["total"]: 32.5 received, 40 wanted',
        '  argument 2["coupon"]: missing (wanted "SAVE")',
    ]


def test_a_call_with_fewer_arguments_says_so():
    heap = recorder(["track", "Purchase"])
    assert failure(heap, "track", "Purchase", subset({"total": 1}))[-2:] == [
        "The nearest is call 1; what differs:",
        "  it has 1 argument, 2 given",
    ]


def test_no_call_of_that_method_lists_the_calls_only():
    heap = recorder(["identify", "u1"])
    assert failure(heap, "track", "Purchase") == [
        'Heap received no track("Purchase", ...) within 50 ms.',
        "It received 1 call:",
        '  1. ["identify", "u1"]',
    ]


def test_wait_for_waits_the_timeout_given():
    heap = recorder()
    failure(heap, "track", "Purchase")
    assert 40 <= heap.page.waited <= 51


def test_the_failure_docs_testing_md_shows_is_the_one_given():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "testing.md").read_text()
    block = docs.split("  E   AssertionError: ", 1)[1].split("  ```", 1)[0]
    shown = [line[6:] for line in ("  E   AssertionError: " + block).splitlines()]
    heap = recorder(["identify", "shopper-1"], ["track", "Order Completed", ORDER])
    with pytest.raises(AssertionError) as raised:
        heap.wait_for("track", "Order Completed", {"total": 40}, timeout=0)
    got = str(raised.value).replace("within 0 ms", "within 10000 ms")
    assert shown == ("AssertionError: " + got).splitlines()
