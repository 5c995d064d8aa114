"""`try`, heap_try and the build's checks run a transform on the browser's MicroPython (the host
build, heap_device/tools/hostpython.py) and apply exactly the build's checks (issue 23 item 2)."""

import io
import json

import pytest

from heap_device.tools import UsageError, cli, hostpython, trial
from heap_device.tools import transform as site_transform
from heap_device.tools.cli import main

# The masking rule that leaked e-mails: MicroPython's re has no {m,n}, so in the browser it
# never matches; CPython's does.
# The build refuses {2,} in a literal pattern (tools/regex_subset.py); built at run time, it is
# not seen, and MicroPython takes it as text.
MASK_BRACES = (
    "import re\n"
    "EMAIL = re.compile(r'[^@ ]+@[^@ ]+\\.[a-z]' + '{2,}')\n"
    "def transformEvent(event, metadata):\n"
    "    props = event['properties']\n"
    "    props['mail'] = EMAIL.sub('***', props['mail'])\n"
    "    return event\n"
)
RAISES = (
    "def transformEvent(event, metadata):\n"
    "    if event.get('event') == 'Bad':\n"
    "        return event['properties']['missing']\n"
    "    return event\n"
)
TRACK = {"type": "track", "event": "E", "properties": {"mail": "ann@example.com"}}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_host_runtime_is_micropython_with_the_frozen_core():
    program = hostpython.compile_source(
        "import sys, heap_device.core.calls as c\nprint(sys.implementation.name, c.__name__)\n",
        "probe.py",
    )
    done = hostpython.run(program)
    assert (done.status, done.stdout.strip(), done.stderr) == (
        0,
        "micropython heap_device.core.calls",
        "",
    )


def test_an_uncaught_exception_exits_1_with_its_line():
    program = hostpython.compile_source("x = 1\nraise ValueError('no')\n", "boom.py")
    done = hostpython.run(program)
    assert done.status == 1
    assert 'File "boom.py", line 2' in done.stderr and "ValueError: no" in done.stderr


def test_a_site_transform_loads_as_in_the_browser_and_none_without_one():
    program = hostpython.compile_source(
        "import _heap_device\n"
        "m = _heap_device.site_module('heap_device.site_transform')\n"
        "print(m is None or m.transformEvent(2, 3))\n",
        "site.py",
    )
    site = hostpython.compile_source("def transformEvent(e, m):\n    return e * m\n", "r.py")
    assert hostpython.run(program, site=site).stdout.strip() == "6"
    assert hostpython.run(program).stdout.strip() == "True"


def test_try_gives_the_browsers_answer_not_cpythons(tmp_path):
    rules = write(tmp_path, "rules.py", MASK_BRACES)
    on_micropython = trial.run(TRACK, transform=rules)
    assert on_micropython["calls"] == [["track", ["E", {"mail": "ann@example.com"}]]]
    on_cpython = trial.run(TRACK, transform=rules, runtime="pyodide", pyodide_dir=None)
    assert on_cpython["calls"] == [["track", ["E", {"mail": "***"}]]]


@pytest.mark.parametrize(
    "source, reason",
    [
        (
            "from typing import Any\ndef transformEvent(event, metadata):\n    return event\n",
            "rules.py:1: imports typing, which the micropython runtime does not have",
        ),
        (
            "def transformEvent(event, metadata):\n"
            "    match event['type']:\n"
            "        case 'track':\n"
            "            return event\n",
            "rules.py:2: MicroPython cannot compile it",
        ),
        (
            MASK_BRACES.replace("' + '", ""),
            'rules.py:2: re pattern "[^@ ]+@[^@ ]+\\.[a-z]{2,}" uses {2,}',
        ),
        (
            "X = {}['nope']\ndef transformEvent(event, metadata):\n    return event\n",
            "rules.py: on MicroPython (the browser's runtime), importing it failed at rules.py "
            "line 1: KeyError: nope",
        ),
    ],
)
def test_heap_try_refuses_what_the_build_refuses_with_the_same_line(tmp_path, source, reason):
    rules = write(tmp_path, "rules.py", source)
    with pytest.raises(UsageError) as built:
        site_transform.check(rules, "micropython")
    with pytest.raises(trial.TryError) as tried:
        trial.run(TRACK, transform=rules)
    assert str(tried.value) == str(built.value)
    assert str(built.value).startswith(str(rules.parent) + "/" + reason), str(built.value)


def test_a_raising_transform_fails_heap_try_and_the_command_alike(tmp_path, monkeypatch, capsys):
    rules = write(tmp_path, "rules.py", RAISES)
    bad = {"type": "track", "event": "Bad", "properties": {}}
    with pytest.raises(trial.TryError) as tried:
        trial.run(bad, {"transformErrors": "drop"}, rules)
    text = str(tried.value)
    assert (
        text == "transformEvent failed: transformEvent raised at rules.py line 3: KeyError: missing"
    )
    assert tried.value.outcome["calls"] == []  # dropped: what Heap gets then
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(bad)))
    assert main(["try", "--transform", str(rules), "--options", '{"transformErrors": "drop"}']) == 1
    captured = capsys.readouterr()
    assert captured.err == "heap-device: %s\n" % text
    assert "Heap calls: none" in captured.out


def test_try_messages_runs_each_line_and_names_the_failing_one(tmp_path, capsys):
    rules = write(tmp_path, "rules.py", RAISES)
    lines = [
        json.dumps(TRACK),
        "",
        json.dumps({"type": "track", "event": "Bad"}),
        json.dumps(TRACK),
    ]
    messages = write(tmp_path, "site.jsonl", "\n".join(lines) + "\n")
    assert main(["try", "--messages", str(messages), "--transform", str(rules)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("== %s:" % messages) == 3
    assert "== %s:3\n" % messages in captured.out
    assert captured.err == (
        "heap-device: %s:3: transformEvent failed: transformEvent raised at rules.py line 3: "
        "KeyError: missing\n" % messages
    )


def test_build_examples_refuses_to_build_on_a_failing_message(tmp_path, capsys):
    rules = write(tmp_path, "rules.py", RAISES)
    lines = [json.dumps(TRACK), json.dumps({"type": "track", "event": "Bad", "properties": {}})]
    messages = write(tmp_path, "site.jsonl", "\n".join(lines))
    out = tmp_path / "out"
    args = ["build", "--out", str(out), "--transform", str(rules), "--examples", str(messages)]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "heap-device: %s:2: transformEvent raised at rules.py line 3: KeyError: missing\n"
        % messages
    )
    assert not out.exists()  # nothing written


def test_examples_pass_when_every_message_does(tmp_path):
    rules = write(tmp_path, "rules.py", RAISES)
    messages = write(tmp_path, "site.jsonl", json.dumps(TRACK) + "\n" + json.dumps(TRACK))
    ran = trial.examples(messages, rules)
    assert [number for number, _ in ran] == [1, 2]
    assert ran[0][1]["calls"] == [["track", ["E", {"mail": "ann@example.com"}]]]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("{nope\n", "site.jsonl:1: not JSON"),
        ('{"type": "track", "event": "E"}\n[1]\n', "site.jsonl:2: the message must be a JSON"),
        ("\n\n", "site.jsonl holds no message"),
    ],
)
def test_a_bad_messages_file_says_which_line(tmp_path, text, reason):
    messages = write(tmp_path, "site.jsonl", text)
    with pytest.raises(trial.TryError) as got:
        trial.read_messages(messages) if "holds" in reason else trial.examples(messages, None)
    assert str(got.value).startswith(str(tmp_path) + "/" + reason)


def test_context_page_is_filled_as_the_sdk_does():
    message, filled = trial.sdk_message({"type": "track", "event": "E"})
    assert message["context"]["page"] == {
        "path": "/",
        "referrer": "$direct",
        "referring_domain": "",
        "search": "",
        "title": "",
        "url": "https://www.example.com/",
        "tab_url": "https://www.example.com/",
        "initial_referrer": "$direct",
        "initial_referring_domain": "",
    }
    assert list(message["context"]["page"]) == [  # the SDK's key order
        "path",
        "referrer",
        "referring_domain",
        "search",
        "title",
        "url",
        "tab_url",
        "initial_referrer",
        "initial_referring_domain",
    ]
    page, _ = trial.sdk_message(
        {"type": "page", "properties": {"name": "Cart"}},
        "https://shop.example/cart?step=2#top",
    )
    assert page["context"]["page"]["url"] == "https://shop.example/cart?step=2"
    assert page["context"]["page"]["tab_url"] == "https://shop.example/cart?step=2#top"
    assert page["properties"]["path"] == "/cart" and page["properties"]["search"] == "?step=2"
    assert page["properties"]["name"] == "Cart"
    given, _ = trial.sdk_message(
        {"type": "track", "event": "E", "context": {"page": {"path": "/x"}}}
    )
    assert given["context"]["page"] == {"path": "/x"}  # what the message gives is kept


def test_a_rule_reading_context_page_sees_the_page_url(tmp_path, monkeypatch, capsys):
    rules = write(
        tmp_path,
        "rules.py",
        "def transformEvent(event, metadata):\n"
        "    event['properties']['where'] = event['context']['page']['path']\n"
        "    return event\n",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO('{"type": "track", "event": "E"}'))
    url = ["--page-url", "https://shop.example/checkout"]
    assert main(["try", "--transform", str(rules), *url]) == 0
    assert capsys.readouterr().out.endswith('heap.track("E", {"where":"/checkout"})\n')


def test_a_bad_page_url_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"type": "track", "event": "E"}'))
    assert main(["try", "--page-url", "shop.example/x"]) == 1
    assert capsys.readouterr().err == (
        "heap-device: --page-url shop.example/x is not a page's URL: give one such as "
        "https://www.example.com/\n"
    )


def test_the_cli_names_the_default_page_url_try_uses():
    assert cli.DEFAULT_PAGE_URL == trial.DEFAULT_PAGE_URL
