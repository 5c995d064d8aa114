"""Command line (CPython): build the browser bundle, print its script tag, run the demo."""

import argparse
import sys

from heap_device.tools import UsageError
from heap_device.tools.bundle import BOOTS, DEFAULT_BOOT, RUNTIMES, build
from heap_device.tools.snippet import snippet


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2 (argparse would print the usage too)
        raise UsageError(message)


def _parser():
    parser = _Parser(prog="heap-device", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = commands.add_parser("build", help="write the browser bundle into a folder")
    b.add_argument("--out", required=True, help="folder to write (created if missing)")
    b.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    b.add_argument(
        "--boot", choices=BOOTS, default=DEFAULT_BOOT, help="pyscript: pages that run PyScript"
    )
    s = commands.add_parser("snippet", help="print the <script> tag for a website")
    s.add_argument("--base-url", required=True, help="URL of the built folder, e.g. /heap")
    s.add_argument("--options", help='tag options as JSON, e.g. \'{"sdk": "classic"}\'')
    s.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    s.add_argument("--boot", choices=BOOTS, default=DEFAULT_BOOT, help="as given to build")
    d = commands.add_parser("demo", help="serve the live demo page on this machine")
    d.add_argument("--port", type=int, default=8000)
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--app-id", help="your Heap environment ID (default: offline Heap stand-in)")
    d.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    return parser


def main(argv=None):
    """Entry point of the ``heap-device`` command; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
        if args.command == "build":
            out = build(args.out, args.runtime, args.boot)
            print(f"heap-device: wrote the {args.runtime} bundle to {out}")
        elif args.command == "snippet":
            sys.stdout.write(snippet(args.base_url, args.options, args.runtime, args.boot))
        else:
            from heap_device.tools import demo  # jinja2 and http.server: only when asked

            return demo.run(args.host, args.port, args.app_id, args.runtime)
    except UsageError as exc:
        print(f"heap-device: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
