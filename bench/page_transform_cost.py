"""Main-thread cost of a site transform per large event (issue 23 item 7), side by side.

Builds the default bundle twice from this checkout (or from each --tree), once without a
transform and once with the identity transform, and measures both on the bench page in
interleaved cold runs with bench/run.py's own per-event method (Chromium's main-thread
TaskDuration per large event, an empty batch subtracted). Prints each run and the medians.

Usage (a benchmark: run it with `alone`):
    alone .venv/bin/python bench/page_transform_cost.py [--runs 5] [--tree NAME=DIR ...]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py: the bench page, the browser, per_event)

IDENTITY = "def transformEvent(event, metadata):\n    return event\n"
# Counts the answers the worker posts to the page from now on (each is one page task).
COUNT_ANSWERS = """() => { window.__answers = 0;
  for (const w of window.__benchWorkers || [])
    w.addEventListener('message', () => window.__answers++); }"""
WATCH_WORKERS = """(() => { const W = window.Worker; window.__benchWorkers = [];
  window.Worker = function (url, options) { const w = new W(url, options);
    window.__benchWorkers.push(w); return w; };
  window.Worker.prototype = W.prototype; })();"""


def build(root, checkout, name, transform, head):
    args = ["build", "--out", str(root / name), "--base-url", "/" + name]
    if transform:
        args += ["--transform", str(transform)]
    tag = head + run.cli(checkout, *args).stdout
    (root / (name + "-first.html")).write_text(run.page_html(tag, 1), encoding="utf-8")


def measure(browser, name):
    """Main-thread us per large event, the hand-over loop's share, and the worker's answers
    (page tasks) per event."""
    context, page, seen, cdp = browser.open("%s/%s-first.html" % (browser.origin, name))
    try:
        page.evaluate("() => window.__benchFirstCall")
        page.evaluate(COUNT_ANSWERS)
        got = run.per_event(page, cdp, "large")
        answers = page.evaluate("window.__answers")
    finally:
        context.close()
    if seen["errors"] or seen["strays"]:
        sys.exit("bench: %s: %s %s" % (name, seen["errors"], seen["strays"]))
    return got["us"], got["handover_us"], answers / got["batch"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", action="append", default=[], help="NAME=DIR: another checkout")
    args = parser.parse_args()
    trees = {"this": run.REPO}
    trees.update(dict(t.split("=", 1) for t in args.tree))
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        identity = root / "identity_rules.py"
        identity.write_text(IDENTITY, encoding="utf-8")
        (root / "vendor").mkdir()
        run.shutil.copyfile(run.SDK, root / "vendor" / "rsa.js")
        run.shutil.copyfile(run.WEB / "bench-page.js", root / "bench-page.js")
        names = []
        head = "<script>%s</script>\n" % WATCH_WORKERS
        for tree, checkout in trees.items():
            for kind, transform in (("plain", None), ("identity", identity)):
                name = "%s-%s" % (tree, kind)
                build(root, Path(checkout), name, transform, head)
                names.append(name)
        server = run.local_server.start(root)
        results = {name: [] for name in names}
        try:
            with sync_playwright() as playwright:
                browser = run.Browser(playwright, server)
                for i in range(args.runs):
                    for name in names:
                        results[name].append(measure(browser, name))
                    form = "%.1f us (loop %.1f, answers/event %.2f)"
                    said = {n: form % v[-1] for n, v in results.items()}
                    print("run %d: %s" % (i + 1, said))
                browser.browser.close()
        finally:
            run.local_server.stop(server)
    for tree in trees:
        plain = statistics.median(r[0] for r in results[tree + "-plain"])
        same = statistics.median(r[0] for r in results[tree + "-identity"])
        print(
            "%s: per large event, main thread: no transform %.1f us, identity transform %.1f us"
            ": x%.2f" % (tree, plain, same, same / plain)
        )


if __name__ == "__main__":
    main()
