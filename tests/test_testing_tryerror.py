"""TryError, as a site's tests name it: heap_device.tools.testing.TryError, raised by heap_try where
``heap-device try`` exits 1."""

import heap_device.tools.testing
from heap_device.tools import trial

pytest_plugins = ["pytester"]


def test_it_is_the_error_try_raises():
    assert heap_device.tools.testing.TryError is trial.TryError


def test_a_sites_test_catches_it_from_heap_try(pytester):
    pytester.makepyfile(
        test_rules="""
        import pytest

        from heap_device.tools.testing import TryError


        def test_a_message_that_is_not_an_object(heap_try):
            with pytest.raises(TryError, match="the message must be a JSON object"):
                heap_try(["track"])


        def test_a_message_without_a_type_is_refused(heap_try):  # docs/testing.md's example
            with pytest.raises(TryError, match="the message's type"):
                heap_try({"event": "Signed Up"})


        def test_a_transform_that_raises(heap_try, tmp_path):
            rules = tmp_path / "rules.py"
            rules.write_text(
                "def transformEvent(event, metadata):\\n    raise ValueError('no total')\\n"
            )
            with pytest.raises(TryError, match="transformEvent failed") as raised:
                heap_try({"type": "track", "event": "E"}, transform=str(rules))
            assert raised.value.outcome["transform"]["outcome"] == "error"


        def test_bad_options(heap_try):
            with pytest.raises(TryError):
                heap_try({"type": "track", "event": "E"}, options={"sdk": "v9"})
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)
