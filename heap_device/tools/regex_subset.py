"""What the browser's MicroPython `re` does differently from CPython's, found in a transform's code.

MicroPython's `re` (re1.5) is a small subset: `{2,}` is plain text, `\\b` is the letter b, a
class holding é matches each of its UTF-8 bytes alone, and `re.sub` stops at the first empty
match, all without an error. `findings(tree)` lists each such use the file's own text shows:
patterns written as literals in calls to the `re` module (or to a pattern compiled from a literal
and kept in a name), and names the module lacks. A pattern built at run time is not seen.

    findings(ast.parse(source))   # [(line, column, "re pattern ... uses ...: fix")], in order
    problem(r"[a-z]{2,}")          # ("{2,}", 'takes as the text "{2,}"', "repeat ... [a-z][a-z]+")

Every verdict here is tested against the runtime itself (tests/test_regex_subset.py).
"""

import ast

# What the runtime's re has (asked of it by tests/test_regex_subset.py).
MODULE_NAMES = ("compile", "match", "search", "sub")
PATTERN_METHODS = ("match", "search", "split", "sub")
MODULES = ("re", "ure")
# Positional arguments each function takes before the flags MicroPython ignores.
BEFORE_FLAGS = {"compile": 1, "match": 2, "search": 2, "sub": 4}

MICRO = "the browser's MicroPython"
REFUSES = "refuses (ValueError: regex too complex)"
NAMED = "dDsSwW"  # \d \D \s \S \w \W: the only escapes MicroPython gives a meaning
CHARACTER_ESCAPES = "abfnrtvxuUN01234567"  # CPython: a character (\n, \x41, \u00e9, \0, ...)
FLAG_LETTERS = set("aiLmsux-")
ABSENT_FIX = {
    "findall": "loop over re.compile(pattern).search(text, pos), from each match's end()",
    "finditer": "loop over re.compile(pattern).search(text, pos), from each match's end()",
    "fullmatch": "use re.match with the pattern ending in $",
    "split": "use re.compile(pattern).split(text) (a pattern without groups)",
    "subn": "use re.sub",
    "escape": "put a backslash before each of .^$*+?{}[]()|\\ yourself",
}
FLAGS_FIX = "write both cases in the pattern ([Ss]ku) or match text.lower()"
for _flag in "A ASCII I IGNORECASE L LOCALE M MULTILINE S DOTALL U UNICODE X VERBOSE".split():
    ABSENT_FIX[_flag] = FLAGS_FIX + " (its re has no flags)"


class _Stop(Exception):
    """The scan ends: `problem` is what was found (None: MicroPython itself refuses the pattern,
    which compiling it on the runtime reports)."""

    def __init__(self, problem=None):
        super().__init__(problem)
        self.problem = problem


def problem(pattern):
    """(construct, what MicroPython does with it, the fix) for the first construct of `pattern`
    that MicroPython treats otherwise than CPython, or None. `pattern`: str or bytes."""
    return _scan(pattern)[0]


def matches_empty(pattern):
    """Whether `pattern` can match the empty text (None: a pattern MicroPython cannot read)."""
    scan = _scan(pattern)[1]
    return scan and scan.empty


def _scan(pattern):
    """(problem, the _Scan read to the end): (None, scan), or (problem or None, None) when the
    pattern has a problem or MicroPython cannot read it."""
    scan = _Scan(pattern)
    try:
        scan.empty = scan.branches(top=True)
        if scan.i < len(scan.text):  # a ")" with no "(": MicroPython refuses it
            raise _Stop()
    except _Stop as stop:
        return stop.problem, None
    return None, scan


class _Scan:
    """Reads a pattern as MicroPython's re1.5 compiler does (lib/re1.5/compilecode.c), noting
    where CPython would read it otherwise."""

    def __init__(self, pattern):
        self.unicode = isinstance(pattern, str)  # MicroPython matches a str's UTF-8 bytes
        self.text = _as_text(pattern)
        self.i = 0
        self.groups = 0  # how many groups capture
        self.empty = None  # whether it can match the empty text
        self.edges = []  # for each top-level alternative: its first and last item, [] if none

    def at(self, offset=0):
        index = self.i + offset
        return self.text[index] if index < len(self.text) else ""

    def branches(self, top=False):
        """Alternatives up to ")" or the end -> whether they can match the empty text."""
        empty = False
        items = []  # for each item of this alternative: can it match the empty text
        kinds = []  # for each item: "^", "$" or "" (any other)
        last = None  # (start, end) of the item a quantifier would repeat, None: nothing
        while self.i < len(self.text) and self.at() != ")":
            start, c = self.i, self.at()
            if c == "\\":
                self.escape(in_class=False)
                items.append(False)
            elif c == "[":
                self.character_class()
                items.append(False)
            elif c == "(":
                self.group_opening()
                items.append(self.branches())
                if self.at() != ")":
                    raise _Stop()  # no closing ")": MicroPython refuses it
                self.i += 1
                if self.text[start : self.i] == "(?:)" and self.at() in ("*", "+", "?"):
                    shown = "(?:)" + self.at()
                    raise _Stop((shown, REFUSES, "remove the empty group"))
            elif c in "*+?":
                self.quantifier(last)
                if c != "+":
                    items[-1] = True
                last = None
                continue
            elif c == "{":
                self.count(last)
                self.i += 1
                items.append(False)
            elif c == "|":
                empty = empty or all(items)
                if top:
                    self.edges.append((kinds[:1], kinds[-1:]))
                items, kinds, last = [], [], None
                self.i += 1
                continue
            elif c in "^$":
                items.append(True)
                kinds.append(c)
                last = None
                self.i += 1
                continue
            else:
                self.i += 1
                items.append(False)
            kinds += [""] * (len(items) - len(kinds))
            last = (start, self.i)
        if top:
            self.edges.append((kinds[:1], kinds[-1:]))
        return empty or all(items)

    def anchored(self):
        """Whether every alternative starts with ^, or every one ends with $: an empty match is
        then at the start or the end only, with no match after it."""
        return all(first == ["^"] for first, _ in self.edges) or all(
            end == ["$"] for _, end in self.edges
        )

    def escape(self, in_class):
        letter = self.at(1)
        if not letter:
            raise _Stop()  # a trailing backslash: MicroPython refuses it
        if letter not in NAMED and letter.isascii() and letter.isalnum():
            raise _Stop(_escape_problem(self.text, self.i, in_class))
        self.i += 2

    def character_class(self):
        start = self.i
        self.i += 1
        negated = self.at() == "^"
        self.i += negated
        if self.at() == "]":
            shown = self.text[start : self.i + 1]
            does = (
                "takes as any character, and the ] after it as text"
                if negated
                else "takes as a class of nothing (it never matches), and the ] after it as text"
            )
            raise _Stop((shown, does, "write \\] for a ] in a class"))
        wide = []
        while self.at() != "]":
            if not self.at():
                raise _Stop()  # no closing "]": MicroPython refuses it
            if self.at() == "\\":
                if self.at(1) and self.at(1) in NAMED:
                    self.i += 2
                    continue
                self.escape(in_class=True)
                self.i -= 1  # on the escaped character, as MicroPython reads it
            wide += [c for c in self.at() if not c.isascii()]
            if self.at(1) == "-" and self.at(2) != "]":
                end = self.at(2)
                if not end:
                    raise _Stop()
                if end == "\\":
                    shown = self.text[self.i : self.i + 4]
                    raise _Stop(
                        (
                            shown,
                            "reads as a range to the backslash itself",
                            "put the escaped character outside the range, or write the "
                            "character itself",
                        )
                    )
                wide += [end] if not end.isascii() else []
                self.i += 3
            else:
                self.i += 1
        self.i += 1
        if wide and self.unicode:
            shown = self.text[start : self.i]
            if negated:
                fix = "test the text for %s in Python instead" % " and ".join(wide)
            else:
                fix = "write alternatives instead, e.g. (?:%s)" % "|".join(wide)
            does = "reads as a class of the UTF-8 bytes of %s, each on its own" % " and ".join(wide)
            raise _Stop((shown, does, fix))

    def group_opening(self):
        if self.at(1) != "?":
            self.groups += 1
            self.i += 1
        elif self.at(2) == ":":
            self.i += 3
        else:
            raise _Stop(_extension_problem(self.text, self.i))

    def quantifier(self, last):
        if last is None:
            raise _Stop()  # nothing to repeat: MicroPython refuses it (and CPython too)
        item = self.text[last[0] : last[1]]
        self.i += 1
        if self.at() == "?":
            self.i += 1  # not greedy: *? +? ??
        following = self.at()
        if following in ("*", "+", "?"):
            shown = self.text[last[0] : self.i + 1]
            raise _Stop(
                (
                    shown,
                    REFUSES,
                    "drop the last %s (it has no possessive repeats)" % following,
                )
            )
        if self.unicode and not item[-1].isascii():
            repeat = self.text[last[1] : self.i]
            raise _Stop(
                (
                    item[-1] + repeat,
                    "reads as %s with only its last UTF-8 byte repeated" % item[-1],
                    "group it: (?:%s)%s" % (item[-1], repeat),
                )
            )

    def count(self, last):
        """A "{" MicroPython takes as text: a problem where CPython reads a count ({2}, {2,})."""
        close = self.text.find("}", self.i)
        inside = self.text[self.i + 1 : close] if close > 0 else ""
        low, comma, high = inside.partition(",")
        if not inside or not (_digits(low) and _digits(high)):
            return
        shown = "{" + inside + "}"
        item = self.text[last[0] : last[1]] if last else ""
        fix = "write \\{ for a brace"
        if item:
            fix = "repeat the item instead"
            low = int(low or 0)
            high = None if comma and not high else int(high or low)
            written = _repeated(item, low, high)
            if written:
                fix += ", e.g. " + written
        raise _Stop((shown, 'takes as the text "%s"' % shown, fix))


def _digits(text):
    return all(c in "0123456789" for c in text)


def _repeated(item, low, high):
    """`item` written out `low` to `high` (None: no limit) times, or "" when that is long."""
    if high is not None and (high < low or high == 0):
        return ""
    if high is None:
        text = item * (low - 1) + item + "+" if low else item + "*"
    else:
        text = item * low + (item + "?") * (high - low)
    return text if len(text) <= 40 else ""


def _escape_problem(text, index, in_class):
    letter = text[index + 1]
    shown = text[index : index + 2]
    if letter in "xuU":
        shown = text[index : index + 2 + {"x": 2, "u": 4, "U": 8}[letter]]
    elif letter == "N" and "}" in text[index:]:
        shown = text[index : text.index("}", index) + 1]
    does = 'takes as the text "%s"' % shown[1:]
    if in_class or letter not in "bBAZz123456789":
        if letter in CHARACTER_ESCAPES:
            fix = 'write the character itself (a non-raw string "%s" holds it)' % shown
        else:
            fix = 'write "%s" without the backslash' % letter
    elif letter in "bB":
        fix = "match the characters around instead (it has no word boundaries), e.g. (^|\\W)word"
    elif letter == "A":
        fix = "use ^"
    elif letter in "Zz":
        fix = "use $"
    else:
        fix = "compare the groups in Python, e.g. m.group(1) == m.group(2) (no backreferences)"
    return shown, does, fix


def _extension_problem(text, index):
    """A "(?" group other than "(?:", which MicroPython refuses."""
    rest = text[index + 2 :]
    kinds = (
        ("P<", "(?P<name>...)", "use a plain group (...) and m.group(1) (it has no named groups)"),
        ("P=", "(?P=name)", "compare the groups in Python (it has no backreferences)"),
        (
            "=",
            "(?=...)",
            "match more and keep the part you want in a group (it has no lookahead)",
        ),
        ("!", "(?!...)", "test the text after the match in Python (it has no lookahead)"),
        (
            "<=",
            "(?<=...)",
            "match more and keep the part you want in a group (it has no lookbehind)",
        ),
        ("<!", "(?<!...)", "test the text before the match in Python (it has no lookbehind)"),
        ("#", "(?#...)", "remove the comment"),
        (">", "(?>...)", "write a plain group (?:...)"),
        ("(", "(?(...)...)", "test the groups in Python instead"),
    )
    for start, shown, fix in kinds:
        if rest.startswith(start):
            return shown, REFUSES, fix
    flags = ""
    for c in rest:
        if c not in FLAG_LETTERS:
            break
        flags += c
    shown = "(?%s)" % flags if rest[len(flags) : len(flags) + 1] == ")" else "(?%s:" % flags
    fix = FLAGS_FIX + " (it has no flags)" if "i" in flags else "remove it (it has no flags)"
    if not flags:
        shown, fix = "(?" + rest[:1], "write (?:...) or a plain group"
    return shown, REFUSES, fix


def replacement_problem(replacement):
    """(construct, what MicroPython does, fix) for the first escape in a re.sub replacement that
    MicroPython treats otherwise than CPython, or None."""
    text = _as_text(replacement)
    index = 0
    while True:
        index = text.find("\\", index)
        if index < 0:
            return None
        after = text[index + 1 : index + 2]
        if not after:
            return "\\", "drops it, at the end", "write \\\\ for a backslash"
        if after == "\\" or after in "123456789":
            index += 2
            continue
        if text.startswith("g<", index + 1):
            close = text.find(">", index)
            name = text[index + 3 : close] if close > 0 else ""
            if name and _digits(name):
                index += 4 + len(name)
                continue
            shown = text[index : index + 4 + len(name)]
            does = 'takes as the text "%s"' % shown[3:]
            return shown, does, "use a plain group and \\g<1> (it has no named groups)"
        shown = text[index : index + 2]
        if after == "0":
            return shown, "takes as the whole match", "write \\g<0> for the whole match"
        does = 'takes as the text "%s"' % after
        fix = 'write "%s" without the backslash' % after
        if after in "abfnrtvxuUN":
            fix = 'write the character itself (a non-raw string "%s" holds it)' % shown
        elif not (after.isascii() and after.isalpha()):
            fix = "write \\\\%s for a backslash before it" % after
        return shown, does, fix


def _as_text(pattern):
    return pattern if isinstance(pattern, str) else pattern.decode("latin-1")


def printable(text):
    """`text` (str or bytes) as a message shows it: control characters escaped."""
    text = _as_text(text)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def patterns(tree):
    """[(line, pattern)] of each literal pattern the file gives the re module, in order."""
    return [(line, text) for line, _, text in sorted(_Uses(tree).patterns)]


def findings(tree):
    """[(line, column, text)] of each use of `re` the browser's MicroPython would not do as
    CPython does, in the file's order."""
    return sorted(_Uses(tree).found)


class _Uses:
    """The file's uses of `re`: the names it has for the module, for its functions (from re
    import sub) and for patterns compiled from a literal."""

    def __init__(self, tree):
        self.found = []
        self.patterns = []
        self.modules = set()
        self.functions = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in MODULES:
                        self.modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module in MODULES and not node.level:
                for alias in node.names:
                    self.imported(node, alias)
        self.compiled = self.compiled_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                self.attribute(node)

    def note(self, node, text):
        self.found.append((node.lineno, node.col_offset, text))

    def imported(self, node, alias):
        if alias.name == "*":
            self.functions.update({name: name for name in MODULE_NAMES})
        elif alias.name in MODULE_NAMES:
            self.functions[alias.asname or alias.name] = alias.name
        else:
            self.note(node, _absent("re", alias.name, MODULE_NAMES))

    def compiled_names(self, tree):
        """{name: pattern} for each name bound once in the file, to re.compile(<literal>)."""
        bound = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound[node.id] = bound.get(node.id, 0) + 1
        names = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and bound[node.targets[0].id] == 1
                and self.function(node.value) == "compile"
                and _literal(node.value.args[:1])
            ):
                names[node.targets[0].id] = node.value.args[0].value
        return names

    def function(self, node):
        """The re function a call calls ("sub"), or None."""
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in self.modules and func.attr in MODULE_NAMES:
                return func.attr
        return None

    def of_module(self, node):
        """Whether `node` is a name in the re module (re.I), which attribute() looks at."""
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.modules
        )

    def attribute(self, node):
        name = node.value.id
        if node.attr.startswith("__"):
            return
        if name in self.modules and node.attr not in MODULE_NAMES:
            self.note(node, _absent("re", node.attr, MODULE_NAMES))
        elif name in self.compiled and node.attr not in PATTERN_METHODS:
            self.note(node, _absent(name, node.attr, PATTERN_METHODS))

    def call(self, node):
        function = self.function(node)
        if function is not None:
            name = "re." + function
            if _literal(node.args[:1]):
                self.pattern(node.args[0], function, node.args[1:2])
            extra = node.args[BEFORE_FLAGS[function] :]
            if extra and not _literal(extra[:1], 0) and not self.of_module(extra[0]):
                self.note(
                    node, "%s is given flags, which %s ignores: %s" % (name, MICRO, FLAGS_FIX)
                )
        else:
            func = node.func
            if not isinstance(func, ast.Attribute) or func.attr not in ("sub", "split"):
                return
            target = func.value
            if isinstance(target, ast.Name) and target.id in self.compiled:
                pattern = self.compiled[target.id]
            elif self.function(target) == "compile" and _literal(target.args[:1]):
                pattern = target.args[0].value
            else:
                return
            name = "%s.%s" % (ast.unparse(target), func.attr)
            self.method(node, pattern, "its " + func.attr, node.args[:1])
            if func.attr == "sub" and _literal(node.args[:1]):
                self.replacement(node.args[0])
        for keyword in node.keywords:
            self.note(
                node,
                "%s is given %s= by keyword, which %s refuses (TypeError): pass it by position"
                % (name, keyword.arg, MICRO),
            )

    def pattern(self, node, function, replacement):
        self.patterns.append((node.lineno, node.col_offset, node.value))
        found = problem(node.value)
        if found:
            construct, does, fix = found
            self.note(
                node,
                printable(
                    're pattern "%s" uses %s, which %s %s: %s'
                    % (_as_text(node.value), construct, MICRO, does, fix)
                ),
            )
            return
        if function == "sub":
            self.method(node, node.value, "re.sub", replacement)
            if _literal(replacement):
                self.replacement(replacement[0])

    def method(self, node, pattern, function, replacement):
        """A pattern's sub or split: MicroPython stops at an empty match; its split refuses
        groups. (A sub with "" of a pattern anchored at the start or end gives the same.)"""
        scan = _scan(pattern)[1]
        if scan is None:
            return
        removes = function.endswith("sub") and _literal(replacement) and not replacement[0].value
        if function.endswith("split") and scan.groups:
            self.note(
                node,
                're pattern "%s" has groups, and its split on %s refuses them '
                "(NotImplementedError): write (?:...) for each group" % (printable(pattern), MICRO),
            )
        elif scan.empty and not (removes and scan.anchored()):
            self.note(
                node,
                're pattern "%s" can match empty text, and %s on %s stops at the first empty '
                "match (CPython's goes on): make the pattern match at least one character "
                "(+ rather than *)" % (printable(pattern), function, MICRO),
            )

    def replacement(self, node):
        found = replacement_problem(node.value)
        if found:
            construct, does, fix = found
            self.note(
                node,
                printable(
                    're.sub replacement "%s" uses %s, which %s %s: %s'
                    % (_as_text(node.value), construct, MICRO, does, fix)
                ),
            )


def _literal(nodes, value=None):
    """Whether nodes is one str or bytes literal (or the literal `value`)."""
    if len(nodes) != 1 or not isinstance(nodes[0], ast.Constant):
        return False
    if value is not None:
        return nodes[0].value == value
    return isinstance(nodes[0].value, str | bytes)


def _absent(owner, name, present):
    fix = ABSENT_FIX.get(name, "use what it has")
    has = "its re has"
    if owner != "re":
        has = "its compiled patterns have"
        if name in ("findall", "finditer"):
            fix = "loop over %s.search(text, pos), from each match's end()" % owner
        elif name == "fullmatch":
            fix = "use %s.match with the pattern ending in $" % owner
    return "%s.%s, which %s does not have (%s %s): %s" % (
        owner,
        name,
        MICRO,
        has,
        ", ".join(present),
        fix,
    )
