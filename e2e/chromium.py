"""How tests and benchmarks launch Chromium here: Debian's build when present, no outside traffic.

Without the background-networking flags Chromium keeps trying Google's hosts; the resolver rule
makes any host but 127.0.0.1 fail locally, so a stray request shows up as a failed request.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
