"""Command line (CPython): build the browser bundle and its tag, check a deploy, run the demo."""

import argparse
import sys

from heap_device.tools import UsageError, assets, precompress
from heap_device.tools.bundle import BOOTS, RUNTIMES, build
from heap_device.tools.output import save_tag
from heap_device.tools.snippet import check_base_url, parse_options, snippet_from

DEFAULT_PAGE_URL = "https://www.example.com/"  # trial.DEFAULT_PAGE_URL (imported only for try)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2 (argparse would print the usage too)
        raise UsageError(message)


RUNTIME_HELP = (
    "the Python interpreter: micropython (default, ~240 KB gzip) or pyodide (full CPython, ~6 MB)"
)


def _port(text):
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: use 1-65535 (0: any free port)")
    return port


def version_text():
    """heap-device's version and the version of every runtime the package ships (or not)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("heap-device")
    except PackageNotFoundError:
        own = "(not installed)"
    pinned = assets.pinned_versions()
    lines = ["heap-device " + own]
    for name, package in assets.RUNTIME_PACKAGES.items():
        shipped = package not in assets.NOT_SHIPPED or (assets.NODE_MODULES / package).is_dir()
        where = "" if shipped else " (not shipped: --runtime pyodide needs --pyodide-dir)"
        lines.append("%s %s%s" % (name, pinned.get(package, "?"), where))
    for package, use in (
        (assets.RUDDERSTACK_PACKAGE, "demo page, offline tests"),
        (assets.RUDDERSTACK_V1_PACKAGE, "v1.1, offline tests"),
    ):
        lines.append("RudderStack JS SDK %s (%s)" % (pinned.get(package, "?"), use))
    return "\n".join(lines) + "\n"


def _parser():
    parser = _Parser(prog="heap-device", description=__doc__)
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    b = commands.add_parser("build", help="write the browser bundle into a folder, print its tag")
    b.add_argument("--out", required=True, help="folder to write (created if missing)")
    b.add_argument("--base-url", help="URL the folder is served at (e.g. /heap): prints the tag")
    b.add_argument("--options", help='tag options as JSON, e.g. \'{"sdk": "classic"}\'')
    b.add_argument("--runtime", choices=RUNTIMES, default="micropython", help=RUNTIME_HELP)
    b.add_argument("--boot", choices=BOOTS, default=BOOTS[0], help="how the runtime starts")
    b.add_argument("--dev", action="store_true", help="add what only the demo and tests use")
    b.add_argument("--pyodide-dir", help="a Pyodide distribution (for --runtime pyodide)")
    b.add_argument("--force", action="store_true", help="write beside files it did not write")
    b.add_argument("--transform", help="your transformEvent file (docs/transformations.md)")
    b.add_argument(
        "--examples",
        help="a .jsonl file of your site's messages (one a line): each runs through --transform "
        "on the runtime first; one that fails stops the build",
    )
    s = commands.add_parser("snippet", help="print the <script> tag of a build")
    s.add_argument("--from", dest="folder", required=True, help="the folder build wrote")
    s.add_argument(
        "--base-url", help="URL of that folder, e.g. /heap (default: the one build was given)"
    )
    s.add_argument(
        "--options",
        help='tag options as JSON, e.g. \'{"sdk": "classic"}\' (default: those build was given)',
    )
    c = commands.add_parser("check", help="check a deployed bundle (files, types, headers, SRI)")
    c.add_argument("url", help="a page holding the tag, or the bundle's URL (its --base-url)")
    c.add_argument("--tag", help="a file holding the tag (heap-device.tag.html): checks its SRI")
    c.add_argument("--integrity", help="the SRI value your page's tag carries: checks it")
    c.add_argument("--page", help="a page of the site: checks its CSP and cross-origin headers")
    t = commands.add_parser("try", help="what Heap would get for one message (JSON file or stdin)")
    t.add_argument("message", nargs="?", help="a JSON file (default: stdin)")
    t.add_argument("--messages", help="a .jsonl file: one message a line, each tried in turn")
    t.add_argument("--options", help="tag options as JSON, e.g. '{\"trackPageCalls\": true}'")
    t.add_argument("--transform", help="your transformEvent file (docs/transformations.md)")
    t.add_argument("--destination-id", help="the destinationId metadata(event) gives")
    t.add_argument(
        "--page-url",
        help="the page the message comes from, for context.page (default %s)" % DEFAULT_PAGE_URL,
    )
    t.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="micropython",
        help="the build's runtime: micropython (default) runs on the browser's MicroPython",
    )
    t.add_argument("--pyodide-dir", help="a Pyodide distribution (for --runtime pyodide)")
    d = commands.add_parser("demo", help="serve the live demo page on this machine")
    d.add_argument(
        "--port", type=_port, default=8000, help="port to serve on (default 8000; 0: any free)"
    )
    d.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to serve on (default 127.0.0.1: this machine only; 0.0.0.0: every network)",
    )
    d.add_argument("--app-id", help="your Heap environment ID (default: offline Heap stand-in)")
    d.add_argument("--runtime", choices=RUNTIMES, default="micropython", help=RUNTIME_HELP)
    d.add_argument("--pyodide-dir", help="a Pyodide distribution (for --runtime pyodide)")
    d.add_argument("--transform", help="your transformEvent file (docs/transformations.md)")
    return parser


def _build(args):
    if args.base_url is not None:  # bad tag arguments fail before anything is written
        check_base_url(args.base_url)
        parse_options(args.options)
    elif args.options is not None:
        raise UsageError("--options needs --base-url: the tag they go in needs the bundle's URL")
    if args.examples is not None:
        _examples(args)
    out = build(
        args.out, args.runtime, args.boot, args.force, args.pyodide_dir, args.dev, args.transform
    )
    print(f"heap-device: wrote the {args.runtime} bundle to {out}", file=sys.stderr)
    if "br" not in precompress.available():
        print(
            "heap-device: wrote .gz copies only: install brotli (pip install brotli) for .br",
            file=sys.stderr,
        )
    if args.base_url is None:
        print(
            f"heap-device: for its tag: heap-device snippet --from {out} --base-url URL",
            file=sys.stderr,
        )
        return
    tag = snippet_from(out, args.base_url, args.options)
    save_tag(out, tag, args.base_url, args.options)
    sys.stdout.write(tag)


def _examples(args):
    """build --examples: the site's messages through its transform first, or a UsageError."""
    from heap_device.tools import trial

    if args.transform is None:
        raise UsageError("--examples needs --transform: they run through your transform")
    options = parse_options(args.options) if args.options is not None else None
    try:
        ran = trial.examples(
            args.examples, args.transform, options, args.runtime, pyodide_dir=args.pyodide_dir
        )
    except trial.TryError as exc:
        raise UsageError(str(exc)) from None
    print(
        "heap-device: %s: %d message(s) through %s on %s, none failed"
        % (args.examples, len(ran), args.transform, args.runtime),
        file=sys.stderr,
    )


def main(argv=None):
    """Entry point of the ``heap-device`` command; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
        if args.version:
            sys.stdout.write(version_text())
        elif args.command is None:
            raise UsageError(
                "name a command: build, snippet, check, try or demo (--help says more)"
            )
        elif args.command == "build":
            _build(args)
        elif args.command == "snippet":
            sys.stdout.write(snippet_from(args.folder, args.base_url, args.options))
        elif args.command == "try":
            from heap_device.tools import trial

            return trial.main(
                args.message,
                args.options,
                args.transform,
                args.destination_id,
                messages=args.messages,
                runtime=args.runtime,
                page_url=args.page_url,
                pyodide_dir=args.pyodide_dir,
            )
        elif args.command == "check":
            from heap_device.tools import check

            return check.run(args.url, args.tag, args.integrity, args.page)
        else:
            from heap_device.tools import demo  # jinja2 and http.server: only when asked

            extra = {} if args.transform is None else {"transform": args.transform}
            return demo.run(
                args.host, args.port, args.app_id, args.runtime, args.pyodide_dir, **extra
            )
    except UsageError as exc:
        print(f"heap-device: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
