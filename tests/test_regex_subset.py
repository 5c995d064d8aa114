"""The browser's MicroPython `re` at build time (heap_device/tools/regex_subset.py): a pattern
written as a literal that MicroPython would read otherwise than CPython, silently, is refused with
one line naming the construct, what MicroPython does and the fix; what reads the same passes. The
verdicts agree with the runtime itself (docs/transformations.md's re table, host_facts.RE_ROWS)."""

import ast
import io
from pathlib import Path

import pytest

from heap_device.tools import UsageError, host_facts, hostpython, regex_subset, trial
from heap_device.tools import transform as site_transform
from heap_device.tools.cli import main

TEXT = 'takes as the text "%s"'
COUNT = "repeat the item instead"
REFUSES = "refuses (ValueError: regex too complex)"
CHAR = 'write the character itself (a non-raw string "%s" holds it)'

# (pattern, what problem() gives: None when MicroPython reads it as CPython does)
PATTERNS = [
    # counts: text to MicroPython; the fix writes the item out
    (r"[^@ ]+@[^@ ]+\.[a-z]{2,}", ("{2,}", TEXT % "{2,}", COUNT + ", e.g. [a-z][a-z]+")),
    (r"a{2}", ("{2}", TEXT % "{2}", COUNT + ", e.g. aa")),
    (r"a{1,3}", ("{1,3}", TEXT % "{1,3}", COUNT + ", e.g. aa?a?")),
    (r"a{,2}", ("{,2}", TEXT % "{,2}", COUNT + ", e.g. a?a?")),
    (r"a{0,}", ("{0,}", TEXT % "{0,}", COUNT + ", e.g. a*")),
    (r"a{1,}", ("{1,}", TEXT % "{1,}", COUNT + ", e.g. a+")),
    (r"a{,}", ("{,}", TEXT % "{,}", COUNT + ", e.g. a*")),
    (r"\d{3}-\d{4}", ("{3}", TEXT % "{3}", COUNT + ", e.g. \\d\\d\\d")),
    (r"(ab){2}", ("{2}", TEXT % "{2}", COUNT + ", e.g. (ab)(ab)")),
    (r"[0-9]{2,3}", ("{2,3}", TEXT % "{2,3}", COUNT + ", e.g. [0-9][0-9][0-9]?")),
    (r"[0-9]{12}", ("{12}", TEXT % "{12}", COUNT)),  # written out it is long: no example
    (r"a{3,1}", ("{3,1}", TEXT % "{3,1}", COUNT)),
    (r"{2}", ("{2}", TEXT % "{2}", "write \\{ for a brace")),
    (r"a|{2}", ("{2}", TEXT % "{2}", "write \\{ for a brace")),
    (b"a{2}", ("{2}", TEXT % "{2}", COUNT + ", e.g. aa")),
    # braces both read as text
    (r"a{}", None),
    (r"a{x}", None),
    (r"a{2,x}", None),
    (r"{", None),
    (r"a\{2\}", None),
    (r"a\{2,}", None),
    (r"[{]2}", None),
    (r"[a{2}]", None),
    (r"a{ 2}", None),
    # escapes: only \d \D \s \S \w \W mean something to MicroPython; a letter is the letter
    (
        r"\bcat\b",
        (
            "\\b",
            TEXT % "b",
            "match the characters around instead (it has no word boundaries), e.g. (^|\\W)word",
        ),
    ),
    (
        r"\Bx",
        (
            "\\B",
            TEXT % "B",
            "match the characters around instead (it has no word boundaries), e.g. (^|\\W)word",
        ),
    ),
    (r"\Aab", ("\\A", TEXT % "A", "use ^")),
    (r"ab\Z", ("\\Z", TEXT % "Z", "use $")),
    (
        r"(a)\1",
        (
            "\\1",
            TEXT % "1",
            "compare the groups in Python, e.g. m.group(1) == m.group(2) (no backreferences)",
        ),
    ),
    (r"a\nb", ("\\n", TEXT % "n", CHAR % "\\n")),
    (r"\t", ("\\t", TEXT % "t", CHAR % "\\t")),
    (r"\x41", ("\\x41", TEXT % "x41", CHAR % "\\x41")),
    (r"\u00e9", ("\\u00e9", TEXT % "u00e9", CHAR % "\\u00e9")),
    (r"\N{DASH}", ("\\N{DASH}", TEXT % "N{DASH}", CHAR % "\\N{DASH}")),
    (r"\0", ("\\0", TEXT % "0", CHAR % "\\0")),
    (r"\e", ("\\e", TEXT % "e", 'write "e" without the backslash')),
    (r"\d\D\s\S\w\W", None),
    (r"\.\-\+\*\?\(\)\[\]\{\}\|\^\$\\\/\ \#\@", None),
    ("\\é", None),
    ("a\nb\t", None),  # the characters themselves (a non-raw string)
    ("\\\\b", None),  # an escaped backslash, then the letter b: the same everywhere
    ("\\", None),  # a trailing backslash: MicroPython refuses it (its compile says so)
    # classes
    (r"[\b]", ("\\b", TEXT % "b", CHAR % "\\b")),
    (r"[\n]", ("\\n", TEXT % "n", CHAR % "\\n")),
    (r"[a\1]", ("\\1", TEXT % "1", CHAR % "\\1")),
    (r"[\q]", ("\\q", TEXT % "q", 'write "q" without the backslash')),
    (
        r"[]a]",
        (
            "[]",
            "takes as a class of nothing (it never matches), and the ] after it as text",
            "write \\] for a ] in a class",
        ),
    ),
    (
        r"[^]a]",
        (
            "[^]",
            "takes as any character, and the ] after it as text",
            "write \\] for a ] in a class",
        ),
    ),
    (
        r"[+-\]]",
        (
            "+-\\]",
            "reads as a range to the backslash itself",
            "put the escaped character outside the range, or write the character itself",
        ),
    ),
    (r"[\]]", None),
    (r"[\\]", None),
    (r"[\d,]", None),
    (r"[\w.-]+", None),
    (r"[\d-z]", None),
    (r"[a-]", None),
    (r"[-a]", None),
    (r"[a\-z]", None),
    (r"[\.-z]", None),
    (r"[\^a]", None),
    (r"[a^]", None),
    (r"[[:alpha:]]", None),
    (r"[[]", None),
    (r"[(?i)]", None),
    (r"[\]{2}]", None),
    (r"[\w-]{", None),
    (
        "[\\é]",
        (
            "[\\é]",
            "reads as a class of the UTF-8 bytes of é, each on its own",
            "write alternatives instead, e.g. (?:é)",
        ),
    ),
    # non-ASCII: MicroPython matches a str's UTF-8 bytes
    (
        "[éè]",
        (
            "[éè]",
            "reads as a class of the UTF-8 bytes of é and è, each on its own",
            "write alternatives instead, e.g. (?:é|è)",
        ),
    ),
    (
        "[a-zà-ÿ]",
        (
            "[a-zà-ÿ]",
            "reads as a class of the UTF-8 bytes of à and ÿ, each on its own",
            "write alternatives instead, e.g. (?:à|ÿ)",
        ),
    ),
    (
        "[^é]",
        (
            "[^é]",
            "reads as a class of the UTF-8 bytes of é, each on its own",
            "test the text for é in Python instead",
        ),
    ),
    ("é+", ("é+", "reads as é with only its last UTF-8 byte repeated", "group it: (?:é)+")),
    ("caé*?", ("é*?", "reads as é with only its last UTF-8 byte repeated", "group it: (?:é)*?")),
    ("café", None),
    ("caf(?:é)+", None),
    ("(é)?", None),
    (b"[\xe9]+", None),  # bytes: one byte each, as in CPython
    # groups: only ( and (?: exist; every other (? MicroPython refuses
    (r"(?:ab)+", None),
    (r"(a)(b)", None),
    (
        r"(?P<user>\w+)",
        (
            "(?P<name>...)",
            REFUSES,
            "use a plain group (...) and m.group(1) (it has no named groups)",
        ),
    ),
    (
        r"(a)(?P=x)",
        ("(?P=name)", REFUSES, "compare the groups in Python (it has no backreferences)"),
    ),
    (
        r"a(?=b)",
        (
            "(?=...)",
            REFUSES,
            "match more and keep the part you want in a group (it has no lookahead)",
        ),
    ),
    (
        r"a(?!b)",
        ("(?!...)", REFUSES, "test the text after the match in Python (it has no lookahead)"),
    ),
    (
        r"(?<=@)\w+",
        (
            "(?<=...)",
            REFUSES,
            "match more and keep the part you want in a group (it has no lookbehind)",
        ),
    ),
    (
        r"(?<!@)\w+",
        ("(?<!...)", REFUSES, "test the text before the match in Python (it has no lookbehind)"),
    ),
    (
        r"(?i)sku",
        (
            "(?i)",
            REFUSES,
            "write both cases in the pattern ([Ss]ku) or match text.lower() (it has no flags)",
        ),
    ),
    (
        r"(?i:sku)",
        (
            "(?i:",
            REFUSES,
            "write both cases in the pattern ([Ss]ku) or match text.lower() (it has no flags)",
        ),
    ),
    (r"(?m)^a", ("(?m)", REFUSES, "remove it (it has no flags)")),
    (r"a(?#note)", ("(?#...)", REFUSES, "remove the comment")),
    (r"(?>a)", ("(?>...)", REFUSES, "write a plain group (?:...)")),
    (r"(a)?(?(1)b)", ("(?(...)...)", REFUSES, "test the groups in Python instead")),
    (r"(?:)*", ("(?:)*", REFUSES, "remove the empty group")),
    (r"x(?:)", None),
    # repeats
    (r"a*?b+?c??", None),
    (r"<.*?>", None),
    (r"a*+", ("a*+", REFUSES, "drop the last + (it has no possessive repeats)")),
    (r"(ab)++", ("(ab)++", REFUSES, "drop the last + (it has no possessive repeats)")),
    (r"a**", ("a**", REFUSES, "drop the last * (it has no possessive repeats)")),
    (r"^$", None),
    (r"cat|dog|", None),
    # MicroPython refuses these, as CPython does: compiling on the runtime reports them
    (r"*a", None),
    (r"(a", None),
    (r"a)", None),
    (r"[a", None),
]


@pytest.mark.parametrize("pattern, want", PATTERNS, ids=[repr(p) for p, _ in PATTERNS])
def test_what_micropython_reads_otherwise_is_named_with_the_fix(pattern, want):
    assert regex_subset.problem(pattern) == want


EMPTY = [
    ("x*", True),
    ("^", True),
    ("$", True),
    ("a?", True),
    ("a|", True),
    ("(a|b)*", True),
    ("(?:a*)(b?)", True),
    ("a*b", False),
    ("a+", False),
    ("(a*)b", False),
    (r"\s*,\s*", False),
    (r"^\s+|\s+$", False),
    ("[a-z]*@", False),
    ("(a*)+", True),
]


@pytest.mark.parametrize("pattern, empty", EMPTY)
def test_which_patterns_can_match_empty_text(pattern, empty):
    assert regex_subset.matches_empty(pattern) is empty


REPLACEMENTS = [
    (r"\1-\2", None),
    (r"\g<1>!", None),
    (r"\g<0>", None),
    (r"\\", None),
    ("***", None),
    (r"<\0>", ("\\0", "takes as the whole match", "write \\g<0> for the whole match")),
    (r"\n", ("\\n", TEXT % "n", CHAR % "\\n")),
    (
        r"[\g<user>]",
        ("\\g<user>", TEXT % "user>", "use a plain group and \\g<1> (it has no named groups)"),
    ),
    (r"\-", ("\\-", TEXT % "-", "write \\\\- for a backslash before it")),
    (r"\q", ("\\q", TEXT % "q", 'write "q" without the backslash')),
    ("a\\", ("\\", "drops it, at the end", "write \\\\ for a backslash")),
]


@pytest.mark.parametrize("replacement, want", REPLACEMENTS)
def test_what_micropython_reads_otherwise_in_a_replacement(replacement, want):
    assert regex_subset.replacement_problem(replacement) == want


def _lines(source):
    return "def transformEvent(event, metadata):\n    return event\n" + source


# (what, source, the line check() refuses it with, None: it passes)
FILES = [
    (
        "the e-mail mask of the docs, with {2,}",
        'import re\n\n\ndef transformEvent(event, metadata):\n    return re.sub(r"[^@ ]+@[^@ ]+'
        '\\.[a-z]{2,}", "***", event)\n',
        'rules.py:5: re pattern "[^@ ]+@[^@ ]+\\.[a-z]{2,}" uses {2,}, which the browser\'s '
        'MicroPython takes as the text "{2,}": repeat the item instead, e.g. [a-z][a-z]+',
    ),
    (
        "the module under another name",
        _lines('import re as r\nWORD = r.search(r"\\bx", "x")\n'),
        'rules.py:4: re pattern "\\bx" uses \\b, which the browser\'s MicroPython takes as the '
        'text "b": match the characters around instead (it has no word boundaries), e.g. '
        "(^|\\W)word",
    ),
    (
        "ure, MicroPython's own name",
        _lines('import ure\nure.match("a{2}", "aa")\n'),
        'rules.py:4: re pattern "a{2}" uses {2}, which the browser\'s MicroPython takes as the '
        'text "{2}": repeat the item instead, e.g. aa',
    ),
    (
        "a function imported from re",
        _lines('from re import sub as replace\nreplace("(?i)sku", "", "x")\n'),
        'rules.py:4: re pattern "(?i)sku" uses (?i), which the browser\'s MicroPython refuses '
        "(ValueError: regex too complex): write both cases in the pattern ([Ss]ku) or match "
        "text.lower() (it has no flags)",
    ),
    (
        "a name re lacks, imported",
        _lines("from re import findall\n"),
        "rules.py:3: re.findall, which the browser's MicroPython does not have (its re has "
        "compile, match, search, sub): loop over re.compile(pattern).search(text, pos), from "
        "each match's end()",
    ),
    (
        "a non-raw string: the pattern is what Python makes of it",
        _lines('import re\nre.sub("\\\\d{4}", "#", "x")\n'),
        'rules.py:4: re pattern "\\d{4}" uses {4}, which the browser\'s MicroPython takes as '
        'the text "{4}": repeat the item instead, e.g. \\d\\d\\d\\d',
    ),
    (
        "a control character in the pattern is shown escaped",
        _lines('import re\nre.sub("\\t{2}", "#", "x")\n'),
        'rules.py:4: re pattern "\\t{2}" uses {2}, which the browser\'s MicroPython takes as '
        'the text "{2}": repeat the item instead, e.g. \\t\\t',
    ),
    (
        "a pattern compiled into a name, used for sub",
        _lines('import re\nBLANKS = re.compile(r"\\s*")\nBLANKS.sub("", "a b")\n'),
        'rules.py:5: re pattern "\\s*" can match empty text, and its sub on the browser\'s '
        "MicroPython stops at the first empty match (CPython's goes on): make the pattern "
        "match at least one character (+ rather than *)",
    ),
    (
        "removing what an anchored pattern matches, empty or not, is the same everywhere",
        _lines('import re\nre.sub(r"^\\s*", "", "a")\nre.compile(r"0*$|\\s*$").sub("", "a")\n'),
        None,
    ),
    (
        "but not putting text in its place",
        _lines('import re\nre.sub(r"^\\s*", "> ", "a")\n'),
        'rules.py:4: re pattern "^\\s*" can match empty text, and re.sub on the browser\'s '
        "MicroPython stops at the first empty match (CPython's goes on): make the pattern match "
        "at least one character (+ rather than *)",
    ),
    (
        "nor an empty match before others",
        _lines('import re\nre.sub(r"\\s*|x$", "", "a b")\n'),
        'rules.py:4: re pattern "\\s*|x$" can match empty text, and re.sub on the browser\'s '
        "MicroPython stops at the first empty match (CPython's goes on): make the pattern match "
        "at least one character (+ rather than *)",
    ),
    (
        "a method compiled patterns lack",
        _lines('import re\nEMAIL = re.compile(r"\\w+@\\w+")\nEMAIL.findall("a@b")\n'),
        "rules.py:5: EMAIL.findall, which the browser's MicroPython does not have (its "
        "compiled patterns have match, search, split, sub): loop over EMAIL.search(text, pos), "
        "from each match's end()",
    ),
    (
        "split with a group",
        _lines('import re\nre.compile("(,)").split("a,b")\n'),
        'rules.py:4: re pattern "(,)" has groups, and its split on the browser\'s MicroPython '
        "refuses them (NotImplementedError): write (?:...) for each group",
    ),
    (
        "a flag",
        _lines('import re\nre.search("sku", "SKU", re.IGNORECASE)\n'),
        "rules.py:4: re.IGNORECASE, which the browser's MicroPython does not have (its re has "
        "compile, match, search, sub): write both cases in the pattern ([Ss]ku) or match "
        "text.lower() (its re has no flags)",
    ),
    (
        "flags as a number",
        _lines('import re\nre.compile("sku", 2)\n'),
        "rules.py:4: re.compile is given flags, which the browser's MicroPython ignores: write "
        "both cases in the pattern ([Ss]ku) or match text.lower()",
    ),
    (
        "count by keyword",
        _lines('import re\nre.sub("a", "b", "aa", count=1)\n'),
        "rules.py:4: re.sub is given count= by keyword, which the browser's MicroPython refuses "
        "(TypeError): pass it by position",
    ),
    (
        "a replacement",
        _lines('import re\nre.sub("(a)", r"\\g<0>\\n", "a")\n'),
        'rules.py:4: re.sub replacement "\\g<0>\\n" uses \\n, which the browser\'s MicroPython '
        'takes as the text "n": write the character itself (a non-raw string "\\n" holds it)',
    ),
    (
        "too long for MicroPython's re (its compile on the runtime says so)",
        _lines('import re\nre.search(r"%s", "x")\n' % host_facts.LONG),
        'rules.py:4: re pattern "%s" is too long for the browser\'s MicroPython (ValueError: '
        "regex too complex): split it into shorter patterns (there a group that repeats, or a "
        "list of alternatives, must stay under about 60 characters)" % host_facts.LONG,
    ),
    (
        "not a pattern anywhere",
        _lines('import re\nre.search(r"(a", "x")\n'),
        'rules.py:4: re pattern "(a" is not a pattern, on CPython either (missing ), '
        "unterminated subpattern at position 0): fix it",
    ),
    (
        "the first one in the file is named",
        _lines('import re\nB = re.sub(r"x{2}", "", "")\nA = re.sub(r"\\bx", "", "")\n'),
        'rules.py:4: re pattern "x{2}" uses {2}, which the browser\'s MicroPython takes as the '
        'text "{2}": repeat the item instead, e.g. xx',
    ),
    (
        "what reads the same passes",
        _lines(
            "import re\n"
            'EMAIL = re.compile(r"[^@ ]+@[^@ ]+\\.[a-z][a-z]+")\n'
            'EMAIL.sub("***", "a@b.com")\n'
            'EMAIL.split("a@b.com c@d.org")\n'
            're.sub(r"(\\d)(\\d)", r"\\2\\1\\g<0>", "12", 1)\n'
            're.match(r"[\\w.-]+@", "a.b@c").group(0)\n'
            're.compile(r"\\d+").search("a1", 1)\n'
            "NAME = re.__name__\n"
        ),
        None,
    ),
    (
        "a bytes pattern is shown as text",
        _lines('import re\nre.sub(rb"[0-9]{2}", b"#", b"12")\n'),
        'rules.py:4: re pattern "[0-9]{2}" uses {2}, which the browser\'s MicroPython takes as '
        'the text "{2}": repeat the item instead, e.g. [0-9][0-9]',
    ),
    (
        "a pattern built at run time is not seen",
        _lines('import re\nCOUNT = "{2,}"\nre.sub("a" + COUNT, "", "aa")\n'),
        None,
    ),
    (
        "another module's sub is not re's",
        _lines('import json as re\nre.sub = None\n\n\ndef f(x):\n    return x.sub("a{2}")\n'),
        None,
    ),
]


@pytest.mark.parametrize("source, want", [r[1:] for r in FILES], ids=[r[0] for r in FILES])
def test_the_build_refuses_the_first_with_one_line(tmp_path, monkeypatch, source, want):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(source, encoding="utf-8")
    if want is None:
        assert site_transform.check("rules.py", "micropython", load=False) == source
        return
    with pytest.raises(UsageError) as refused:
        site_transform.check("rules.py", "micropython", load=False)
    assert str(refused.value) == want


MASK = (
    "import re\n\n\ndef transformEvent(event, metadata):\n"
    '    props = event.get("properties") or {}\n'
    '    props["email"] = re.sub(r"[^@ ]+@[^@ ]+\\.[a-z]{2,}", "***", props.get("email", ""))\n'
    "    return event\n"
)
MASK_REFUSED = (
    'rules.py:6: re pattern "[^@ ]+@[^@ ]+\\.[a-z]{2,}" uses {2,}, which the browser\'s '
    'MicroPython takes as the text "{2,}": repeat the item instead, e.g. [a-z][a-z]+'
)


def test_build_refuses_it_with_one_line_exit_2_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(MASK, encoding="utf-8")
    assert main(["build", "--out", "out", "--transform", "rules.py"]) == 2
    assert capsys.readouterr().err == "heap-device: " + MASK_REFUSED + "\n"
    assert not (tmp_path / "out").exists()


def test_pyodide_builds_take_it_cpython_reads_it_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(MASK, encoding="utf-8")
    assert site_transform.check("rules.py", "pyodide") == MASK


def test_try_and_heap_try_refuse_it_as_the_build_does(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(MASK, encoding="utf-8")
    message = {"type": "track", "event": "E", "properties": {"email": "a@b.com"}}
    with pytest.raises(trial.TryError) as refused:
        trial.run(message, transform="rules.py")  # what heap_try is
    assert str(refused.value) == MASK_REFUSED
    monkeypatch.setattr("sys.stdin", io.StringIO('{"type": "track", "event": "E"}'))
    assert main(["try", "--transform", "rules.py"]) == 1
    assert capsys.readouterr().err == "heap-device: " + MASK_REFUSED + "\n"


NAMES_PROBE = """
import re
print(sorted(n for n in dir(re) if not n.startswith("_")))
print(sorted(n for n in dir(re.compile("a")) if not n.startswith("_")))
"""


def test_the_names_it_knows_are_what_the_runtimes_re_has():
    done = hostpython.run(hostpython.compile_source(NAMES_PROBE, "names.py"))
    assert done.status == 0, done.stderr
    module, pattern = [ast.literal_eval(line) for line in done.stdout.splitlines()]
    assert module == list(regex_subset.MODULE_NAMES)
    assert pattern == list(regex_subset.PATTERN_METHODS)


@pytest.fixture(scope="module")
def re_results():
    return host_facts.re_results()


def test_the_build_refuses_exactly_what_the_runtime_does_otherwise(re_results):
    """Each "pattern" row of the docs' table: refused if and only if MicroPython's answer is not
    CPython's (an error, or another result)."""
    wrong = [
        (construct, micro, cpython, verdict)
        for construct, _, kind, micro, cpython, verdict in re_results
        if kind == "pattern" and (verdict is not None) != (micro != cpython)
    ]
    assert wrong == []
    refused = sum(1 for *_, verdict in re_results if verdict)
    assert refused == 40, refused


def test_what_it_cannot_see_is_said_so(re_results):
    """The "text" rows differ by the text, not the pattern; the "error" rows raise (try shows
    it): the build passes both."""
    for construct, _, kind, micro, cpython, verdict in re_results:
        if kind == "text":
            assert verdict is None and micro != cpython, construct
        elif kind == "error":
            assert verdict is None and "Error: " in micro, construct
