"""The tools, on CPython only: bundle building, the script tag, the demo server, the CLI.

Nothing here ships to a browser, and nothing outside this folder imports it.
"""


class UsageError(Exception):
    """A bad argument or a missing prerequisite: one line on stderr, exit status 2."""
