"""The build drops whole comment lines from the JS it ships, and nothing else."""

from heap_device.tools.bundle import render_adapter, without_comment_lines

SOURCE = """/* a header
 * over lines */
var url = 'https://cdn.example.com/x.js'; // kept: code comes first
  // an indented comment line
var s = "/* not a comment */";
/** one-line block */
function f() { return 1; }
"""


def test_only_whole_comment_lines_go():
    assert without_comment_lines(SOURCE) == (
        "var url = 'https://cdn.example.com/x.js'; // kept: code comes first\n"
        'var s = "/* not a comment */";\n'
        "function f() { return 1; }\n"
    )


def test_the_shipped_adapter_keeps_its_code():
    shipped = render_adapter("micropython")
    assert "//" not in [line.strip()[:2] for line in shipped.splitlines()]
    assert "var BUILD = {" in shipped and "Heap_RS" in shipped
