"""`heap-device try`: what Heap would get for a message, on the interpreter the browser runs.

    $ echo '{"type": "track", "event": "Order Completed", "properties": {"total": 5}}' \\
        | heap-device try --transform mask_email.py
    message (filled in as the SDK would: messageId, anonymousId, ...)
      {"type": "track", "event": "Order Completed", "properties": {"total": 5}, ...}
    transformEvent returned (unchanged)
      {"type": "track", ...}
    Heap calls
      heap.track("Order Completed", {"total":5})

A short message is filled in as RudderStack's SDK v3 fills it (messageId, anonymousId, channel,
context with context.page, timestamps), so a transform sees what it would see in the browser.
For the MicroPython runtime (the build's default) the transform and the mapping run on the same
MicroPython the browser runs (heap_device/tools/hostpython.py); for Pyodide on CPython, the same
language. The transform passes exactly the build's checks first (tools/transform.py).

`run` gives the same as data, for tests (the pytest plugin's `heap_try`); `run_many` does many
messages in one start of the interpreter (`try --messages`, `build --examples`).
"""

import json
import sys
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from heap_device.core import jstext
from heap_device.core.errors import HeapDeviceError
from heap_device.core.settings import resolve_settings
from heap_device.core.transform import SiteTransform
from heap_device.core.transform import handle as transformed
from heap_device.tools import UsageError, assets
from heap_device.tools import transform as site_transform

# An appId only so that the settings resolve: nothing is sent anywhere.
PLACEHOLDER_APP_ID = "1"
TYPES = ("track", "identify", "page", "group", "alias")
RUNTIMES = ("micropython", "pyodide")
# The page a message comes from when --page-url does not say (docs/transformations.md).
DEFAULT_PAGE_URL = "https://www.example.com/"
DIRECT = "$direct"  # the SDK's referrer when the page was opened directly


class TryError(Exception):
    """Why `try` (or heap_try) could not say what Heap would get: the command exits 1.

    Raised for a bad message or options, a transform the build would refuse, and a transform
    that fails (on load, or raising or returning the wrong kind for the message). `outcome` is
    what Heap gets then, as `run` would have returned it (None when nothing ran).
    """

    def __init__(self, text, outcome=None):
        super().__init__(text)
        self.outcome = outcome


def page_context(page_url=None):
    """context.page as the SDK v3 fills it on a page at `page_url` opened directly, no title.

    Keys in the SDK's order: path, referrer, referring_domain, search, title, url (without its
    #fragment), tab_url, initial_referrer, initial_referring_domain.
    """
    url = DEFAULT_PAGE_URL if page_url is None else page_url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TryError(
            "--page-url %s is not a page's URL: give one such as %s" % (url, DEFAULT_PAGE_URL)
        )
    search = "?" + parts.query if parts.query else ""
    return {
        "path": parts.path or "/",
        "referrer": DIRECT,
        "referring_domain": "",
        "search": search,
        "title": "",
        "url": url.split("#")[0],
        "tab_url": url,
        "initial_referrer": DIRECT,
        "initial_referring_domain": "",
    }


def sdk_message(short, page_url=None):
    """A message as the SDK would hand it over: `short` with what the SDK adds filled in.

    Returns (message, [names of the keys filled in]); keys given are kept as given.
    """
    if not isinstance(short, dict):
        raise TryError('the message must be a JSON object such as {"type": "track", ...}')
    kind = short.get("type")
    if kind not in TYPES:
        raise TryError(
            "the message's type is %s: use one of %s" % (json.dumps(kind), ", ".join(TYPES))
        )
    message = json.loads(json.dumps(short))
    filled = []
    if kind == "identify" and "traits" in message and "context" not in message:
        message["context"] = {"traits": message.pop("traits")}  # where the SDK v3 puts them
        filled.append("context.traits (from traits)")
    version = assets.pinned_versions().get(assets.RUDDERSTACK_PACKAGE, "3")
    page = page_context(page_url)
    defaults = {
        "channel": "web",
        "context": {
            "traits": {},
            "library": {"name": "RudderLabs JavaScript SDK", "version": version},
            "locale": "en-US",
            "userAgent": "heap-device try",
            "page": page,
        },
        "originalTimestamp": _now(),
        "messageId": str(uuid.uuid4()),
        "anonymousId": str(uuid.uuid4()),
        "integrations": {"All": True},
    }
    if kind in ("track", "page"):
        defaults["properties"] = {}
    for key, value in defaults.items():
        if key not in message:
            message[key] = value
            filled.append(key)
        elif key == "context" and isinstance(message[key], dict):
            for inner, default in value.items():
                if inner not in message[key]:
                    message[key][inner] = default
                    filled.append("context." + inner)
    if kind == "page" and isinstance(message.get("properties"), dict):
        # page() also adds the page's own properties the call did not give (the SDK's
        # getUpdatedPageProperties).
        for key, value in page.items():
            if key not in message["properties"]:
                message["properties"][key] = value
        filled.append("properties (the page's)")
    return message, filled


def _now():
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run(
    message,
    options=None,
    transform=None,
    destination_id=None,
    fill=True,
    runtime="micropython",
    page_url=None,
    pyodide_dir=None,
):
    """One message -> {"message", "filled", "transform", "calls", "notes"}, as data.

    `options`: the tag's options (a dict); `transform`: a transform file's path; `runtime`: the
    build's (micropython runs on the browser's MicroPython). Raises TryError where the command
    exits 1, also for a failing transform (its `outcome` says what Heap gets then).
    """
    outcome = run_many(
        [message], options, transform, destination_id, fill, runtime, page_url, pyodide_dir
    )[0]
    failure = transform_failure(outcome)
    if failure is not None:
        raise TryError("transformEvent failed: %s" % failure, outcome)
    return outcome


def transform_failure(outcome):
    """The transform's failure text for one outcome of run_many, or None."""
    detail = outcome["transform"]
    if detail is not None and detail["outcome"] == "error":
        return detail["error"]
    return None


def run_many(
    messages,
    options=None,
    transform=None,
    destination_id=None,
    fill=True,
    runtime="micropython",
    page_url=None,
    pyodide_dir=None,
):
    """Each message -> an outcome as `run` gives it (failures in it, not raised), in order.

    Raises TryError for a bad message or options, a transform the build refuses or that fails
    to load.
    """
    if runtime not in RUNTIMES:
        raise TryError("--runtime %s: use one of %s" % (runtime, ", ".join(RUNTIMES)))
    options = dict(options or {})
    config = {"appId": options.pop("appId", PLACEHOLDER_APP_ID)}
    filled_in = []
    texts = []
    for message in messages:
        filled = []
        if fill:
            message, filled = sdk_message(message, page_url)
        filled_in.append((message, filled))
        texts.append(json.dumps(message))
    if transform is not None:
        try:
            # Exactly the build's checks; loading it on MicroPython is the run below.
            site_transform.check(transform, runtime, pyodide_dir, load=False)
        except UsageError as exc:
            raise TryError(str(exc)) from None
    if runtime == "micropython":
        notes, results = _on_micropython(config, options, texts, transform, destination_id)
    else:
        notes, results = _on_cpython(config, options, texts, transform, destination_id)
    return [
        {
            "message": message,
            "filled": filled,
            "transform": result.get("transform"),
            "calls": [list(call) for call in result["calls"]],
            "notes": [list(note) for note in notes] + [list(n) for n in result["notes"]],
        }
        for (message, filled), result in zip(filled_in, results)
    ]


def _on_micropython(config, options, texts, transform, destination_id):
    from heap_device.tools import hostpython

    site = None if transform is None else site_transform.compile_mpy(transform)
    given = {
        "config": config,
        "options": options,
        "texts": texts,
        "transform": site is not None,
        "destination_id": destination_id,
    }
    done = hostpython.run(
        hostpython.program("messages"),
        {"host_input": json.dumps(given, ensure_ascii=False)},
        site=site,
    )
    if done.status != 0:
        raise TryError("the runtime failed: %s" % done.stderr.strip().splitlines()[-1:])
    answer = json.loads(done.stdout)
    if "settings_error" in answer:
        raise TryError(answer["settings_error"].removeprefix("heap-device: "))
    if "load_error" in answer:
        raise TryError(site_transform.load_error_text(transform, answer["load_error"]))
    return answer["notes"], answer["results"]


def _on_cpython(config, options, texts, transform, destination_id):
    from heap_device.core.calls import handle

    try:
        settings, notes = resolve_settings(config, options)
    except HeapDeviceError as exc:
        raise TryError(str(exc).removeprefix("heap-device: ")) from None
    if transform is None:
        return notes, [handle(text, settings) for text in texts]
    try:
        function = site_transform.load(transform)
    except UsageError as exc:
        raise TryError(str(exc)) from None
    site = SiteTransform(function, destination_id)
    return notes, [transformed(text, settings, site, dev=True) for text in texts]


def describe(outcome):
    """What `run` found, as the lines `heap-device try` prints."""
    lines = []
    filled = outcome["filled"]
    head = "message"
    if filled:
        head += " (filled in as the SDK would: %s)" % ", ".join(filled)
    lines += [head, "  " + json.dumps(outcome["message"], ensure_ascii=False)]
    detail = outcome["transform"]
    if detail is not None:
        kind = detail["outcome"]
        if kind == "error":
            lines += ["transformEvent failed", "  " + detail["error"]]
        elif kind == "dropped":
            lines += ["transformEvent dropped it"]
        else:
            lines += ["transformEvent returned (%s)" % kind]
            for event in detail["events"]:
                lines.append("  " + json.dumps(event, ensure_ascii=False))
    lines.append("Heap calls" if outcome["calls"] else "Heap calls: none")
    for method, args in outcome["calls"]:
        shown = ", ".join(jstext.encode(arg) for arg in args)
        lines.append("  heap.%s(%s)" % (method, shown))
    if outcome["notes"]:
        lines.append("notes")
        for level, text in outcome["notes"]:
            lines.append("  %s: %s" % (level, text.removeprefix("heap-device: ")))
    return "\n".join(lines) + "\n"


def read_messages(path):
    """[(line number, message)] of a .jsonl file (one JSON message a line; blank lines skipped)."""
    try:
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
    except OSError as exc:
        raise TryError("%s: cannot read it (%s)" % (path, exc.strerror)) from None
    except UnicodeDecodeError as exc:
        raise TryError("%s: not UTF-8 text (%s)" % (path, exc)) from None
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            found.append((number, json.loads(line)))
        except ValueError as exc:
            raise TryError(
                "%s:%d: not JSON (%s): one message a line" % (path, number, exc)
            ) from None
    if not found:
        raise TryError("%s holds no message: write one JSON message a line" % path)
    return found


def examples(
    path,
    transform,
    options=None,
    runtime="micropython",
    destination_id=None,
    pyodide_dir=None,
    page_url=None,
):
    """Every message of the .jsonl file at `path` through `transform`: [(line, outcome)].

    Raises TryError naming the file's line (and the transform's) for the first message the
    transform fails on: `build --examples` refuses to build then.
    """
    numbered, outcomes = _run_file(
        path, options, transform, destination_id, runtime, page_url, pyodide_dir
    )
    for (number, _), outcome in zip(numbered, outcomes):
        failure = transform_failure(outcome)
        if failure is not None:
            raise TryError("%s:%d: %s" % (path, number, failure), outcome)
    return [(number, outcome) for (number, _), outcome in zip(numbered, outcomes)]


def main(
    source,
    options_text,
    transform,
    destination_id=None,
    stdin=None,
    messages=None,
    runtime="micropython",
    page_url=None,
    pyodide_dir=None,
):
    """`heap-device try`: prints what Heap would get; returns the exit status (0, or 1)."""
    try:
        options = _options(options_text)
        if messages is not None:
            if source is not None:
                raise TryError("give a message or --messages FILE.jsonl, not both")
            return _many(
                messages, options, transform, destination_id, runtime, page_url, pyodide_dir
            )
        if source in (None, "-"):
            text = (stdin or sys.stdin).read()
            where = "stdin"
        else:
            where = source
            try:
                with open(source, encoding="utf-8") as file:
                    text = file.read()
            except OSError as exc:
                raise TryError("%s: cannot read it (%s)" % (source, exc.strerror)) from None
        try:
            message = json.loads(text)
        except ValueError as exc:
            raise TryError("%s is not JSON (%s)" % (where, exc)) from None
        outcome = run(
            message, options, transform, destination_id, True, runtime, page_url, pyodide_dir
        )
    except TryError as exc:
        if exc.outcome is not None:
            sys.stdout.write(describe(exc.outcome))
        print("heap-device: %s" % exc, file=sys.stderr)
        return 1
    sys.stdout.write(describe(outcome))
    return 0


def _run_file(path, options, transform, destination_id, runtime, page_url, pyodide_dir):
    numbered = read_messages(path)
    for number, message in numbered:
        try:
            sdk_message(message, page_url)
        except TryError as exc:
            raise TryError("%s:%d: %s" % (path, number, exc)) from None
    outcomes = run_many(
        [m for _, m in numbered],
        options,
        transform,
        destination_id,
        True,
        runtime,
        page_url,
        pyodide_dir,
    )
    return numbered, outcomes


def _options(options_text):
    if options_text is None:
        return None
    try:
        options = json.loads(options_text)
    except ValueError as exc:
        raise TryError("--options is not JSON (%s)" % exc) from None
    if not isinstance(options, dict):
        raise TryError('--options must be a JSON object such as {"sdk": "classic"}')
    return options


def _many(path, options, transform, destination_id, runtime, page_url, pyodide_dir):
    numbered, outcomes = _run_file(
        path, options, transform, destination_id, runtime, page_url, pyodide_dir
    )
    status = 0
    for (number, _), outcome in zip(numbered, outcomes):
        sys.stdout.write("== %s:%d\n" % (path, number))
        sys.stdout.write(describe(outcome))
        failure = transform_failure(outcome)
        if failure is not None:
            print(
                "heap-device: %s:%d: transformEvent failed: %s" % (path, number, failure),
                file=sys.stderr,
            )
            status = 1
    return status
