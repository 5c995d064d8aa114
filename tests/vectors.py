"""The contract as data: one row a rule of docs/contract.md, run on CPython, MicroPython, Pyodide.

Pure data, no imports: the interpreter runner loads this same file into MicroPython and Pyodide.
Rows are (rule, settings overrides, message, expected calls, expected warning or None).
A warning is a substring of the one "warn" note expected; None means no warning at all.
"""

APP = {"appId": "1234567890"}
LONG = "x" * 2000
EMOJI = "\U0001f600"  # one character, two UTF-16 code units
BMP_LAST = "\uffff"  # the last character that is one UTF-16 code unit
MARK = "[Circular Reference]"  # the RudderStack SDK's mark where it cut a cycle


def t(props):
    return {"type": "track", "event": "E", "properties": props}


def consent(given, previous=None, providers=("custom",)):
    """A consent message as the core maps it: what the page reported (the providers it saw, the
    consent given now) and, from the bridge's memory, the consent the time before (None: at load).
    """
    data = {"providers": list(providers), "given": given}
    if previous is not None:
        data["previous"] = previous
    return {"type": "consent", "consent": data}


def ident(traits, user_id="u-1"):
    return {"type": "identify", "userId": user_id, "context": {"traits": traits}}


CALLS = [
    # ---- 4.1 identify ------------------------------------------------------------------
    (
        "identify: userId and traits, identify first",
        {},
        {"type": "identify", "userId": "u-1", "context": {"traits": {"plan": "pro"}}},
        [["identify", ["u-1"]], ["addUserProperties", [{"plan": "pro"}]]],
        None,
    ),
    (
        "identify: a string identity is trimmed",
        {},
        ident({}, "  u-2  "),
        [["identify", ["u-2"]]],
        None,
    ),
    (
        "identify: a finite number identity stays a number",
        {},
        ident({}, 42),
        [["identify", [42]]],
        None,
    ),
    ("identify: a float identity stays a number", {}, ident({}, 4.5), [["identify", [4.5]]], None),
    (
        "identify: no userId is no identity, traits still sent",
        {},
        {"type": "identify", "context": {"traits": {"a": 1}}},
        [["addUserProperties", [{"a": 1}]]],
        None,
    ),
    (
        "identify: null userId is no identity",
        {},
        ident({"a": 1}, None),
        [["addUserProperties", [{"a": 1}]]],
        None,
    ),
    ("identify: a bool identity is no identity", {}, ident({}, True), [], "not a string or number"),
    (
        "identify: an object identity is no identity",
        {},
        ident({}, {"id": 1}),
        [],
        "not a string or number",
    ),
    ("identify: empty identity refused", {}, ident({}, ""), [], "empty"),
    ("identify: blank identity refused", {}, ident({}, "   "), [], "empty"),
    (
        "identify: 254 characters accepted",
        {},
        ident({}, "a" * 254),
        [["identify", ["a" * 254]]],
        None,
    ),
    ("identify: 255 characters refused", {}, ident({}, "a" * 255), [], "over Heap's 254"),
    (
        "identify: astral characters count as two (JS length)",
        {},
        ident({}, EMOJI * 128),
        [],
        "over Heap's 254",
    ),
    ("identify: placeholder undefined refused", {}, ident({}, "undefined"), [], "refused"),
    ("identify: placeholder null refused", {}, ident({}, "null"), [], "refused"),
    ("identify: placeholder none refused", {}, ident({}, "None"), [], "refused"),
    ("identify: placeholder nil refused", {}, ident({}, "nil"), [], "refused"),
    ("identify: placeholder NaN refused", {}, ident({}, "NaN"), [], "refused"),
    ("identify: placeholder true refused", {}, ident({}, "TRUE"), [], "refused"),
    ("identify: placeholder false refused", {}, ident({}, "false"), [], "refused"),
    (
        "identify: placeholder [object Object] refused",
        {},
        ident({}, "[object Object]"),
        [],
        "refused",
    ),
    ("identify: placeholder anonymous refused", {}, ident({}, "Anonymous"), [], "refused"),
    ("identify: placeholder unknown refused", {}, ident({}, "unknown"), [], "refused"),
    ("identify: placeholder user refused", {}, ident({}, "USER"), [], "refused"),
    (
        "identify: placeholder guest refused, traits still sent",
        {},
        ident({"a": 1}, " guest "),
        [["addUserProperties", [{"a": 1}]]],
        "refused",
    ),
    (
        "identify: the SDK's cycle mark is no identity",
        {},
        ident({}, "[Circular Reference]"),
        [],
        "cut cycle",
    ),
    (
        "group: the SDK's cycle mark is no group id",
        {},
        {"type": "group", "groupId": "[Circular Reference]"},
        [],
        "cut cycle",
    ),
    (
        "identify: U+FFFF counts as one unit (254 accepted)",
        {},
        ident({}, BMP_LAST * 254),
        [["identify", [BMP_LAST * 254]]],
        None,
    ),
    (
        "identify: an identity with a lone surrogate half is kept as it is",
        {},
        ident({"t": "w\udfff"}, "u\ud800"),
        [["identify", ["u\ud800"]], ["addUserProperties", [{"t": "w\udfff"}]]],
        None,
    ),
    (
        "identify: a placeholder inside a longer id is fine",
        {},
        ident({}, "user-17"),
        [["identify", ["user-17"]]],
        None,
    ),
    (
        "identify: message.traits over context.traits",
        {},
        {
            "type": "identify",
            "userId": "u",
            "context": {"traits": {"a": 1, "b": 1}},
            "traits": {"b": 2},
        },
        [["identify", ["u"]], ["addUserProperties", [{"a": 1, "b": 2}]]],
        None,
    ),
    (
        "identify: message.traits replace a whole top-level trait",
        {},
        {"type": "identify", "context": {"traits": {"o": {"x": 1}}}, "traits": {"o": {"y": 2}}},
        [["addUserProperties", [{"o.y": 2}]]],
        None,
    ),
    (
        "identify: user_id trait dropped",
        {},
        ident({"user_id": "u-1", "plan": "pro"}),
        [["identify", ["u-1"]], ["addUserProperties", [{"plan": "pro"}]]],
        None,
    ),
    (
        "identify: only user_id left means no addUserProperties",
        {},
        ident({"user_id": "u-1"}),
        [["identify", ["u-1"]]],
        None,
    ),
    (
        "identify: email keeps its lowercase key",
        {},
        ident({"email": "a@b.c"}),
        [["identify", ["u-1"]], ["addUserProperties", [{"email": "a@b.c"}]]],
        None,
    ),
    (
        "identify: missing context is fine",
        {},
        {"type": "identify", "userId": "u"},
        [["identify", ["u"]]],
        None,
    ),
    (
        "identify: context that is not an object is ignored",
        {},
        {"type": "identify", "userId": "u", "context": "x"},
        [["identify", ["u"]]],
        None,
    ),
    (
        "identify: traits that are not an object count as none",
        {},
        {"type": "identify", "userId": "u", "context": {"traits": ["a"]}, "traits": "x"},
        [["identify", ["u"]]],
        None,
    ),
    # ---- 4.2 track ----------------------------------------------------------------------
    (
        "track: name and flat properties",
        {},
        {"type": "track", "event": "Order Completed", "properties": {"total": 9.5, "sku": "A"}},
        [["track", ["Order Completed", {"total": 9.5, "sku": "A"}]]],
        None,
    ),
    (
        "track: name is trimmed",
        {},
        {"type": "track", "event": "  Signed Up "},
        [["track", ["Signed Up", {}]]],
        None,
    ),
    (
        "track: a number name becomes its decimal text",
        {},
        {"type": "track", "event": 404},
        [["track", ["404", {}]]],
        None,
    ),
    (
        "track: a float name becomes JS text",
        {},
        {"type": "track", "event": 1.5},
        [["track", ["1.5", {}]]],
        None,
    ),
    (
        "track: no name, no call",
        {},
        {"type": "track", "properties": {"a": 1}},
        [],
        "without an event name",
    ),
    (
        "track: empty name, no call",
        {},
        {"type": "track", "event": "  "},
        [],
        "without an event name",
    ),
    (
        "track: a bool name is no name",
        {},
        {"type": "track", "event": False},
        [],
        "without an event name",
    ),
    (
        "track: an object name is no name",
        {},
        {"type": "track", "event": {"a": 1}},
        [],
        "without an event name",
    ),
    (
        "track: name cut to 255",
        {},
        {"type": "track", "event": "n" * 300},
        [["track", ["n" * 255, {}]]],
        None,
    ),
    (
        "track: name cut never splits a character",
        {},
        {"type": "track", "event": EMOJI * 200},
        [["track", [EMOJI * 127, {}]]],
        None,
    ),
    (
        "track: a cut is exactly as long as allowed (ASCII then astral characters)",
        {},
        {"type": "track", "event": "a" + EMOJI * 200},
        [["track", ["a" + EMOJI * 127, {}]]],
        None,
    ),
    (
        "track: a cut stops before an astral character that would not fit",
        {},
        {"type": "track", "event": "ab" + EMOJI * 200},
        [["track", ["ab" + EMOJI * 126, {}]]],
        None,
    ),
    (
        "track: U+FFFF counts as one unit",
        {},
        {"type": "track", "event": BMP_LAST * 300},
        [["track", [BMP_LAST * 255, {}]]],
        None,
    ),
    (
        "track: U+FFFF counts as one unit where a cut must count (after an astral character)",
        {},
        {"type": "track", "event": EMOJI + BMP_LAST * 300},
        [["track", [EMOJI + BMP_LAST * 253, {}]]],
        None,
    ),
    (
        "track: 1e16 as a name is JavaScript's text, not Python's",
        {},
        {"type": "track", "event": 1e16},
        [["track", ["10000000000000000", {}]]],
        None,
    ),
    (
        "track: 1e21 as a name switches to exponent text",
        {},
        {"type": "track", "event": 1e21},
        [["track", ["1e+21", {}]]],
        None,
    ),
    (
        "track: 1e-7 as a name is JavaScript's text",
        {},
        {"type": "track", "event": 1e-7},
        [["track", ["1e-7", {}]]],
        None,
    ),
    (
        "track: lone surrogate halves are kept, each one unit (JSON.stringify escapes them)",
        {},
        {"type": "track", "event": "x" * 254 + "\ud800y", "properties": {"k\udc00": "v\ud800"}},
        [["track", ["x" * 254 + "\ud800", {"k\udc00": "v\ud800"}]]],
        None,
    ),
    (
        "track: no properties gives {}",
        {},
        {"type": "track", "event": "E"},
        [["track", ["E", {}]]],
        None,
    ),
    # ---- 4.3 page -----------------------------------------------------------------------
    ("page: off by default", {}, {"type": "page", "properties": {"path": "/"}}, [], None),
    (
        "page: trackPageCalls sends Page Viewed",
        {"trackPageCalls": True},
        {"type": "page", "properties": {"path": "/a", "title": "A"}},
        [["track", ["Page Viewed", {"path": "/a", "title": "A"}]]],
        None,
    ),
    (
        "page: properties normalised as event properties",
        {"trackPageCalls": True},
        {"type": "page", "properties": {"n": {"x": True}, "z": None}},
        [["track", ["Page Viewed", {"n.x": True}]]],
        None,
    ),
    # ---- 4.4 group ----------------------------------------------------------------------
    (
        "group: id to account_id, traits to account properties",
        {},
        {"type": "group", "groupId": "acme", "traits": {"name": "Acme", "seats": 5}},
        [
            ["addUserProperties", [{"account_id": "acme"}]],
            ["addAccountProperties", [{"name": "Acme", "seats": 5}]],
        ],
        None,
    ),
    (
        "group: accountIdProperty setting",
        {"accountIdProperty": "company"},
        {"type": "group", "groupId": " g1 "},
        [["addUserProperties", [{"company": "g1"}]]],
        None,
    ),
    (
        "group: numeric group id stays a number",
        {},
        {"type": "group", "groupId": 7},
        [["addUserProperties", [{"account_id": 7}]]],
        None,
    ),
    (
        "group: placeholders are allowed as group ids",
        {},
        {"type": "group", "groupId": "guest"},
        [["addUserProperties", [{"account_id": "guest"}]]],
        None,
    ),
    (
        "group: empty group id refused, traits still sent",
        {},
        {"type": "group", "groupId": "", "traits": {"plan": "x"}},
        [["addAccountProperties", [{"plan": "x"}]]],
        "empty",
    ),
    (
        "group: 255-character group id refused",
        {},
        {"type": "group", "groupId": "g" * 255},
        [],
        "over Heap's 254",
    ),
    (
        "group: traits normalised as user properties",
        {},
        {"type": "group", "traits": {"vip": True, "o": {"k": [1, 2]}}},
        [["addAccountProperties", [{"vip": "true", "o.k": "1||2"}]]],
        None,
    ),
    (
        "group: no traits left, no addAccountProperties",
        {},
        {"type": "group", "groupId": "g", "traits": {"x": None}},
        [["addUserProperties", [{"account_id": "g"}]]],
        None,
    ),
    (
        "group: classic loader has no addAccountProperties",
        {"sdk": "classic"},
        {"type": "group", "groupId": "g", "traits": {"a": 1}},
        [["addUserProperties", [{"account_id": "g"}]]],
        "classic loader",
    ),
    # ---- 4.5 alias, 4.6 reset, others -----------------------------------------------------
    ("alias: no Heap call", {}, {"type": "alias", "userId": "new", "previousId": "old"}, [], None),
    ("reset: resetIdentity", {}, {"type": "reset"}, [["resetIdentity", []]], None),
    (
        "reset: resetOnReset false sends nothing",
        {"resetOnReset": False},
        {"type": "reset"},
        [],
        None,
    ),
    ("unknown type: skipped with a warning", {}, {"type": "screen"}, [], "not supported"),
    ("not an object: skipped with a warning", {}, ["track"], [], "not an object"),
    # ---- 5 normalising: event properties ------------------------------------------------------
    (
        "event: nested objects flattened with dots",
        {},
        t({"a": {"b": {"c": 1}}, "d": 2}),
        [["track", ["E", {"a.b.c": 1, "d": 2}]]],
        None,
    ),
    (
        "event: null dropped at any depth",
        {},
        t({"a": None, "b": {"c": None, "d": 1}}),
        [["track", ["E", {"b.d": 1}]]],
        None,
    ),
    (
        "event: circular-reference mark dropped",
        {},
        t({"self": "[Circular Reference]", "k": 1}),
        [["track", ["E", {"k": 1}]]],
        None,
    ),
    (
        "event: circular-reference mark dropped as an array item",
        {},
        t({"a": ["x", MARK, 1]}),
        [["track", ["E", {"a": "x||1"}]]],
        None,
    ),
    (
        "event: an array of only circular-reference marks is dropped",
        {},
        t({"0": [MARK], "k": 1}),
        [["track", ["E", {"k": 1}]]],
        None,
    ),
    (
        "event: circular-reference mark dropped from arrays at any depth of JSON text",
        {},
        t({"a": [[MARK, 2], {"b": [MARK, "c"]}]}),
        [["track", ["E", {"a": '[[2],{"b":["c"]}]'}]]],
        None,
    ),
    (
        "event: circular-reference mark dropped, object keys still in their order",
        {},
        t({"a": [{"z": 1, "y": 2, "x": 3}, MARK]}),
        [["track", ["E", {"a": '[{"z":1,"y":2,"x":3}]'}]]],
        None,
    ),
    (
        "event: circular-reference mark as an object's value inside an array stays",
        {},
        t({"a": [{"s": MARK}]}),
        [["track", ["E", {"a": '[{"s":"[Circular Reference]"}]'}]]],
        None,
    ),
    (
        "event: empty object and empty array dropped",
        {},
        t({"o": {}, "a": [], "n": {"e": {}}}),
        [["track", ["E", {}]]],
        None,
    ),
    (
        "event: booleans kept",
        {},
        t({"t": True, "f": False}),
        [["track", ["E", {"t": True, "f": False}]]],
        None,
    ),
    (
        "event: finite numbers kept",
        {},
        t({"i": 0, "n": -3, "x": 1.25}),
        [["track", ["E", {"i": 0, "n": -3, "x": 1.25}]]],
        None,
    ),
    (
        "event: dates arrive as ISO strings and are kept",
        {},
        t({"at": "2024-05-01T10:00:00.000Z", "o": {"at": "2024-05-02T00:00:00.000Z"}}),
        [["track", ["E", {"at": "2024-05-01T10:00:00.000Z", "o.at": "2024-05-02T00:00:00.000Z"}]]],
        None,
    ),
    ("event: strings cut to 1023", {}, t({"s": LONG}), [["track", ["E", {"s": "x" * 1023}]]], None),
    (
        "event: a string of exactly 1023 is kept",
        {},
        t({"s": "y" * 1023}),
        [["track", ["E", {"s": "y" * 1023}]]],
        None,
    ),
    (
        "event: a cut never splits a character",
        {},
        t({"s": EMOJI * 600}),
        [["track", ["E", {"s": EMOJI * 511}]]],
        None,
    ),
    (
        "event: a value cut is exactly as long as allowed (ASCII then astral characters)",
        {},
        t({"s": "x" + EMOJI * 600}),
        [["track", ["E", {"s": "x" + EMOJI * 511}]]],
        None,
    ),
    (
        "event: U+FFFF counts as one unit in a value",
        {},
        t({"s": BMP_LAST * 1100}),
        [["track", ["E", {"s": BMP_LAST * 1023}]]],
        None,
    ),
    (
        "event: a key cut is exactly as long as allowed (ASCII then astral characters)",
        {},
        t({"k" + EMOJI * 300: 1}),
        [["track", ["E", {"k" + EMOJI * 255: 1}]]],
        None,
    ),
    (
        "event: joined array of plain items",
        {},
        t({"a": ["x", 1, 1.5, True, False]}),
        [["track", ["E", {"a": "x||1||1.5||true||false"}]]],
        None,
    ),
    (
        "event: joined array with objects becomes JSON",
        {},
        t({"a": ["a", {"b": 1}]}),
        [["track", ["E", {"a": '["a",{"b":1}]'}]]],
        None,
    ),
    (
        "event: array of arrays becomes JSON",
        {},
        t({"a": [[1, 2], [3]]}),
        [["track", ["E", {"a": "[[1,2],[3]]"}]]],
        None,
    ),
    (
        "event: null inside an array makes JSON",
        {},
        t({"a": [1, None]}),
        [["track", ["E", {"a": "[1,null]"}]]],
        None,
    ),
    (
        "event: arrayFormat json",
        {"arrayFormat": "json"},
        t({"a": ["x", 1, True]}),
        [["track", ["E", {"a": '["x",1,true]'}]]],
        None,
    ),
    (
        "event: JSON keeps non-ASCII and escapes quotes",
        {"arrayFormat": "json"},
        t({"a": ['é"\n']}),
        [["track", ["E", {"a": '["é\\"\\n"]'}]]],
        None,
    ),
    (
        "event: JSON object keys keep their order",
        {},
        t({"a": [{"z": 1, "y": 2, "x": 3}]}),
        [["track", ["E", {"a": '[{"z":1,"y":2,"x":3}]'}]]],
        None,
    ),
    (
        "event: joined array is cut to 1023",
        {},
        t({"a": ["x" * 600, "y" * 600]}),
        [["track", ["E", {"a": "x" * 600 + "||" + "y" * 421}]]],
        None,
    ),
    (
        "event: JSON array is cut to 1023",
        {},
        t({"a": [{"k": "v" * 2000}]}),
        [["track", ["E", {"a": ('[{"k":"' + "v" * 2000)[:1023]}]]],
        None,
    ),
    (
        "event: numbers in arrays written as JavaScript does",
        {},
        t({"a": [1e-7, 1e21, 0.5]}),
        [["track", ["E", {"a": "1e-7||1e+21||0.5"}]]],
        None,
    ),
    ("event: keys cut to 511", {}, t({"k" * 600: 1}), [["track", ["E", {"k" * 511: 1}]]], None),
    (
        "event: flattened keys cut to 511",
        {},
        t({"a" * 300: {"b" * 300: 1}}),
        [["track", ["E", {("a" * 300 + "." + "b" * 300)[:511]: 1}]]],
        None,
    ),
    (
        "event: later key wins over earlier flattened twin",
        {},
        t({"a.b": 1, "a": {"b": 2}}),
        [["track", ["E", {"a.b": 2}]]],
        None,
    ),
    (
        "event: later flattened twin loses to a later plain key",
        {},
        t({"a": {"b": 2}, "a.b": 1}),
        [["track", ["E", {"a.b": 1}]]],
        None,
    ),
    (
        "event: properties that are a string count as none",
        {},
        {"type": "track", "event": "E", "properties": "x"},
        [["track", ["E", {}]]],
        None,
    ),
    (
        "event: properties that are an array count as none",
        {},
        {"type": "track", "event": "E", "properties": [1, 2]},
        [["track", ["E", {}]]],
        None,
    ),
    (
        "event: properties null count as none",
        {},
        {"type": "track", "event": "E", "properties": None},
        [["track", ["E", {}]]],
        None,
    ),
    (
        "event: deep nesting is flattened at any depth",
        {},
        t({"a": {"b": {"c": {"d": {"e": {"f": {"g": "deep"}}}}}}}),
        [["track", ["E", {"a.b.c.d.e.f.g": "deep"}]]],
        None,
    ),
    # ---- 5 normalising: user properties -------------------------------------------------------
    (
        "user: booleans become strings",
        {},
        ident({"t": True, "f": False}),
        [["identify", ["u-1"]], ["addUserProperties", [{"t": "true", "f": "false"}]]],
        None,
    ),
    (
        "user: numbers kept",
        {},
        ident({"n": 3, "x": 0.5}),
        [["identify", ["u-1"]], ["addUserProperties", [{"n": 3, "x": 0.5}]]],
        None,
    ),
    (
        "user: strings cut to 255",
        {},
        ident({"s": LONG}),
        [["identify", ["u-1"]], ["addUserProperties", [{"s": "x" * 255}]]],
        None,
    ),
    (
        "user: a cut is exactly as long as allowed (ASCII then astral characters)",
        {},
        ident({"s": "x" + EMOJI * 200}),
        [["identify", ["u-1"]], ["addUserProperties", [{"s": "x" + EMOJI * 127}]]],
        None,
    ),
    (
        "user: circular-reference mark dropped from joined arrays",
        {},
        {"type": "group", "traits": {"a": [MARK, "x"], "b": [MARK]}},
        [["addAccountProperties", [{"a": "x"}]]],
        None,
    ),
    (
        "user: nested flattened, nulls and empties dropped",
        {},
        ident({"a": {"b": 1, "c": None, "d": {}}, "e": []}),
        [["identify", ["u-1"]], ["addUserProperties", [{"a.b": 1}]]],
        None,
    ),
    (
        "user: arrays joined and cut to 255",
        {},
        ident({"a": ["z" * 200, "w" * 200]}),
        [["identify", ["u-1"]], ["addUserProperties", [{"a": "z" * 200 + "||" + "w" * 53}]]],
        None,
    ),
    (
        "user: arrays as JSON with arrayFormat json",
        {"arrayFormat": "json"},
        ident({"a": [1, "b"]}),
        [["identify", ["u-1"]], ["addUserProperties", [{"a": '[1,"b"]'}]]],
        None,
    ),
]

# ---- 7 consent (the adapter's consent message; the bench's baseline has no consent) --------
CONSENT = [
    (
        "consent: withdrawn for the active provider stops Heap",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "analytics"}]}]},
        consent({"allowedConsentIds": []}),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: given again starts Heap",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "analytics"}]}]},
        consent({"allowedConsentIds": ["analytics"]}, {"allowedConsentIds": []}),
        [["startTracking", []]],
        None,
    ),
    (
        "consent: still consented is no call",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "analytics"}]}]},
        consent({"allowedConsentIds": ["analytics", "ads"]}),
        [],
        None,
    ),
    (
        "consent: still withdrawn is no call",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "analytics"}]}]},
        consent({"allowedConsentIds": ["ads"]}, {"allowedConsentIds": []}),
        [],
        None,
    ),
    (
        "consent: a destination without consent settings is never stopped",
        {},
        consent({"allowedConsentIds": []}),
        [],
        None,
    ),
    (
        "consent: no entry for the active provider means consented",
        {"consentManagement": [{"provider": "oneTrust", "consents": [{"consent": "C1"}]}]},
        consent({"allowedConsentIds": []}),
        [],
        None,
    ),
    (
        "consent: IDs are trimmed, empty ones ignored",
        {
            "consentManagement": [
                {"provider": "custom", "consents": [{"consent": " analytics "}, {"consent": " "}]}
            ]
        },
        consent({"allowedConsentIds": ["analytics"]}, {"allowedConsentIds": []}),
        [["startTracking", []]],
        None,
    ),
    (
        "consent: and (the default) needs every ID",
        {
            "consentManagement": [
                {"provider": "custom", "consents": [{"consent": "a"}, {"consent": "b"}]}
            ]
        },
        consent({"allowedConsentIds": ["b"]}),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: or needs one ID",
        {
            "consentManagement": [
                {
                    "provider": "custom",
                    "consents": [{"consent": "a"}, {"consent": "b"}],
                    "resolutionStrategy": "or",
                }
            ]
        },
        consent({"allowedConsentIds": ["b"]}),
        [],
        None,
    ),
    (
        "consent: denied IDs alone count as consent data, nothing allowed",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "a"}]}]},
        consent({"deniedConsentIds": ["a"]}),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: no consent data at all changes nothing",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": "a"}]}]},
        consent({}),
        [],
        None,
    ),
    (
        "consent: provider unknown, the one entry applies",
        {"consentManagement": [{"provider": "ketch", "consents": [{"consent": "a"}]}]},
        consent({"allowedConsentIds": []}, providers=()),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: provider unknown and several entries: nothing stopped, a warning",
        {
            "consentManagement": [
                {"provider": "ketch", "consents": [{"consent": "a"}]},
                {"provider": "custom", "consents": [{"consent": "a"}]},
            ]
        },
        consent({"allowedConsentIds": []}, providers=()),
        [],
        "several providers",
    ),
    (
        "consent: several providers seen: unknown, and several entries: nothing stopped",
        {
            "consentManagement": [
                {"provider": "ketch", "consents": [{"consent": "a"}]},
                {"provider": "custom", "consents": [{"consent": "a"}]},
            ]
        },
        consent({"allowedConsentIds": []}, providers=("ketch", "custom")),
        [],
        "several providers",
    ),
    (
        "consent: the one provider seen picks its entry among several",
        {
            "consentManagement": [
                {"provider": "ketch", "consents": [{"consent": "k"}]},
                {"provider": "custom", "consents": [{"consent": "a"}]},
            ]
        },
        consent({"allowedConsentIds": ["k"]}, providers=("custom", "custom")),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: several providers seen and one entry: that entry applies",
        {"consentManagement": [{"provider": "ketch", "consents": [{"consent": "a"}]}]},
        consent({"allowedConsentIds": []}, providers=("ketch", "custom")),
        [["stopTracking", []]],
        None,
    ),
    (
        "consent: the classic loader cannot stop: a warning",
        {
            "sdk": "classic",
            "consentManagement": [{"provider": "custom", "consents": [{"consent": "a"}]}],
        },
        consent({"allowedConsentIds": []}),
        [],
        "classic loader has no stopTracking",
    ),
    (
        "consent: the classic loader given again: nothing to start",
        {
            "sdk": "classic",
            "consentManagement": [{"provider": "custom", "consents": [{"consent": "a"}]}],
        },
        consent({"allowedConsentIds": ["a"]}, {"allowedConsentIds": []}),
        [],
        None,
    ),
    (
        "consent: malformed settings count as consented, as in the SDK",
        {"consentManagement": [{"provider": "custom", "consents": [{"consent": 7}]}]},
        consent({"allowedConsentIds": []}),
        [],
        None,
    ),
]

# ---- 2 settings ----------------------------------------------------------------------------
# (rule, destination config, tag options, expected settings subset, warning substring or None)
SETTINGS = [
    (
        "defaults",
        APP,
        {},
        {
            "appId": "1234567890",
            "sdk": "v5",
            "hostname": None,
            "disableTextCapture": False,
            "secureCookie": False,
            "ingestServer": None,
            "trackingServer": None,
            "trackPageCalls": False,
            "resetOnReset": True,
            "accountIdProperty": "account_id",
            "arrayFormat": "joined",
            "debug": False,
        },
        None,
    ),
    ("a number appId becomes its digits", {"appId": 1234}, {}, {"appId": "1234"}, None),
    ("appId is trimmed", {"appId": " 987 "}, {}, {"appId": "987"}, None),
    ("32 digits accepted", {"appId": "1" * 32}, {}, {"appId": "1" * 32}, None),
    (
        "tag options override the destination config",
        APP,
        {"sdk": "classic", "trackPageCalls": True, "appId": "555"},
        {"sdk": "classic", "trackPageCalls": True, "appId": "555"},
        None,
    ),
    (
        "an invalid value overridden by tag options is fine",
        {"appId": "1", "sdk": "v4"},
        {"sdk": "v5"},
        {"sdk": "v5"},
        None,
    ),
    (
        "RudderStack's own keys are accepted silently",
        {
            "appId": "1",
            "connectionMode": "device",
            "useNativeSDK": True,
            "useNativeSDKToSend": False,
            "eventFilteringOption": "disable",
            "whitelistedEvents": [],
            "blacklistedEvents": [{"eventName": ""}],
            "oneTrustCookieCategories": [],
            "ketchConsentPurposes": [],
            "consentManagement": [],
        },
        {},
        {"appId": "1"},
        None,
    ),
    (
        "an unknown key warns once and is ignored",
        APP,
        {"colour": "red"},
        {},
        'unknown setting "colour"',
    ),
    (
        "every setting can be set",
        APP,
        {
            "hostname": "Heap.Example.com",
            "disableTextCapture": True,
            "secureCookie": True,
            "ingestServer": "https://in.example.com",
            "trackingServer": "https://t.example.com/x",
            "resetOnReset": False,
            "accountIdProperty": "org",
            "arrayFormat": "json",
            "debug": True,
        },
        {
            "hostname": "heap.example.com",
            "disableTextCapture": True,
            "secureCookie": True,
            "ingestServer": "https://in.example.com",
            "trackingServer": "https://t.example.com/x",
            "resetOnReset": False,
            "accountIdProperty": "org",
            "arrayFormat": "json",
            "debug": True,
        },
        None,
    ),
    (
        "blank dashboard fields count as unset",
        {"appId": "1", "hostname": "", "ingestServer": None},
        {},
        {"hostname": None, "ingestServer": None},
        None,
    ),
    (
        "scriptUrl: https URL",
        APP,
        {"scriptUrl": "https://cdn.example.com/heap.js"},
        {"scriptUrl": "https://cdn.example.com/heap.js"},
        None,
    ),
    (
        "scriptUrl: http on loopback",
        APP,
        {"scriptUrl": "http://127.0.0.1:8000/heap.js"},
        {"scriptUrl": "http://127.0.0.1:8000/heap.js"},
        None,
    ),
    (
        "scriptUrl: a path on this site",
        APP,
        {"scriptUrl": "/stand-in/heap.js"},
        {"scriptUrl": "/stand-in/heap.js"},
        None,
    ),
]

# (rule, destination config, tag options, substring of the error)
SETTINGS_ERRORS = [
    ("appId missing", {}, {}, "appId is missing"),
    ("appId empty", {"appId": ""}, {}, "appId is missing"),
    ("appId with letters", {"appId": "abc"}, {}, 'appId "abc" is not a Heap environment ID'),
    ("appId with a dash", {"appId": "12-34"}, {}, "digits only"),
    ("appId too long", {"appId": "1" * 33}, {}, "not a Heap environment ID"),
    ("appId negative number", {"appId": -5}, {}, "not a Heap environment ID"),
    ("appId float", {"appId": 1.5}, {}, "not a Heap environment ID"),
    ("appId bool", {"appId": True}, {}, "appId true is not"),
    ("appId non-ASCII digits", {"appId": "\u0661\u0662"}, {}, "not a Heap environment ID"),
    ("sdk unknown", APP, {"sdk": "v4"}, 'sdk "v4" is not valid: use one of "v5" or "classic"'),
    ("hostname with scheme", APP, {"hostname": "https://heap.example.com"}, "host name without"),
    ("hostname with path", APP, {"hostname": "heap.example.com/js"}, "host name without"),
    (
        "bool setting given a string",
        APP,
        {"trackPageCalls": "yes"},
        'trackPageCalls "yes" is not valid: use true or false',
    ),
    ("bool setting given a number", APP, {"debug": 1}, "debug 1 is not valid"),
    ("ingestServer over http", APP, {"ingestServer": "http://in.example.com"}, "an https URL"),
    ("trackingServer not a URL", APP, {"trackingServer": "example.com"}, "an https URL"),
    (
        "scriptUrl over http elsewhere",
        APP,
        {"scriptUrl": "http://evil.example/heap.js"},
        "http only on localhost",
    ),
    ("scriptUrl javascript:", APP, {"scriptUrl": "javascript:alert(1)"}, "scriptUrl"),
    ("accountIdProperty blank", APP, {"accountIdProperty": "  "}, "non-empty property name"),
    (
        "accountIdProperty empty is refused, not read as unset",
        APP,
        {"accountIdProperty": ""},
        'accountIdProperty "" is not valid: use a non-empty property name',
    ),
    ("accountIdProperty user_id", APP, {"accountIdProperty": "user_id"}, 'other than "user_id"'),
    ("arrayFormat unknown", APP, {"arrayFormat": "indexed"}, 'one of "joined" or "json"'),
    ("options not an object", APP, ["x"], "data-options must be a JSON object"),
    ("config not an object", "x", {}, "destination config must be an object"),
]

# ---- 3 loading -------------------------------------------------------------------------------
# (rule, settings overrides, expected plan subset)
LOADER = [
    (
        "v5 CDN URL",
        {},
        {
            "sdk": "v5",
            "src": "https://cdn.us.heap-api.com/config/1234567890/heap_config.js",
            "config": {"shouldFetchServerConfig": False},
        },
    ),
    (
        "v5 own host",
        {"hostname": "h.example.com"},
        {"src": "https://h.example.com/config/1234567890/heap_config.js"},
    ),
    (
        "classic CDN URL",
        {"sdk": "classic"},
        {
            "sdk": "classic",
            "src": "https://cdn.heapanalytics.com/js/heap-1234567890.js",
            "config": {},
        },
    ),
    (
        "classic own host",
        {"sdk": "classic", "hostname": "h.example.com"},
        {"src": "https://h.example.com/js/heap-1234567890.js"},
    ),
    (
        "scriptUrl wins over CDN and host",
        {"scriptUrl": "/h.js", "hostname": "h.example.com"},
        {"src": "/h.js"},
    ),
    (
        "load options that are set are passed",
        {
            "disableTextCapture": True,
            "secureCookie": True,
            "ingestServer": "https://i.example.com",
            "trackingServer": "https://t.example.com",
        },
        {
            "config": {
                "disableTextCapture": True,
                "secureCookie": True,
                "ingestServer": "https://i.example.com",
                "trackingServer": "https://t.example.com",
                "shouldFetchServerConfig": False,
            }
        },
    ),
]


def cases_for_runner():
    """Every row in a JSON-friendly shape, for the interpreter runner."""
    return {"calls": CALLS, "settings": SETTINGS, "errors": SETTINGS_ERRORS, "loader": LOADER}


# ---- the bridge: one page's items in order, the settings item first --------------------------
# tests/test_interpreters.py hands them to a Bridge on each interpreter and compares the batches
# with CPython's. The track's array of objects makes MicroPython decode its text again, in order.
BRIDGE_RULES = [{"provider": "custom", "consents": [{"consent": "analytics"}]}]
BRIDGE = [
    {
        "config": {"appId": "1234567890", "consentManagement": BRIDGE_RULES},
        "options": '{"debug": true, "arrayFormat": "json"}',
        "dev": True,
        "destinationId": "d-1",
    },
    {"type": "identify", "messageId": "m-1", "userId": "u-1", "traits": {"plan": "pro"}},
    {
        "type": "track",
        "messageId": "m-2",
        "event": "E",
        "properties": {"x": None, "a": [{"z": 1, "y": 2}]},
    },
    {"type": "consent", "consent": {"providers": ["custom"], "given": {"allowedConsentIds": []}}},
    {"type": "consent", "consent": {"providers": ["custom"], "given": {"allowedConsentIds": []}}},
    {
        "type": "consent",
        "consent": {"providers": ["custom"], "given": {"allowedConsentIds": ["analytics"]}},
    },
    {"type": "page", "messageId": "m-3"},
    {"type": "reset"},
    "{not json",  # handed over as is
    {"type": "identify", "userId": "anonymous"},
]


# ---- 9 the site's own transformEvent --------------------------------------------------------
# Rows are (rule, transform source, settings overrides, destinationId, message, expected calls,
# expected outcome). The source is exec'd on each interpreter; messages cross as JSON text.
def tr(event="Order Completed", properties=None, **more):
    message = {"type": "track", "messageId": "m-1", "event": event}
    message["properties"] = {"total": 5} if properties is None else properties
    message.update(more)
    return message


RETURN_IT = "def transformEvent(event, metadata):\n    return event\n"
RAISES = (
    "def transformEvent(event, metadata):\n"
    "    event['event'] = 'changed before the error'\n"
    "    return 1 // 0\n"
)
MASK = (
    "def mask(props):\n"
    "    for key in props:\n"
    "        if type(props[key]) is str and '@' in props[key]:\n"
    "            props[key] = '***'\n"
    "\n"
    "def transformEvent(event, metadata):\n"
    "    mask(event.get('properties') or {})\n"
    "    mask(event.get('traits') or {})\n"
    "    mask((event.get('context') or {}).get('traits') or {})\n"
    "    return event\n"
)
TRANSFORMS = [
    (
        "9: a dict returned unchanged is mapped as the SDK sent it",
        RETURN_IT,
        {},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]]],
        "unchanged",
    ),
    (
        "9: rename an event",
        "def transformEvent(event, metadata):\n"
        "    if event.get('event') == 'Order Completed':\n"
        "        event['event'] = 'Purchase'\n"
        "    return event\n",
        {},
        None,
        tr(),
        [["track", ["Purchase", {"total": 5}]]],
        "changed",
    ),
    (
        "9: None drops the message",
        "def transformEvent(event, metadata):\n    return None\n",
        {},
        None,
        tr(),
        [],
        "dropped",
    ),
    (
        "9: no return statement drops it too, even if it changed the event in place",
        "def transformEvent(event, metadata):\n    event['event'] = 'X'\n",
        {},
        None,
        tr(),
        [],
        "dropped",
    ),
    (
        "9: an empty list drops it",
        "def transformEvent(event, metadata):\n    return []\n",
        {},
        None,
        tr(),
        [],
        "dropped",
    ),
    (
        "9: mask e-mail addresses in properties",
        MASK,
        {},
        None,
        tr(properties={"email": "a@b.example", "plan": "pro"}),
        [["track", ["Order Completed", {"email": "***", "plan": "pro"}]]],
        "changed",
    ),
    (
        "9: mask e-mail addresses in traits and context.traits",
        MASK,
        {},
        None,
        {
            "type": "identify",
            "messageId": "m-2",
            "userId": "u-1",
            "traits": {"email": "a@b.example"},
            "context": {"traits": {"mail": "c@d.example", "plan": "pro"}},
        },
        [
            ["identify", ["u-1"]],
            ["addUserProperties", [{"mail": "***", "plan": "pro", "email": "***"}]],
        ],
        "changed",
    ),
    (
        "9: a list of dicts splits one message into two, mapped in list order",
        "def transformEvent(event, metadata):\n"
        "    second = {'type': 'track', 'event': 'Revenue', 'properties': {'usd': 5}}\n"
        "    return [event, second]\n",
        {},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]], ["track", ["Revenue", {"usd": 5}]]],
        "split",
    ),
    (
        "9: a list of one dict is that dict",
        "def transformEvent(event, metadata):\n    return [event]\n",
        {},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]]],
        "unchanged",
    ),
    (
        "9: the returned type decides the call",
        "def transformEvent(event, metadata):\n"
        "    return {'type': 'identify', 'userId': 'u-9', 'traits': {'b': 1, 'a': 2}}\n",
        {},
        None,
        tr(),
        [["identify", ["u-9"]], ["addUserProperties", [{"b": 1, "a": 2}]]],
        "changed",
    ),
    (
        "9: the transform sees the whole message, not only what the mapping reads",
        "def transformEvent(event, metadata):\n"
        "    event['properties']['path'] = event['context']['page']['path']\n"
        "    return event\n",
        {},
        None,
        tr(context={"page": {"path": "/checkout"}}),
        [["track", ["Order Completed", {"total": 5, "path": "/checkout"}]]],
        "changed",
    ),
    (
        "9: metadata(event) gives messageId, destinationId, type and mode",
        "def transformEvent(event, metadata):\n"
        "    event['properties'] = metadata(event)\n"
        "    return event\n",
        {},
        "dest-1",
        tr(),
        [
            [
                "track",
                [
                    "Order Completed",
                    {
                        "destinationType": "HEAP",
                        "connectionMode": "device",
                        "messageId": "m-1",
                        "destinationId": "dest-1",
                    },
                ],
            ]
        ],
        "changed",
    ),
    (
        "9: metadata never guesses: no destinationId when the SDK gave none",
        "def transformEvent(event, metadata):\n"
        "    event['properties'] = {'keys': sorted(metadata(event))}\n"
        "    return event\n",
        {},
        None,
        tr(),
        [["track", ["Order Completed", {"keys": "connectionMode||destinationType||messageId"}]]],
        "changed",
    ),
    (
        "9: an exception drops the message (default: a failing mask must not leak)",
        RAISES,
        {},
        None,
        tr(),
        [],
        "error",
    ),
    (
        "9: an exception with transformErrors drop sends nothing",
        RAISES,
        {"transformErrors": "drop"},
        None,
        tr(),
        [],
        "error",
    ),
    (
        "9: with transformErrors send, an exception sends the message as it was",
        RAISES,
        {"transformErrors": "send"},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]]],
        "error",
    ),
    (
        "9: returning a string is an error (sent as it was, with send)",
        "def transformEvent(event, metadata):\n    return 'Purchase'\n",
        {"transformErrors": "send"},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]]],
        "error",
    ),
    (
        "9: a list holding a non-dict is an error, nothing of it is mapped",
        "def transformEvent(event, metadata):\n    return [event, 'x']\n",
        {"transformErrors": "send"},
        None,
        tr(),
        [["track", ["Order Completed", {"total": 5}]]],
        "error",
    ),
    (
        "9: a dict without a known type is an error",
        "def transformEvent(event, metadata):\n    return {'event': 'X'}\n",
        {"transformErrors": "drop"},
        None,
        tr(),
        [],
        "error",
    ),
    (
        "9: a dict of a type the SDK never hands over is an error",
        "def transformEvent(event, metadata):\n    event['type'] = 'screen'\n    return event\n",
        {"transformErrors": "drop"},
        None,
        tr(),
        [],
        "error",
    ),
    (
        "9: not run for reset: it keeps its place and meaning",
        RAISES,
        {},
        None,
        {"type": "reset"},
        [["resetIdentity", []]],
        None,
    ),
    (
        "9: later keys still win after a transform (the text's key order is kept)",
        "def transformEvent(event, metadata):\n"
        "    event['properties']['added'] = 1\n"
        "    return event\n",
        {},
        None,
        tr(properties={"a.b": 1, "a": {"b": 2}}),
        [["track", ["Order Completed", {"a.b": 2, "added": 1}]]],
        "changed",
    ),
    (
        "9: objects inside arrays keep the text's key order after a transform",
        RETURN_IT,
        {"arrayFormat": "json"},
        None,
        tr(properties={"items": [{"z": 1, "a": 2, "m": 3}]}),
        [["track", ["Order Completed", {"items": '[{"z":1,"a":2,"m":3}]'}]]],
        "unchanged",
    ),
]
