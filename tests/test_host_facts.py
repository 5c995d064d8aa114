"""docs/transformations.md and runtime_modules.py say what the shipped MicroPython really has:
both are written from the runtime (heap_device/tools/host_facts.py), and fail here when the
runtime and they differ (issue 23 item 5)."""

from heap_device.tools import host_facts, runtime_modules


def test_the_module_list_is_what_the_runtime_imports():
    asked = host_facts.micropython_modules()
    assert "json" in asked and "typing" not in asked
    assert list(runtime_modules.MICROPYTHON) == asked, (
        "the runtime changed: run python -m heap_device.tools.host_facts --write"
    )


def test_the_docs_say_what_the_runtime_has():
    text = host_facts.DOC.read_text(encoding="utf-8")
    want = host_facts.doc_with(text, host_facts.generated_doc())
    want = host_facts.doc_with(want, host_facts.generated_re_doc(), *RE_MARKERS)
    assert text == want, "the runtime changed: run python -m heap_device.tools.host_facts --write"


RE_MARKERS = (host_facts.RE_BEGIN, host_facts.RE_END)


def test_a_changed_re_table_is_caught():
    text = host_facts.DOC.read_text(encoding="utf-8")
    results = host_facts.re_results()
    assert host_facts.doc_with(text, host_facts.generated_re_doc(results), *RE_MARKERS) == text
    results[0] = results[0][:5] + (None,)  # the build no longer refuses {m}
    assert host_facts.doc_with(text, host_facts.generated_re_doc(results), *RE_MARKERS) != text


def test_the_idioms_run_on_micropython_not_on_cpython():
    micro = dict(zip([shown for shown, _ in host_facts.IDIOMS], host_facts.idioms_on_micropython()))
    assert micro["isinstance(True, int)"] == "False"  # CPython: True
    assert micro['"É".lower()'] == "'É'"  # ASCII-only case mapping
    assert micro['re.sub(r"[^@ ]+@[^@ ]+\\.[a-z]{2,}", "***", "a@b.com")'] == "'a@b.com'"


def test_a_changed_list_or_doc_is_caught():
    text = host_facts.DOC.read_text(encoding="utf-8")
    generated = host_facts.generated_doc(["json", "re"], ["'x'"] * len(host_facts.IDIOMS))
    assert host_facts.doc_with(text, generated) != text
    module_text = host_facts.MODULES_FILE.read_text(encoding="utf-8")
    assert host_facts.modules_file_with(module_text, list(runtime_modules.MICROPYTHON)) == (
        module_text
    )
    assert host_facts.modules_file_with(module_text, ["json"]) != module_text
