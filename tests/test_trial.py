"""`heap-device try`: what Heap would get for one message, with or without a transform."""

import io
import json

import pytest

from heap_device.tools import trial
from heap_device.tools.cli import main

MASK = (
    "def transformEvent(event, metadata):\n"
    "    props = event.get('properties') or {}\n"
    "    for key in props:\n"
    "        if '@' in str(props[key]):\n"
    "            props[key] = '***'\n"
    "    return event\n"
)


def test_a_short_track_is_filled_in_as_the_sdk_would():
    message, filled = trial.sdk_message({"type": "track", "event": "E"})
    assert filled == [
        "channel",
        "context",
        "originalTimestamp",
        "messageId",
        "anonymousId",
        "integrations",
        "properties",
    ]
    assert message["channel"] == "web" and message["integrations"] == {"All": True}
    assert message["context"]["library"]["name"] == "RudderLabs JavaScript SDK"
    assert len(message["messageId"]) == 36 and message["messageId"] != message["anonymousId"]
    assert message["properties"] == {}


def test_given_keys_are_kept_and_identify_traits_go_where_the_sdk_puts_them():
    message, filled = trial.sdk_message(
        {"type": "identify", "userId": "u", "messageId": "m-1", "traits": {"plan": "pro"}}
    )
    assert message["messageId"] == "m-1" and "messageId" not in filled
    assert message["context"]["traits"] == {"plan": "pro"} and "traits" not in message
    assert filled[0] == "context.traits (from traits)"


@pytest.mark.parametrize(
    "short, options, calls",
    [
        (
            {"type": "track", "event": "Order Completed", "properties": {"total": 5}},
            None,
            [["track", ["Order Completed", {"total": 5}]]],
        ),
        (
            {"type": "identify", "userId": "u-1", "traits": {"tags": ["a", "b"]}},
            {"arrayFormat": "json"},
            [["identify", ["u-1"]], ["addUserProperties", [{"tags": '["a","b"]'}]]],
        ),
        ({"type": "page", "properties": {"path": "/"}}, None, []),
        (
            {"type": "page", "properties": {"path": "/"}},
            {"trackPageCalls": True},
            [["track", ["Page Viewed", {**trial.page_context(), "path": "/"}]]],
        ),
    ],
)
def test_without_a_transform_it_says_what_heap_gets(short, options, calls):
    outcome = trial.run(short, options)
    assert outcome["calls"] == calls and outcome["transform"] is None


def test_with_a_transform_it_shows_what_it_returned(tmp_path):
    path = tmp_path / "mask.py"
    path.write_text(MASK, encoding="utf-8")
    outcome = trial.run(
        {"type": "track", "event": "E", "properties": {"mail": "a@b.example"}}, None, path
    )
    assert outcome["calls"] == [["track", ["E", {"mail": "***"}]]]
    assert outcome["transform"]["outcome"] == "changed"
    assert outcome["transform"]["events"][0]["properties"] == {"mail": "***"}


def test_the_command_prints_calls_and_exits_0(monkeypatch, capsys, tmp_path):
    path = tmp_path / "mask.py"
    path.write_text(MASK, encoding="utf-8")
    short = {"type": "track", "event": "E", "properties": {"mail": "a@b.example", "n": [1, 2]}}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(short)))
    assert main(["try", "--transform", str(path)]) == 0
    out = capsys.readouterr().out
    assert "transformEvent returned (changed)\n" in out
    assert out.endswith('Heap calls\n  heap.track("E", {"mail":"***","n":"1||2"})\n')


def test_a_file_and_options(capsys, tmp_path):
    path = tmp_path / "m.json"
    path.write_text('{"type": "page", "name": "Home"}', encoding="utf-8")
    assert main(["try", str(path), "--options", '{"trackPageCalls": true}']) == 0
    out = capsys.readouterr().out
    assert '  heap.track("Page Viewed", {' in out and '"url":"https://www.example.com/"' in out


def test_a_dropped_message_is_said(capsys, tmp_path):
    path = tmp_path / "drop.py"
    path.write_text("def transformEvent(event, metadata):\n    return None\n", encoding="utf-8")
    message = tmp_path / "m.json"
    message.write_text('{"type": "track", "event": "E"}', encoding="utf-8")
    assert main(["try", str(message), "--transform", str(path)]) == 0
    out = capsys.readouterr().out
    assert "transformEvent dropped it\nHeap calls: none\nnotes\n  debug: track dropped by" in out


@pytest.mark.parametrize(
    "text, args, reason",
    [
        ("{nope", [], "stdin is not JSON"),
        ("[1]", [], "the message must be a JSON object"),
        ('{"type": "screen"}', [], 'the message\'s type is "screen": use one of track'),
        ('{"type": "track", "event": "E"}', ["--options", "[1]"], "--options must be a JSON"),
        (
            '{"type": "track", "event": "E"}',
            ["--options", '{"sdk": "v9"}'],
            'sdk "v9" is not valid: use one of "v5" or "classic"',
        ),
        ('{"type": "track", "event": "E"}', ["--transform", "missing.py"], "missing.py: no such"),
    ],
)
def test_what_stops_it_exits_1_with_the_reason(monkeypatch, capsys, text, args, reason):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["try", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("heap-device: " + reason), err


def test_a_failing_transform_exits_1_after_showing_the_fallback(monkeypatch, capsys, tmp_path):
    path = tmp_path / "bad.py"
    path.write_text("def transformEvent(event, metadata):\n    return 'x'\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO('{"type": "track", "event": "E"}'))
    send = ["--options", '{"transformErrors": "send"}']
    assert main(["try", "--transform", str(path), *send]) == 1
    captured = capsys.readouterr()
    assert 'heap.track("E", {})' in captured.out  # transformErrors "send": sent as it was
    assert captured.err.startswith("heap-device: transformEvent failed: transformEvent returned")


pytest_plugins = ["pytester"]


def test_the_pytest_plugin_runs_try_from_a_site_owners_test(pytester):
    pytester.makefile(".py", mask_email=MASK)
    pytester.makepyfile(
        test_rules="""
        def test_no_email_reaches_heap(heap_try):
            got = heap_try(
                {"type": "track", "event": "Signed Up", "properties": {"email": "a@b.example"}},
                transform="mask_email.py",
            )
            assert got["calls"] == [["track", ["Signed Up", {"email": "***"}]]]
            assert got["transform"]["outcome"] == "changed"

        def test_without_a_transform(heap_try):
            got = heap_try({"type": "page"}, options={"trackPageCalls": True})
            assert got["calls"][0][1][0] == "Page Viewed"
            assert got["calls"][0][1][1]["path"] == "/"
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_example_shipped_with_the_docs_masks_emails_and_builds_for_micropython():
    from pathlib import Path

    from heap_device.tools import transform as site_transform

    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mask_email.py"
    site_transform.check(example, "micropython")  # imports and MicroPython's compiler
    short = {
        "type": "identify",
        "userId": "u-1",
        "traits": {"email": "ann@example.com", "plan": "pro", "team": {"lead": "bo@ex.org"}},
    }
    got = trial.run(short, transform=example)
    assert got["calls"] == [
        ["identify", ["u-1"]],
        [
            "addUserProperties",
            [{"email": "[email hidden]", "plan": "pro", "team.lead": "[email hidden]"}],
        ],
    ]
    track = {"type": "track", "event": "E", "properties": {"to": ["a@b.example", "x"], "n": 1}}
    assert trial.run(track, transform=example)["calls"] == [
        ["track", ["E", {"to": "[email hidden]||x", "n": 1}]]
    ]


def test_the_docs_examples_pass_the_build_checks(tmp_path):
    import re
    from pathlib import Path

    from heap_device.tools import transform as site_transform

    docs = (Path(__file__).resolve().parent.parent / "docs" / "transformations.md").read_text()
    blocks = [
        b for b in re.findall(r"```python\n(.*?)```", docs, re.S) if "def transformEvent" in b
    ]
    assert len(blocks) >= 4
    for i, block in enumerate(blocks):
        path = tmp_path / ("example_%d.py" % i)
        path.write_text(block, encoding="utf-8")
        site_transform.check(path, "micropython")
        assert trial.run({"type": "track", "event": "Order Completed"}, transform=path)["calls"]
