"""A corpus of hostile HTTP requests for the Wilayah Indonesia API.

Stdlib and the repository's ``wilayah`` package only. Every case is raw bytes
(method, request target, headers, body), so that it can carry what an HTTP
library would refuse to send: invalid UTF-8 in the path and query, NUL bytes,
60 KB header lines, non-ASCII header names, broken request lines.
``tools/fuzz_api.py`` sends them and checks the answers.

The targets come from the route table (wilayah/routes.py): hostile values go
into every route's query parameters, by kind (text, query, code, levels,
count; with the route's required parameters set, so that a value reaches its
own parsing), and into every code in a path; methods and odd parameter names
go to every route's example request. The address search (a "query"
parameter, /api/alamat) also gets queries of its own: 200 words, 10,000
characters, every script, control characters, codes, postal codes, and bad
levels, ``within`` codes and limits (see _address_cases).

A case says what it may get back:
  * ``expect``: the statuses the API contract (README / API.md) fixes for it,
    or None when any status below 500 is acceptable;
  * ``malformed``: the request is not valid HTTP/1.1, so the HTTP server in
    front of Odoo (Python's http.server via werkzeug) may answer it itself
    (its own small HTML page, or a closed connection).
"""

import os
import sys
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_to_bytes, urlsplit

# The repository root: its plain `wilayah` package, without Odoo.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from wilayah.levels import LEVEL_KEYS, LEVELS  # noqa: E402
from wilayah.params import MAX_TEXT_LENGTH  # noqa: E402
from wilayah.routes import JSON_CONTENT_TYPE, ROUTES  # noqa: E402
from wilayah.settings import API_KEY_HEADER  # noqa: E402

KEY_PLACEHOLDER = b"@@KEY@@"  # replaced by the real key when sent
KEY_HEADER = API_KEY_HEADER.encode()

API = os.path.commonpath([route.path for route in ROUTES])  # "/api"
UNKNOWN_PATH = f"{API}/nothing"
# Routes with a code in the path (details, kodepos), and lists of a level.
CODE_ROUTES = [route for route in ROUTES if route.code]
LIST_ROUTES = [route for route in ROUTES if route.kind == "list"]
# The pages that are not JSON (/api/docs): fuzz_api.py lets them be HTML.
HTML_PATHS = {
    route.path.encode() for route in ROUTES if route.content_type != JSON_CONTENT_TYPE
}
# Served without the key: the documentation.
PUBLIC_ROUTES = [route for route in ROUTES if route.public]
PUBLIC_PATHS = {route.path.encode() for route in PUBLIC_ROUTES}
# The first level's list and detail, where one target stands for every route.
LIST = LIST_ROUTES[0]
LIST_TEXT = next(param for param in LIST.params if param.kind == "text")
DETAIL = CODE_ROUTES[0]
DETAIL_TARGET = DETAIL.example_request.encode()
# Every route's example request, and a path no route has.
EXAMPLE_TARGETS = [route.example_request.encode() for route in ROUTES] + [
    UNKNOWN_PATH.encode()
]
# Methods the API does not serve (it serves GET, HEAD and OPTIONS): 405.
REFUSED_METHODS = (
    b"POST",
    b"PUT",
    b"PATCH",
    b"DELETE",
    b"TRACE",
    b"PROPFIND",
    b"MKCOL",
    b"LOCK",
    b"FOO",
)

# Hostile values, as text (sent UTF-8 then percent-encoded) ...
TEXT_VALUES = [
    "' OR 1=1 --",
    "' OR '1'='1",
    "'; DROP TABLE wilayah_provinsi; --",
    "1' UNION SELECT NULL, version() --",
    "32' AND pg_sleep(5) IS NULL --",
    '" OR ""="',
    ") OR (1=1",
    "$$; SELECT 1; $$",
    "E'\\x00'",
    "%",
    "_",
    "\\",
    "%%%",
    "___",
    "\\%",
    "\\_",
    "%_%",
    "a%b",
    "JAWA%",
    "%JAWA%",
    "J_WA",
    "*",
    ".*",
    "[A-Z]",
    "(a+)+$",
    "..",
    "../..",
    "../../../../etc/passwd",
    "....//",
    "\x00",
    "a\x00b",
    "32\x00",
    "\r\nX-Injected: 1",
    "\n",
    "\t",
    "   ",
    "",
    "é",
    "JAWA BARÄT",
    "jawa barat",
    "ＪＡＷＡ",  # fullwidth
    "ß",
    "İ",
    "\u202eTARAB AWAJ",  # right-to-left override
    "\u200b\u200b\u200b",  # zero-width spaces
    "🐍🐍🐍",
    "\ufeff",
    "\ud7ff\ue000",
    "%s%s%s%n",
    "{0}{1}",
    "{{7*7}}",
    "${7*7}",
    "<script>alert(1)</script>",
    "<!DOCTYPE html>",
    "null",
    "undefined",
    "[]",
    "{}",
    "true",
    "-1",
    "0",
    "1e3",
    "0x10",
    "+5",
    "5.0",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "100001",
    "١٢",  # Arabic-Indic digits: isdigit() but not ASCII
    "²",
    "3" * 11,
    "32040500011",
    "32.04.31.2005.1",
    "32..04",
    "32.04.",
    ".32",
    "32.04.31",
    "32,33",
    " 32 ",
    "A" * 10_000,
    "%" * 10_000,
    "_" * 10_000,
    "9" * 10_000,
    "é" * 10_000,
    "' OR 1=1 --" * 900,
]
# ... and as raw bytes (percent-encoded, so invalid UTF-8 reaches the server).
BYTE_VALUES = [
    b"\xff",
    b"\xfe\xff",
    b"\xc0\xaf",  # overlong "/"
    b"\xc0\x80",  # overlong NUL
    b"\xed\xa0\x80",  # UTF-16 surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"JAWA\xff",
    b"32\xff",
    b"\x80" * 10_000,
]

PAGING_VALUES = [
    "-1",
    "0",
    "1",
    "100000",
    "100001",
    "1e3",
    "abc",
    "",
    " ",
    "1.5",
    "+1",
    "0x10",
    "99999999999999999999999999",
    "١٢",
    "²",
    "%",
    "' OR 1=1 --",
    "\x00",
    "9" * 10_000,
]

ODD_PARAM_NAMES = [
    "self",
    "code",
    "_rest",
    "_params",
    "route",
    "reference",
    "debug",
    "db",
    "session_id",
    "csrf_token",
    "__proto__",
    "__class__",
    "näme",
    "name[]",
    "NAME",
    "Name",
    " name",
    "name ",
    "x" * 10_000,
    "",
]

METHODS = [
    b"GET",
    b"HEAD",
    b"POST",
    b"PUT",
    b"PATCH",
    b"DELETE",
    b"OPTIONS",
    b"TRACE",
    b"CONNECT",
    b"PROPFIND",
    b"MKCOL",
    b"LOCK",
    b"FOO",
    b"get",
]


@dataclass
class Case:
    name: str
    target: bytes
    method: bytes = b"GET"
    headers: list = field(default_factory=list)  # [(bytes, bytes)]
    body: bytes = b""
    key: bool = True  # send X-API-Key: <valid key>
    expect: tuple | None = None  # statuses the contract fixes
    malformed: bool = False  # not valid HTTP: the HTTP server may answer
    api: bool = True  # False: the target is no /api path (Odoo itself answers)
    core_issue: str | None = None  # a known 5xx of Odoo's core, before any addon code
    version: bytes = b"HTTP/1.1"
    raw: bytes | None = None  # the whole request, sent as is (then no Host etc.)


def enc(value):
    """Percent-encode a text or bytes value for a query string or path segment."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    return quote(value, safe="").encode("ascii")


def short(value, width=40):
    text = repr(value)
    return text if len(text) <= width else f"{text[:width - 12]}...<{len(value)}>"


# Kinds of query parameters (params.Param.kind): counts get PAGING_VALUES,
# every other kind (text, query, code, levels, and any kind added later) the
# hostile values.
COUNT_KIND = "count"


def query_params(*kinds):
    """(route, param) of every query parameter of one of these kinds (no
    kinds: of every kind but counts)."""
    return [
        (route, param)
        for route in ROUTES
        for param in route.params
        if (param.kind in kinds if kinds else param.kind != COUNT_KIND)
    ]


def sent_text(value):
    """A raw query value (bytes as sent) as the API reads it: up to the next
    "&", percent-decoded, invalid UTF-8 replaced, trimmed."""
    raw = unquote_to_bytes(value.split(b"&")[0].replace(b"+", b" "))
    return raw.decode("utf-8", "replace").strip()


def value_expect(param, value=None):
    """The statuses a hostile value (raw bytes) of a query parameter may get:
    400 when it is malformed (a code, level keys, a count), too short (a
    required text) or too long (any text); 404 for a well-formed code of any
    level that names no unit."""
    if param.free_text and value is not None:
        if len(sent_text(value)) > MAX_TEXT_LENGTH:
            return (400,)
    if param.kind == "text" and not param.required:
        return (200,)
    if param.kind == "code" and param.level is None:
        return (200, 400, 404)
    if param.kind in ("text", "query", "code", "levels", COUNT_KIND):
        return (200, 400)
    return (200, 400, 404)  # a kind this corpus does not know yet


def other_pairs(route, param):
    """The route's example query without ``param``, as "name=value" pairs:
    what a hostile value of ``param`` is sent with."""
    query = urlsplit(route.example_request).query
    return [pair for pair in query.split("&") if pair.split("=")[0] != param.name]


def required_pairs(route, param):
    """The route's other required parameters (``q`` of /api/alamat) at their
    examples: without them a hostile value would never reach its parsing."""
    return [
        f"{other.name}={enc(other.example).decode()}"
        for other in route.params
        if other.required and other is not param and other.example
    ]


def query_case(route, param, value, label, pairs=(), name=None, expect=None):
    """``route``'s path with the ``pairs``, then ``param`` set to ``value``
    (bytes, sent as they are)."""
    query = "".join(f"{pair}&" for pair in pairs) + f"{param.name}="
    return Case(
        name or f"{route.path}?{query}{label}",
        f"{route.path}?{query}".encode() + value,
        expect=expect or value_expect(param, value),
    )


def path_code_case(route, code, label, expect=(200, 400, 404)):
    """``route`` with ``code`` (bytes, sent as they are) as its path's code: a
    malformed code is a 400, a well-formed unknown one a 404."""
    prefix = route.path_for("")
    return Case(f"{prefix}{label}", prefix.encode() + code, expect=expect)


def _value_cases():
    cases = []
    for value in TEXT_VALUES + BYTE_VALUES:
        label = short(value)
        # Filters: any answer of the contract (200 [] or a list; 400 for a
        # malformed code or level, or a too short q; 404 for an unknown
        # `within`).
        for route, param in query_params():
            pairs = required_pairs(route, param)
            cases.append(query_case(route, param, enc(value), label, pairs))
        for route in CODE_ROUTES:
            cases.append(path_code_case(route, enc(value), label))
    # Paging, with the rest of the route's example query (no full lists).
    for value in PAGING_VALUES:
        label = short(value)
        for route, param in query_params("count"):
            pairs = other_pairs(route, param)
            cases.append(query_case(route, param, enc(value), label, pairs))
    return cases


def _raw_target_cases():
    """Bytes straight in the request target: no percent-encoding."""
    raw_values = [
        b"\xff\xfe",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"JAWA\xff",
        b"\x00",
        b"a\x00b",
        b"%",
        b"%%",
        b"%zz",
        b"%0",
        b"%00",
        b"%ff",
        b"%c0%af",
        b"%2e%2e%2f",
        b"..",
        b"'OR'1'='1'--",
        b"\\",
        b"_",
        b"\x7f",
        b"\x1b[31m",
        "é".encode(),
        b"#frag",
        b"?",
        b"??",
        b"&",
        b"=",
        b";",
        b"A" * 10_000,
    ]
    cases = []
    for raw in raw_values:
        label = short(raw)
        for route in CODE_ROUTES:
            case = path_code_case(route, raw, label)
            case.name = f"raw path {case.name}"
            cases.append(case)
        for route, param in query_params():
            case = query_case(route, param, raw, label, required_pairs(route, param))
            case.name = f"raw query {case.name}"
            cases.append(case)
        cases.append(
            Case(
                f"raw query key {LIST.path}?{label}=1",
                LIST.path.encode() + b"?" + raw + b"=1",
                expect=(200,),
            )
        )
    return cases


def _param_shape_cases():
    cases = []
    for odd_name in ODD_PARAM_NAMES:
        label = short(odd_name)
        for target in EXAMPLE_TARGETS:
            sep = b"&" if b"?" in target else b"?"
            cases.append(
                Case(
                    f"param name {label} on {target.decode()}",
                    target + sep + enc(odd_name) + b"=1",
                )
            )
    # Byte keys (invalid UTF-8), keys without value, empty pairs, around the
    # first list's text filter.
    name = LIST_TEXT.name.encode()
    for query in (
        b"%ff%fe=1",
        b"\xff=1",
        name,
        name + b"=",
        b"=32",
        b"&&&&",
        b"&=&=&",
        name + b"=a=b",
        name + b"==",
        b";" + name + b"=jawa",
        name + b"=jawa;x=1",
        b"%=1",
        name + b"%00=jawa",
        name[:2] + b"%00" + name[2:] + b"=jawa",
        name + b"=%",
    ):
        cases.append(
            Case(
                f"query {short(query)}",
                LIST.path.encode() + b"?" + query,
                expect=(200,),
            )
        )
    # Every parameter twice: a bad value, then a good one.
    for route, param in query_params() + query_params(COUNT_KIND):
        good = param.example or str(max(param.minimum, 1))
        pairs = [*other_pairs(route, param), f"{param.name}=x"]
        cases.append(
            query_case(
                route,
                param,
                enc(good),
                good,
                pairs,
                f"repeated {param.name} on {route.path}",
            )
        )
    list_target = LIST.path.encode() + b"?"
    cases += [
        Case(
            f"1000 repeated {name.decode()}",
            list_target + b"&".join([name + b"=jawa"] * 1000),
            expect=(200,),
        ),
        Case(
            "5000 distinct params",
            list_target + b"&".join(b"p%d=%d" % (i, i) for i in range(5000)),
            expect=(200,),
        ),
        Case(
            "10000-char param name and value",
            list_target + b"k" * 10_000 + b"=" + b"v" * 10_000,
            expect=(200,),
        ),
        Case(
            "60 KB query",
            LIST_ROUTES[-1].path.encode() + b"?" + name + b"=" + b"a" * 60_000,
            expect=(400,),
        ),
    ]
    return cases


# The address search (a "query" parameter): what people might paste into an
# address box, and worse (TEXT_VALUES reach it too: SQL, LIKE and regex
# characters). (label, text)
ADDRESS_QUERIES = [
    ("200 words", " ".join(["neglawangi"] * 200)),
    ("200 distinct words", " ".join(f"kata{number}" for number in range(200))),
    ("200 words of 40 letters", " ".join(["kertasari" * 4 + "abcd"] * 200)),
    ("12 words of 40 letters", " ".join(["abcdefghij" * 4] * 12)),
    (
        "12 typos",
        " ".join(["bandunx", "kertasaru", "neglawanqi", "jawa", "barrat"] * 3),
    ),
    (
        "12 common words",
        "desa kelurahan kecamatan kabupaten kota provinsi jaya sari makmur "
        "baru indah mulya",
    ),
    ("words run together", "pasarminggujakartaselatan" * 20),
    ("a prefix of 3", "sar"),
    ("3 letters twice", "ban ban"),
    ("commas", "," * 200 + "bandung" + "," * 200),
    ("punctuation only", "!!!...,,,"),
    ("dots and slashes", "kab./kota. bandung/jabar"),
    ("postal codes", "40386 " * 200),
    ("postal code and words", "40386 neglawangi"),
    ("an unknown postal code", "99999 sari"),
    ("province code", "32"),
    ("Kemendagri code", "32.04.31.2005"),
    ("BPS code", "3204050001"),
    ("unknown code", "99.99.99.9999"),
    ("8 dotted parts", "1.2.3.4.5.6.7.8"),
    ("dots", "1." * 5000),
    ("10,000 digits", "9" * 10_000),
    ("code and words", "3204 neglawangi"),
    ("fullwidth", "Ｎｅｇｌａｗａｎｇｉ ｋｅｒｔａｓａｒｉ"),
    ("fullwidth digits", "３２０４"),
    ("Arabic-Indic digits", "٣٢٠٤"),
    ("accents", "ñéglàwângï kërtäsârí"),
    ("dotted capital I", "NEGLAWANGİ"),
    ("combining marks", "neglawangi" + "\u0301" * 1000),
    ("ligatures", "\ufb00" * 5000),
    ("expanding ligature", "\ufdfa" * 1000),  # 18 letters each once decomposed
    ("sharp s", "ß" * 5000),
    ("Arabic", "باندونغ جاوا الغربية"),
    ("CJK", "万隆 西爪哇"),
    ("emoji", "🏠 bandung 🏠 " * 50),
    ("zero-width", "neg\u200blawangi\u200d kerta\ufeffsari"),
    ("right-to-left override", "\u202eiraсatrek ignawalgen"),
    ("surrogates", "\ud800\udfff neglawangi"),
    ("control characters", "\x01\x02neglawangi\x7f\x1b[31m kertasari\x08"),
    ("NUL", "neglawangi\x00kertasari"),
    ("tabs and newlines", "neglawangi\tkertasari\r\nbandung\x0b\x0c"),
    ("only blanks", " \t\u3000\u00a0 "),
    ("2 letters", "ab"),
    ("2 letters in blanks", "   ab   "),
    ("10,000 letters", "a" * 10_000),
    ("10,000 accented", "é" * 10_000),
]
FIRST_LEVEL = LEVELS[LEVEL_KEYS[0]]
# Level keys (params "levels"): (label, value, statuses).
ADDRESS_LEVELS = [
    ("two", "kota,kelurahan", (200,)),
    ("every level", ",".join(LEVELS), (200,)),
    ("twice", "kota,kota", (200,)),
    ("blanks", " kota , kelurahan ", (200,)),
    ("empty parts", "kota,,kelurahan,", (200,)),
    ("commas only", ",,,", (200,)),
    ("5000 times", ",".join(["kota"] * 5000), (200,)),
    ("upper case", "KOTA", (400,)),
    ("unknown", "negara", (400,)),
    ("semicolon", "kota;kelurahan", (400,)),
    ("Cyrillic a", "kotа", (400,)),
    ("NUL", "kota\x00", (400,)),
    ("%", "%", (400,)),
    ("SQL", "' OR 1=1 --", (400,)),
    ("10,000 letters", "x" * 10_000, (400,)),
]
# Codes of any level (`within`): (label, value, statuses).
ADDRESS_WITHIN = [
    ("provinsi", "32", (200,)),
    ("kota", "3204", (200,)),
    ("kota Kemendagri", "32.04", (200,)),
    ("kecamatan", "3204050", (200,)),
    ("kecamatan Kemendagri", "32.04.31", (200,)),
    ("kelurahan", "3204050001", (200,)),
    ("kelurahan Kemendagri", "32.04.31.2005", (200,)),
    ("blanks", " 32 ", (200,)),
    ("unknown provinsi", "99", (404,)),
    ("00", "00", (404,)),
    ("unknown kota", "9999", (404,)),
    ("unknown kota Kemendagri", "99.99", (404,)),
    ("unknown kecamatan", "9999999", (404,)),
    ("unknown kelurahan", "9999999999", (404,)),
    ("unknown kelurahan Kemendagri", "99.99.99.9999", (404,)),
    ("1 digit", "3", (400,)),
    ("3 digits", "320", (400,)),
    ("11 digits", "32040500011", (400,)),
    ("5 parts", "32.04.31.2005.1", (400,)),
    ("trailing dot", "32.", (400,)),
    ("leading dot", ".32", (400,)),
    ("two dots", "32..04", (400,)),
    ("two codes", "32,33", (400,)),
    ("signed", "+32", (400,)),
    ("negative", "-32", (400,)),
    ("Arabic-Indic digits", "٣٢", (400,)),
    ("fullwidth digits", "３２", (400,)),
    ("NUL", "32\x00", (400,)),
    ("SQL", "' OR 1=1 --", (400,)),
    ("10,000 digits", "9" * 10_000, (400,)),
]


def count_expect(param, value):
    """The status of a count parameter's value: 200 when it is missing or a
    whole number within the bounds (after trimming), else 400."""
    value = value.strip()
    if not value:
        return (200,)
    if not (value.isascii() and value.isdigit()):
        return (400,)
    number = int(value) if len(value) < 30 else 10**30
    good = param.minimum <= number and (
        param.maximum is None or number <= param.maximum
    )
    return (200,) if good else (400,)


def address_queries():
    """ADDRESS_QUERIES, and each one longer than a text may be (a 400) also
    cut to that length, so that its words still reach the search engine."""
    for label, text in ADDRESS_QUERIES:
        yield label, text
        if len(text.strip()) > MAX_TEXT_LENGTH:
            yield f"{label}, cut to {MAX_TEXT_LENGTH}", text[:MAX_TEXT_LENGTH]


def _address_cases():
    """/api/alamat (every route with a "query" parameter): hostile queries
    alone and with every other parameter at its limit, bad level keys,
    `within` codes and limits, each with the example query; all JSON, never
    a 5xx."""
    cases = []
    for route, query in query_params("query"):
        name = f"{route.path}?{query.name}="
        others = {param.kind: param for param in route.params if param is not query}
        levels, within = others.get("levels"), others.get("code")
        count = others.get(COUNT_KIND)
        for label, text in address_queries():
            length = len(text.strip())
            expect = (200,) if query.min_length <= length <= MAX_TEXT_LENGTH else (400,)
            cases.append(
                query_case(
                    route,
                    query,
                    enc(text),
                    label,
                    name=f"{name}<{label}>",
                    expect=expect,
                )
            )
            # The same with a filter of each kind at once (the most work).
            extra = [
                f"{param.name}={enc(value).decode()}"
                for param, value in (
                    (levels, ",".join(LEVELS)),
                    (within, FIRST_LEVEL.example_code),
                    (count, count and str(count.maximum)),
                )
                if param and value
            ]
            cases.append(
                query_case(
                    route,
                    query,
                    enc(text),
                    label,
                    extra,
                    name=f"{name}<{label}> with {'&'.join(extra)}",
                    expect=expect,
                )
            )
        pairs = required_pairs(route, None)
        for param, values in ((levels, ADDRESS_LEVELS), (within, ADDRESS_WITHIN)):
            if param is None:
                continue
            for label, value, expect in values:
                cases.append(
                    query_case(
                        route,
                        param,
                        enc(value),
                        label,
                        pairs,
                        name=f"{route.path}?{param.name}=<{label}>",
                        expect=expect,
                    )
                )
        if count:
            for value in ("0", "1", "01", str(count.maximum), str(count.maximum + 1)):
                value_label = f"{count.name}={value}"
                cases.append(
                    query_case(
                        route,
                        count,
                        value.encode(),
                        value,
                        pairs,
                        name=f"{route.path}?{value_label}",
                        expect=count_expect(count, value),
                    )
                )
        # Filters that exclude each other, and a code query with a filter.
        if levels and within:
            village = LEVELS[LEVEL_KEYS[-1]].example_code
            code_query = LEVELS[LEVEL_KEYS[1]].example_code  # 3 characters or more
            for label, extra in (
                (
                    "within a village, provinces only",
                    [f"{within.name}={village}", f"{levels.name}={FIRST_LEVEL.key}"],
                ),
                ("within a village, code query", [f"{within.name}={village}"]),
            ):
                cases.append(
                    query_case(
                        route,
                        query,
                        code_query.encode(),
                        code_query,
                        extra,
                        name=f"{route.path}: {label}",
                        expect=(200,),
                    )
                )
    return cases


def _code_path_targets(route):
    """(target, statuses) of odd paths around ``route``'s example code (the
    code may be followed by more of the path: /api/kota/<code>/geojson)."""
    at = route.path_for
    code = route.code.example
    return [
        (at(""), None),
        (at(f"{code}/"), None),
        (at(f"{code}/extra"), (404,)),
        (at(f"/{code}"), None),
        (at(f"%2F{code}"), None),
        (at(f"{code}%2F"), None),
        (at(f"{code};jsessionid=1"), None),
        (at(f"{code}%3Bx"), None),
        (f"{at(code)}?", (200,)),
        (f"{at(code)}#x", None),
        (at("3" * 60_000), (400,)),
        (at("%00"), (400,)),
        (at(f"{code[:-1]}%00"), (400,)),
        (at(f"{code}%00"), (400,)),
        (at(f"{code[:2]} {code[2:]}"), None),  # a space: not valid HTTP
    ]


def _path_cases():
    first_level = LIST.path.removeprefix(f"{API}/")  # "provinsi"
    second_level = LIST_ROUTES[1].path.removeprefix(f"{API}/")
    targets = [
        (API, (404,)),
        (f"{API}/", (404,)),
        (UNKNOWN_PATH, (404,)),
        (f"{API}/{'a' * 10_000}", (404,)),
        (f"{API}/{'/'.join(['a'] * 5000)}", (404,)),
        (f"{API}//{first_level}", None),
        (f"{API}/./{first_level}", None),
        (f"{LIST.path}/../{second_level}", None),
        (f"{LIST.path}/%2e%2e/{second_level}", None),
    ]
    targets += [(f"{route.path}/../{first_level}", None) for route in PUBLIC_ROUTES]
    for route in CODE_ROUTES:
        targets += _code_path_targets(route)
    cases = [
        Case(
            f"path {short(target)}",
            target.encode(),
            expect=expect,
            malformed=" " in target,
        )
        for target, expect in targets
    ]
    # Absolute-form and odd request targets.
    cases += [
        Case("absolute-form target", b"http://127.0.0.1" + DETAIL_TARGET, expect=None),
        Case(
            "absolute-form other host",
            b"http://evil.example" + DETAIL_TARGET,
            expect=None,
        ),
        Case("asterisk target OPTIONS", b"*", method=b"OPTIONS", api=False),
        Case("authority-form CONNECT", b"127.0.0.1:80", method=b"CONNECT", api=False),
    ]
    return cases


def method_expect(method, target, key):
    """The statuses of ``method`` on ``target``, with or without the key."""
    if method in REFUSED_METHODS:
        return (405,)
    if method == b"get":  # werkzeug upper-cases the method
        return (200, 401, 404)
    if key or method == b"CONNECT":
        return None
    if target.split(b"?")[0] in PUBLIC_PATHS:  # no key needed
        return (204,) if method == b"OPTIONS" else (200,)
    return (401, 204) if method == b"OPTIONS" else (401,)


def _method_cases():
    cases = []
    for method in METHODS:
        for target in EXAMPLE_TARGETS:
            body = b""
            headers = []
            if method in (b"POST", b"PUT", b"PATCH"):
                body = b"name=' OR 1=1 --&code=32"
                headers = [(b"Content-Type", b"application/x-www-form-urlencoded")]
            for key in (True, False):
                cases.append(
                    Case(
                        f"{method.decode()} {target.decode()}"
                        + ("" if key else " (no key)"),
                        target,
                        method=method,
                        headers=headers,
                        body=body,
                        key=key,
                        expect=method_expect(method, target, key),
                    )
                )
    list_target = LIST.path.encode()
    cases += [
        Case("10000-char method", list_target, method=b"X" * 10_000, expect=(405,)),
        Case("method with byte", list_target, method=b"G\xffT", expect=(405,)),
    ]
    # A POST is refused, whatever its body.
    for name, content_type, body in (
        (
            "POST JSON-RPC body",
            b"application/json",
            b'{"jsonrpc":"2.0","method":"call","params":{"self":1}}',
        ),
        ("POST broken JSON", b"application/json", b'{"a":'),
        (
            "POST broken multipart",
            b"multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="self"\r\n\r\n1\r\n--x',
        ),
        (
            "POST 1 MB form",
            b"application/x-www-form-urlencoded",
            b"name=" + b"a" * 1_000_000,
        ),
    ):
        cases.append(
            Case(
                name,
                list_target,
                method=b"POST",
                headers=[(b"Content-Type", content_type)],
                body=body,
                expect=(405,),
            )
        )
    # A GET's body is ignored.
    for name, header, body in (
        ("GET with a body", (b"Content-Type", b"application/json"), b'{"code": "33"}'),
        (
            "GET chunked body",
            (b"Transfer-Encoding", b"chunked"),
            b"5\r\nhello\r\n0\r\n\r\n",
        ),
    ):
        cases.append(
            Case(name, DETAIL_TARGET, headers=[header], body=body, expect=(200,))
        )
    # CORS preflights, without the key.
    for name, headers in (
        (
            "OPTIONS preflight",
            [
                (b"Origin", b"https://example.com"),
                (b"Access-Control-Request-Method", b"GET"),
                (b"Access-Control-Request-Headers", KEY_HEADER.lower()),
            ],
        ),
        (
            "OPTIONS preflight hostile origin",
            [(b"Origin", b"\xff\x00' OR 1=1 --" + b"o" * 10_000)],
        ),
    ):
        cases.append(
            Case(
                name,
                list_target,
                method=b"OPTIONS",
                key=False,
                headers=headers,
                expect=(204, 403),
            )
        )
    return cases


def _key_cases():
    """The key header itself, and where else a key might be looked for."""
    k = KEY_PLACEHOLDER
    # (name, headers sent instead of the key, statuses)
    refused = [
        (f"{API_KEY_HEADER}: {label}", [(KEY_HEADER, value)], (401,))
        for label, value in (
            ("empty", b""),
            ("wrong", b"wrong"),
            ("key + NUL", k + b"\x00"),
            ("NUL", b"\x00"),
            ("key twice", k + b", " + k),
            ("key prefix", k[:-1]),
            ("key + x", k + b"x"),
            ("non-ASCII", "kéy".encode()),
            ("latin-1 byte", b"\xff" * 43),
            ("SQL", b"' OR 1=1 --"),
            ("%", b"%"),
            ("10000 chars", b"k" * 10_000),
            ("60 KB", b"h" * 60_000),
            ("Bearer key", b"Bearer " + k),
        )
    ]
    others = [
        # Blanks around a header value are optional whitespace (RFC 9110).
        (f"{API_KEY_HEADER}: key + space", [(KEY_HEADER, k + b" ")], (200,)),
        (f"{API_KEY_HEADER}: space + key", [(KEY_HEADER, b" " + k)], (200,)),
        (f"{API_KEY_HEADER.lower()} lower case", [(KEY_HEADER.lower(), k)], (200,)),
        (
            f"two {API_KEY_HEADER} headers",
            [(KEY_HEADER, b"wrong"), (KEY_HEADER, k)],
            (401, 200),
        ),
        (
            f"{API_KEY_HEADER.upper().replace('-', '_')} header",
            [(KEY_HEADER.upper().replace(b"-", b"_"), k)],
            (401, 200),
        ),
        ("Authorization only", [(b"Authorization", b"Basic YWRtaW46YWRtaW4=")], (401,)),
        (
            "Accept text/html no key",
            [(b"Accept", b"text/html,application/xhtml+xml")],
            (401,),
        ),
        (
            "non-ASCII key-like header",
            [(API_KEY_HEADER.replace("e", "é").encode(), k)],
            (401,),
        ),
    ]
    cases = [
        Case(name, DETAIL_TARGET, key=False, headers=headers, expect=expect)
        for name, headers, expect in refused + others
    ]
    # A key in the URL is refused (400), with or without the header, whatever
    # the key: never read from there.
    for name in (KEY_HEADER, b"api_key", b"APIKEY", b"key", b"token", b"api%5Fkey"):
        for value, header in ((b"wrong", False), (k, False), (k, True)):
            cases.append(
                Case(
                    f"key in query string: {name.decode()}="
                    f"{'<key>' if value == k else value.decode()}"
                    f"{' and the header' if header else ''}",
                    DETAIL_TARGET + b"?" + name + b"=" + value,
                    key=header,
                    expect=(400,),
                )
            )
    return cases


def _header_cases():
    target = DETAIL_TARGET
    big = b"h" * 60_000
    hostile_values = [
        b"' OR 1=1 --",
        b"%00",
        b"\xff\xfe",
        b"\x00",
        "é".encode(),
        b"*",
        b"\\",
        b"%",
        b"_",
        b"A" * 10_000,
        big,
    ]
    cases = []
    # Hostile values in the headers the API reads, with and without a key.
    for name in (
        b"If-None-Match",
        b"Accept-Encoding",
        b"Origin",
        b"Accept",
        b"Cookie",
        b"Accept-Language",
        b"Host",
        b"Range",
        b"If-Modified-Since",
        b"Content-Type",
        b"X-Forwarded-For",
        b"X-Forwarded-Host",
        b"User-Agent",
        b"Referer",
    ):
        for value in hostile_values:
            label = f"{name.decode()}: {short(value)}"
            cases.append(Case(label, target, headers=[(name, value)]))
            cases.append(
                Case(label + " (no key)", target, key=False, headers=[(name, value)])
            )
    deepest_list = LIST_ROUTES[-1]
    filter_param = next(p for p in deepest_list.params if p.kind == "code")
    filtered = f"{deepest_list.path}?{filter_param.name}={filter_param.example}"
    unknown_code = "9" * LEVELS[DETAIL.level].code_length
    # (name, target, headers, statuses)
    for name, case_target, headers, expect in (
        (
            "Accept-Encoding q garbage",
            target,
            [(b"Accept-Encoding", b"gzip;q=abc, br;q=-1, *;q=1e999")],
            None,
        ),
        (
            "Accept-Encoding gzip big list",
            filtered.encode(),
            [(b"Accept-Encoding", b"gzip")],
            (200,),
        ),
        ("If-None-Match star", target, [(b"If-None-Match", b"*")], (304,)),
        (
            "If-None-Match many tags",
            target,
            [(b"If-None-Match", b", ".join([b'W/"x"'] * 5000))],
            (200,),
        ),
        (
            "Cookie session path traversal",
            target,
            [(b"Cookie", b"session_id=../../../../etc/passwd")],
            (200,),
        ),
        (
            "Cookie 10000 chars",
            target,
            [(b"Cookie", b"session_id=" + b"a" * 10_000)],
            (200,),
        ),
        (
            "Cookie invalid UTF-8",
            target,
            [(b"Cookie", b"session_id=\xff\xfe; x=\x00")],
            (200,),
        ),
        (
            "Accept text/html",
            DETAIL.path_for(unknown_code).encode(),
            [(b"Accept", b"text/html")],
            (404,),
        ),
        (
            "X-Requested-With",
            DETAIL.path_for("x").encode(),
            [(b"X-Requested-With", b"XMLHttpRequest")],
            (400,),
        ),
        ("60 KB unknown header", target, [(b"X-Fuzz", big)], (200,)),
        (
            "20 x 60 KB headers",
            target,
            [(b"X-Fuzz-%d" % i, big) for i in range(20)],
            (200,),
        ),
        ("90 headers", target, [(b"X-H%d" % i, b"v") for i in range(90)], (200,)),
        ("non-ASCII header name (UTF-8)", target, [("X-Kéy".encode(), b"1")], None),
        ("non-ASCII header name (latin-1)", target, [(b"X-K\xe9y", b"1")], None),
        ("header name with NUL", target, [(b"X-A\x00b", b"1")], None),
        ("header value with NUL", target, [(b"X-Fuzz", b"a\x00b")], None),
    ):
        cases.append(Case(name, case_target, headers=headers, expect=expect))
    cases.append(
        Case(
            "CRLF injection in query",
            f"{LIST.path}?{LIST_TEXT.name}=%0d%0aX-Injected:%201".encode(),
            expect=(200,),
        )
    )
    # Beyond what Python's http.server accepts: it answers these itself.
    for name, headers, key in (
        ("header value CR", [(b"X-Fuzz", b"a\rb")], True),
        ("70 KB header line", [(b"X-Fuzz", b"h" * 70_000)], True),
        (f"70 KB {API_KEY_HEADER}", [(KEY_HEADER, b"k" * 70_000)], False),
        ("150 headers", [(b"X-H%d" % i, b"v") for i in range(150)], True),
        ("header without colon", [(b"NoColonHere", b"")], True),
        ("header name with space", [(b"X Fuzz", b"1")], True),
        ("obs-fold continuation line", [(b"X-Fuzz", b"a\r\n folded")], True),
    ):
        cases.append(Case(name, target, headers=headers, key=key, malformed=True))
    return cases


def _malformed_cases():
    host = b"Host: 127.0.0.1\r\n"
    key = KEY_HEADER + b": " + KEY_PLACEHOLDER
    get = b"GET " + DETAIL_TARGET
    code = DETAIL.code.example
    spaced_target = DETAIL.path_for(f"{code[:1]} {code[1:]}").encode()
    raws = [
        (
            "request line with 70 KB target",
            f"GET {LIST.path}?{LIST_TEXT.name}=".encode()
            + b"a" * 70_000
            + b" HTTP/1.1\r\n"
            + host
            + b"\r\n",
        ),
        ("HTTP/0.9 request", get + b"\r\n"),
        ("HTTP/2.0 version", get + b" HTTP/2.0\r\n" + host + b"\r\n"),
        ("HTTP/1.1.1 version", get + b" HTTP/1.1.1\r\n" + host + b"\r\n"),
        ("garbage version", get + b" HTXP/1.1\r\n" + host + b"\r\n"),
        ("four words", get + b" HTTP/1.1 extra\r\n" + host + b"\r\n"),
        (
            "space in target",
            b"GET " + spaced_target + b" HTTP/1.1\r\n" + host + b"\r\n",
        ),
        ("empty request", b"\r\n\r\n"),
        ("only garbage", b"\x00\xff\xfe\x16\x03\x01\x02\x00"),
        ("TLS hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64),
        ("bare LF line ends", get + b" HTTP/1.1\nHost: 127.0.0.1\n" + key + b"\n\n"),
        ("HTTP/1.0 without Host", get + b" HTTP/1.0\r\n" + key + b"\r\n\r\n"),
        (
            "HTTP/1.1 without Host",
            get + b" HTTP/1.1\r\n" + key + b"\r\nConnection: close\r\n\r\n",
        ),
        (
            "Content-Length negative",
            get
            + b" HTTP/1.1\r\n"
            + host
            + b"Content-Length: -1\r\nConnection: close\r\n\r\n",
        ),
        (
            "Content-Length garbage",
            get
            + b" HTTP/1.1\r\n"
            + host
            + b"Content-Length: abc\r\nConnection: close\r\n\r\n",
        ),
        (
            "two Content-Length",
            get
            + b" HTTP/1.1\r\n"
            + host
            + b"Content-Length: 0\r\nContent-Length: 5\r\n"
            + b"Connection: close\r\n\r\nhello",
        ),
        (
            "bad chunked body",
            b"POST "
            + LIST.path.encode()
            + b" HTTP/1.1\r\n"
            + host
            + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + b"zz\r\nhello\r\n0\r\n\r\n",
        ),
    ]
    # Odoo 18 reads environ['HTTP_HOST'] in Request._get_session_and_dbname()
    # before any routing: no Host header is a KeyError, a 500 of Odoo's core.
    no_host = "Odoo core: KeyError 'HTTP_HOST' in odoo/http.py _get_session_and_dbname"
    cases = []
    for label, raw in raws:
        # "HTTP/1.x without Host" and "bare LF" are valid enough for Odoo to answer.
        malformed = "Host" not in label and "bare LF" not in label
        core_issue = no_host if "Host" in label or "0.9" in label else None
        cases.append(
            Case(label, b"", raw=raw, malformed=malformed, core_issue=core_issue)
        )
    return cases


def build_cases():
    """Every hostile case, in a stable order."""
    return (
        _value_cases()
        + _raw_target_cases()
        + _param_shape_cases()
        + _address_cases()
        + _path_cases()
        + _method_cases()
        + _key_cases()
        + _header_cases()
        + _malformed_cases()
    )


if __name__ == "__main__":
    all_cases = build_cases()
    print(f"{len(all_cases)} cases")
    for case in all_cases[:20]:
        print(case.name)
