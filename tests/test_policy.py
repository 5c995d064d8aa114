"""A page's Content-Security-Policy as check reads it: which inline scripts run, the hash to add
for one that does not, and which RudderStack hosts a page names (tools/policy.py)."""

import io

import pytest

from heap_device.tools import check, policy

HELLO = "alert('Hello, world.');"
HELLO_HASH = "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"  # the CSP spec's example


def test_the_hash_of_an_inline_script_is_the_one_the_spec_gives():
    assert policy.inline_hash(HELLO) == HELLO_HASH


@pytest.mark.parametrize(
    "sources, nonce, runs",
    [
        (None, None, True),  # no policy on scripts
        (["'self'"], None, False),
        (["'self'", HELLO_HASH], None, True),
        (["'self'", HELLO_HASH.replace("qzn", "Qzn")], None, False),
        (["'self'", "'nonce-abc'"], "abc", True),
        (["'self'", "'nonce-abc'"], "abd", False),
        (["'self'", "'unsafe-inline'"], None, True),
        (["'unsafe-inline'", "'nonce-abc'"], None, False),  # a nonce turns unsafe-inline off
        (["'unsafe-inline'", "'strict-dynamic'"], None, False),
        (["'sha384-" + "x" * 64 + "'"], None, False),
    ],
)
def test_which_inline_scripts_run(sources, nonce, runs):
    assert policy.inline_allowed(sources, HELLO, nonce) is runs


SNIPPET = """
  !function(){var e="rudderanalytics";window[e]||(window[e]=[]);
  var sdkBaseUrl="https://cdn.rudderlabs.com/v3"; var sdkName="rsa.min.js";
  rudderanalytics.load("WRITE_KEY", "https://acme.dataplane.rudderstack.com", {});
  }();"""


def test_the_hosts_a_rudderstack_page_needs():
    assert policy.rudderstack_needs([SNIPPET], []) == [
        ("RudderStack's SDK", "https://cdn.rudderlabs.com/v3/", "script-src-elem"),
        ("RudderStack's data plane", "https://acme.dataplane.rudderstack.com/v1/", "connect-src"),
        ("RudderStack's control plane", "https://api.rudderstack.com/sourceConfig/", "connect-src"),
    ]
    own = SNIPPET.replace("{}", '{configUrl: "https://cp.acme.test"}')
    assert policy.rudderstack_needs([own], [])[-1][1] == "https://cp.acme.test/sourceConfig/"
    assert policy.rudderstack_needs(["var x = 1;"], ["/heap/heap-device.js"]) == []


def _report_of(html, text):
    """The lines check's policy phase says of a page's own scripts (no server: one Context)."""
    ctx = check.Context("https://shop.test/", out=io.StringIO())
    ctx.page, ctx.html = check.Answer("https://shop.test/", 200), check.parse_html(html)
    check.check_page_scripts(ctx, text, "CSP")
    return ctx.problems


OLD_DOCUMENTED = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
    "worker-src 'self'; connect-src 'self' https://*.heap-api.com"
)


def test_the_old_documented_policy_refuses_the_snippet_and_its_hosts():
    html = "<html><head><script>%s</script></head></html>" % SNIPPET
    snippet_hash = policy.inline_hash(SNIPPET)
    assert _report_of(html, OLD_DOCUMENTED) == [
        "CSP: script-src refuses RudderStack's inline loading snippet, so it never runs: add %s "
        "to script-src (the hash of exactly that script: change one character and it is "
        "another), or give the script a nonce the policy names" % snippet_hash,
        "CSP: script-src does not allow RudderStack's SDK (https://cdn.rudderlabs.com/v3/): add "
        "https://cdn.rudderlabs.com to script-src",
        "CSP: connect-src does not allow RudderStack's data plane "
        "(https://acme.dataplane.rudderstack.com/v1/): add "
        "https://acme.dataplane.rudderstack.com to connect-src",
        "CSP: connect-src does not allow RudderStack's control plane "
        "(https://api.rudderstack.com/sourceConfig/): add https://api.rudderstack.com to "
        "connect-src",
    ]
    fixed = (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com "
        "https://cdn.rudderlabs.com %s; worker-src 'self'; connect-src 'self' "
        "https://*.heap-api.com https://api.rudderstack.com https://acme.dataplane.rudderstack.com"
        % snippet_hash
    )
    assert _report_of(html, fixed) == []


def test_data_scripts_and_script_files_need_no_hash():
    html = (
        '<script type="application/json">{"a": 1}</script><script src="/x.js"></script>'
        '<script type="module">%s</script>' % HELLO
    )
    said = _report_of(html, "script-src 'self'")
    assert [line.split(" refuses ")[1][:28] for line in said] == ["the page's inline script #1 "]
    # line breaks as the browser parses them (\r\n -> \n) before hashing
    crlf = "<script>a();\r\nb();</script>"
    assert policy.inline_hash("a();\nb();") in _report_of(crlf, "script-src 'self'")[0]


@pytest.mark.parametrize(
    "source, url, allowed",
    [
        ("'self'", "http://a.test:8000/x.js", True),
        ("'self'", "http://a.test:8001/x.js", False),
        ("'self'", "https://a.test/x.js", True),  # http page: upgraded to https
        ("*", "https://b.test/x.js", True),
        ("*", "data:text/javascript,1", False),
        ("https:", "https://b.test/x.js", True),
        ("https:", "http://b.test/x.js", False),
        ("b.test", "http://b.test/x.js", True),
        ("b.test", "http://b.test:8000/x.js", False),
        ("b.test:*", "http://b.test:8000/x.js", True),
        ("*.b.test", "https://cdn.b.test/x.js", True),
        ("*.b.test", "https://b.test/x.js", False),
        ("https://b.test/heap/", "https://b.test/heap/x.js", True),
        ("https://b.test/heap/", "https://b.test/other/x.js", False),
        ("https://b.test/heap/x.js", "https://b.test/heap/x.js", True),
        ("'unsafe-eval'", "https://b.test/x.js", False),
    ],
)
def test_csp_source_matching(source, url, allowed):
    assert policy.source_allows(source, url, "http://a.test:8000") is allowed


@pytest.mark.parametrize(
    "sources, nonce, integrity, runs",
    [
        (None, None, None, True),
        (["'self'"], None, None, True),
        (["https://cdn.test"], None, None, False),
        (["'self'", "'strict-dynamic'"], None, None, False),  # hosts and 'self' count for nothing
        (["'nonce-Ab1'", "'strict-dynamic'"], "Ab1", None, True),
        (["'nonce-Ab1'", "'strict-dynamic'"], "ab1", None, False),  # nonces are case-sensitive
        (["'sha384-x'", "'strict-dynamic'"], None, "sha384-x", True),
        (["'sha384-x'", "'strict-dynamic'"], None, "sha384-y", False),
    ],
)
def test_which_script_tags_a_policy_runs(sources, nonce, integrity, runs):
    url = "https://shop.test/heap/heap-device.0123456789ab.js"
    assert policy.script_tag_allowed(sources, url, "https://shop.test", nonce, integrity) is runs
