"""Dev builds only: the `heap-device:calls` detail that page tools (demo, tests, bench) read.

The bridge imports this module only when the settings item says `"dev": true`, so a production
bundle can leave it out. The detail is plain JSON: `{type, messageId, calls, notes, errors}`, plus
`transform` in a build with a site transform; the page adds `t`, its own clock, when it
dispatches the event.
"""


def calls_event(result):
    """One message's result (core.calls) -> the `["event", "heap-device:calls", detail]` op."""
    notes = result["notes"]
    detail = {
        "type": result["type"],
        "messageId": result["messageId"],
        "calls": result["calls"],
        "notes": [note for note in notes if note[0] != "error"],
        "errors": [note[1] for note in notes if note[0] == "error"],
    }
    if "transform" in result:  # a build with a site transform: what it returned (§9)
        detail["transform"] = result["transform"]
    return ["event", "heap-device:calls", detail]
