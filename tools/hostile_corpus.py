"""A corpus of hostile HTTP requests for the Wilayah Indonesia API.

Stdlib only. Every case is raw bytes (method, request target, headers, body),
so that it can carry what an HTTP library would refuse to send: invalid UTF-8
in the path and query, NUL bytes, 60 KB header lines, non-ASCII header names,
broken request lines. ``tools/fuzz_api.py`` sends them and checks the answers.

A case says what it may get back:
  * ``expect``: the statuses the API contract (README / API.md) fixes for it,
    or None when any status below 500 is acceptable;
  * ``malformed``: the request is not valid HTTP/1.1, so the HTTP server in
    front of Odoo (Python's http.server via werkzeug) may answer it itself
    (its own small HTML page, or a closed connection).
"""

from dataclasses import dataclass, field
from urllib.parse import quote

KEY_PLACEHOLDER = b"@@KEY@@"  # replaced by the real key when sent

LIST_ROUTES = {
    "/api/provinsi": ("name",),
    "/api/kota": ("name", "kode_provinsi"),
    "/api/kecamatan": ("name", "kode_kota"),
    "/api/kelurahan": ("name", "kode_kecamatan"),
}
DETAIL_ROUTES = {
    "/api/provinsi/": "32",
    "/api/kota/": "3204",
    "/api/kecamatan/": "3204050",
    "/api/kelurahan/": "3204050001",
    "/api/kodepos/": "40386",
}
KEYLESS_ROUTES = ("/api/openapi.json", "/api/docs")

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


def _value_cases():
    cases = []
    for value in TEXT_VALUES + BYTE_VALUES:
        label = short(value)
        # Text filters: any answer of the contract (200 [] or a list; 400 for an
        # empty-after-trim q).
        for path, params in LIST_ROUTES.items():
            for param in params:
                expect = (200, 400) if param.startswith("kode_") else (200,)
                cases.append(
                    Case(
                        f"{path}?{param}={label}",
                        path.encode() + b"?" + param.encode() + b"=" + enc(value),
                        expect=expect,
                    )
                )
        cases.append(
            Case(
                f"/api/search?q={label}",
                b"/api/search?q=" + enc(value),
                expect=(200, 400),
            )
        )
        # Codes in the path: 400 (malformed) or 404 (well-formed, unknown) or 200.
        for path in DETAIL_ROUTES:
            cases.append(
                Case(
                    f"{path}{label}", path.encode() + enc(value), expect=(200, 400, 404)
                )
            )
    for value in PAGING_VALUES:
        label = short(value)
        for param in ("limit", "offset"):
            cases.append(
                Case(
                    f"/api/kota?{param}={label}",
                    b"/api/kota?" + param.encode() + b"=" + enc(value),
                    expect=(200, 400),
                )
            )
        cases.append(
            Case(
                f"/api/search?q=jawa&limit={label}",
                b"/api/search?q=jawa&limit=" + enc(value),
                expect=(200, 400),
            )
        )
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
        cases.append(
            Case(
                f"raw path /api/provinsi/{label}",
                b"/api/provinsi/" + raw,
                expect=(200, 400, 404),
            )
        )
        cases.append(
            Case(
                f"raw path /api/kodepos/{label}",
                b"/api/kodepos/" + raw,
                expect=(200, 400, 404),
            )
        )
        cases.append(
            Case(
                f"raw query /api/kelurahan?name={label}",
                b"/api/kelurahan?name=" + raw,
                expect=(200,),
            )
        )
        cases.append(
            Case(
                f"raw query /api/search?q={label}",
                b"/api/search?q=" + raw,
                expect=(200, 400),
            )
        )
        cases.append(
            Case(
                f"raw query key /api/provinsi?{label}=1",
                b"/api/provinsi?" + raw + b"=1",
                expect=(200,),
            )
        )
    return cases


def _param_shape_cases():
    cases = []
    for name in ODD_PARAM_NAMES:
        label = short(name)
        for path in (
            "/api/provinsi",
            "/api/provinsi/32",
            "/api/search?q=jawa",
            "/api/nothing",
        ):
            sep = b"&" if b"?" in path.encode() else b"?"
            cases.append(
                Case(
                    f"param name {label} on {path}",
                    path.encode() + sep + enc(name) + b"=1",
                )
            )
    # Byte keys (invalid UTF-8), keys without value, empty pairs.
    for query in (
        b"%ff%fe=1",
        b"\xff=1",
        b"name",
        b"name=",
        b"=32",
        b"&&&&",
        b"&=&=&",
        b"name=a=b",
        b"name==",
        b";name=jawa",
        b"name=jawa;x=1",
        b"%=1",
        b"name%00=jawa",
        b"na%00me=jawa",
        b"name=%",
    ):
        cases.append(
            Case(f"query {short(query)}", b"/api/provinsi?" + query, expect=(200,))
        )
    # Repeated parameters.
    cases += [
        Case("repeated name", b"/api/provinsi?name=jawa&name=bali", expect=(200,)),
        Case(
            "repeated kode_provinsi",
            b"/api/kota?kode_provinsi=32&kode_provinsi=xx",
            expect=(200, 400),
        ),
        Case("repeated limit", b"/api/kota?limit=1&limit=-1", expect=(200, 400)),
        Case("repeated q", b"/api/search?q=ab&q=jawa", expect=(200, 400)),
        Case(
            "1000 repeated name",
            b"/api/provinsi?" + b"&".join([b"name=jawa"] * 1000),
            expect=(200,),
        ),
        Case(
            "5000 distinct params",
            b"/api/provinsi?" + b"&".join(b"p%d=%d" % (i, i) for i in range(5000)),
            expect=(200,),
        ),
        Case(
            "10000-char param name and value",
            b"/api/provinsi?" + b"k" * 10_000 + b"=" + b"v" * 10_000,
            expect=(200,),
        ),
        Case("60 KB query", b"/api/kelurahan?name=" + b"a" * 60_000, expect=(200,)),
    ]
    return cases


def _path_cases():
    targets = [
        (b"/api", (404,)),
        (b"/api/", (404,)),
        (b"/api/provinsi/", None),
        (b"/api/provinsi/32/", None),
        (b"/api/provinsi/32/extra", (404,)),
        (b"/api/provinsi//32", None),
        (b"/api//provinsi", None),
        (b"/api/./provinsi", None),
        (b"/api/provinsi/../kota", None),
        (b"/api/provinsi/%2e%2e/kota", None),
        (b"/api/provinsi/%2F32", None),
        (b"/api/provinsi/32%2F", None),
        (b"/api/provinsi/32;jsessionid=1", None),
        (b"/api/provinsi/32%3Bx", None),
        (b"/api/provinsi/32?", (200,)),
        (b"/api/provinsi/32#x", None),
        (b"/api/nothing", (404,)),
        (b"/api/" + b"a" * 10_000, (404,)),
        (b"/api/" + b"/".join([b"a"] * 5000), (404,)),
        (b"/api/provinsi/" + b"3" * 60_000, (400,)),
        (b"/api/kodepos/%00", (400,)),
        (b"/api/kodepos/4038%00", (400,)),
        (b"/api/kodepos/40386%00", (400,)),
        (b"/api/kodepos/40 386", None),
        (b"/api/openapi.json/../provinsi", None),
    ]
    cases = [
        Case(f"path {short(t)}", t, expect=e, malformed=b" " in t) for t, e in targets
    ]
    # Absolute-form and odd request targets.
    cases += [
        Case("absolute-form target", b"http://127.0.0.1/api/provinsi/32", expect=None),
        Case(
            "absolute-form other host",
            b"http://evil.example/api/provinsi/32",
            expect=None,
        ),
        Case("asterisk target OPTIONS", b"*", method=b"OPTIONS", api=False),
        Case("authority-form CONNECT", b"127.0.0.1:80", method=b"CONNECT", api=False),
    ]
    return cases


def _method_cases():
    cases = []
    paths = [
        "/api/provinsi",
        "/api/provinsi/32",
        "/api/kodepos/40386",
        "/api/search?q=jawa",
        "/api/nothing",
    ]
    for method in METHODS:
        for path in paths:
            expect = None
            if method in (
                b"POST",
                b"PUT",
                b"PATCH",
                b"DELETE",
                b"TRACE",
                b"PROPFIND",
                b"MKCOL",
                b"LOCK",
                b"FOO",
            ):
                expect = (405,)
            elif method == b"get":  # werkzeug upper-cases the method
                expect = (200, 401, 404)
            body = b""
            headers = []
            if method in (b"POST", b"PUT", b"PATCH"):
                body = b"name=' OR 1=1 --&code=32"
                headers = [(b"Content-Type", b"application/x-www-form-urlencoded")]
            cases.append(
                Case(
                    f"{method.decode()} {path}",
                    path.encode(),
                    method=method,
                    headers=headers,
                    body=body,
                    expect=expect,
                )
            )
            cases.append(
                Case(
                    f"{method.decode()} {path} (no key)",
                    path.encode(),
                    method=method,
                    headers=headers,
                    body=body,
                    key=False,
                    expect=expect
                    or (
                        (401, 204)
                        if method == b"OPTIONS"
                        else (401,)
                        if method != b"CONNECT"
                        else None
                    ),
                )
            )
    cases += [
        Case(
            "10000-char method", b"/api/provinsi", method=b"X" * 10_000, expect=(405,)
        ),
        Case("method with byte", b"/api/provinsi", method=b"G\xffT", expect=(405,)),
        Case(
            "POST JSON-RPC body",
            b"/api/provinsi",
            method=b"POST",
            headers=[(b"Content-Type", b"application/json")],
            body=b'{"jsonrpc":"2.0","method":"call","params":{"self":1}}',
            expect=(405,),
        ),
        Case(
            "POST broken JSON",
            b"/api/provinsi",
            method=b"POST",
            headers=[(b"Content-Type", b"application/json")],
            body=b'{"a":',
            expect=(405,),
        ),
        Case(
            "POST broken multipart",
            b"/api/provinsi",
            method=b"POST",
            headers=[(b"Content-Type", b"multipart/form-data; boundary=xx")],
            body=b'--xx\r\nContent-Disposition: form-data; name="self"\r\n\r\n1\r\n--x',
            expect=(405,),
        ),
        Case(
            "POST 1 MB form",
            b"/api/provinsi",
            method=b"POST",
            headers=[(b"Content-Type", b"application/x-www-form-urlencoded")],
            body=b"name=" + b"a" * 1_000_000,
            expect=(405,),
        ),
        Case(
            "GET with a body",
            b"/api/provinsi/32",
            headers=[(b"Content-Type", b"application/json")],
            body=b'{"code": "33"}',
            expect=(200,),
        ),
        Case(
            "GET chunked body",
            b"/api/provinsi/32",
            headers=[(b"Transfer-Encoding", b"chunked")],
            body=b"5\r\nhello\r\n0\r\n\r\n",
            expect=(200,),
        ),
        Case(
            "OPTIONS preflight",
            b"/api/provinsi",
            method=b"OPTIONS",
            key=False,
            headers=[
                (b"Origin", b"https://example.com"),
                (b"Access-Control-Request-Method", b"GET"),
                (b"Access-Control-Request-Headers", b"x-api-key"),
            ],
            expect=(204, 403),
        ),
        Case(
            "OPTIONS preflight hostile origin",
            b"/api/provinsi",
            method=b"OPTIONS",
            key=False,
            headers=[(b"Origin", b"\xff\x00' OR 1=1 --" + b"o" * 10_000)],
            expect=(204, 403),
        ),
    ]
    return cases


def _header_cases():
    k = KEY_PLACEHOLDER
    target = b"/api/provinsi/32"
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
    # The key itself.
    for label, value in [
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
        ("60 KB", big),
        ("Bearer key", b"Bearer " + k),
    ]:
        cases.append(
            Case(
                f"X-API-Key: {label}",
                target,
                key=False,
                headers=[(b"X-API-Key", value)],
                expect=(401,),
            )
        )
    cases += [
        # Blanks around a header value are optional whitespace (RFC 9110).
        Case(
            "X-API-Key: key + space",
            target,
            key=False,
            headers=[(b"X-API-Key", k + b" ")],
            expect=(200, 401),
        ),
        Case(
            "X-API-Key: space + key",
            target,
            key=False,
            headers=[(b"X-API-Key", b" " + k)],
            expect=(200, 401),
        ),
        Case(
            "x-api-key lower case",
            target,
            key=False,
            headers=[(b"x-api-key", k)],
            expect=(200,),
        ),
        Case(
            "two X-API-Key headers",
            target,
            key=False,
            headers=[(b"X-API-Key", b"wrong"), (b"X-API-Key", k)],
            expect=(401, 200),
        ),
        Case(
            "X_API_KEY header",
            target,
            key=False,
            headers=[(b"X_API_KEY", k)],
            expect=(401, 200),
        ),
        Case(
            "key in query string only",
            b"/api/provinsi/32?X-API-Key=wrong",
            key=False,
            expect=(401,),
        ),
        Case(
            "Authorization only",
            target,
            key=False,
            headers=[(b"Authorization", b"Basic YWRtaW46YWRtaW4=")],
            expect=(401,),
        ),
    ]
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
    cases += [
        Case(
            "Accept-Encoding q garbage",
            target,
            headers=[(b"Accept-Encoding", b"gzip;q=abc, br;q=-1, *;q=1e999")],
        ),
        Case(
            "Accept-Encoding gzip big list",
            b"/api/kelurahan?kode_kecamatan=3204050",
            headers=[(b"Accept-Encoding", b"gzip")],
            expect=(200,),
        ),
        Case(
            "If-None-Match star",
            target,
            headers=[(b"If-None-Match", b"*")],
            expect=(304,),
        ),
        Case(
            "If-None-Match many tags",
            target,
            headers=[(b"If-None-Match", b", ".join([b'W/"x"'] * 5000))],
            expect=(200,),
        ),
        Case(
            "Cookie session path traversal",
            target,
            headers=[(b"Cookie", b"session_id=../../../../etc/passwd")],
            expect=(200,),
        ),
        Case(
            "Cookie 10000 chars",
            target,
            headers=[(b"Cookie", b"session_id=" + b"a" * 10_000)],
            expect=(200,),
        ),
        Case(
            "Cookie invalid UTF-8",
            target,
            headers=[(b"Cookie", b"session_id=\xff\xfe; x=\x00")],
            expect=(200,),
        ),
        Case(
            "Accept text/html",
            b"/api/provinsi/99",
            headers=[(b"Accept", b"text/html")],
            expect=(404,),
        ),
        Case(
            "Accept text/html no key",
            b"/api/provinsi/32",
            key=False,
            headers=[(b"Accept", b"text/html,application/xhtml+xml")],
            expect=(401,),
        ),
        Case(
            "X-Requested-With",
            b"/api/provinsi/x",
            headers=[(b"X-Requested-With", b"XMLHttpRequest")],
            expect=(400,),
        ),
        Case("60 KB unknown header", target, headers=[(b"X-Fuzz", big)], expect=(200,)),
        Case(
            "20 x 60 KB headers",
            target,
            headers=[(b"X-Fuzz-%d" % i, big) for i in range(20)],
            expect=(200,),
        ),
        Case(
            "90 headers",
            target,
            headers=[(b"X-H%d" % i, b"v") for i in range(90)],
            expect=(200,),
        ),
        Case(
            "non-ASCII header name (UTF-8)", target, headers=[("X-Kéy".encode(), b"1")]
        ),
        Case("non-ASCII header name (latin-1)", target, headers=[(b"X-K\xe9y", b"1")]),
        Case(
            "non-ASCII key-like header",
            target,
            key=False,
            headers=[("X-API-Kéy".encode(), KEY_PLACEHOLDER)],
            expect=(401,),
        ),
        Case("header name with NUL", target, headers=[(b"X-A\x00b", b"1")]),
        Case("header value with NUL", target, headers=[(b"X-Fuzz", b"a\x00b")]),
        Case("header value CR", target, headers=[(b"X-Fuzz", b"a\rb")], malformed=True),
        Case(
            "CRLF injection in query",
            b"/api/provinsi?name=%0d%0aX-Injected:%201",
            expect=(200,),
        ),
    ]
    # Beyond what Python's http.server accepts: it answers these itself.
    cases += [
        Case(
            "70 KB header line",
            target,
            headers=[(b"X-Fuzz", b"h" * 70_000)],
            malformed=True,
        ),
        Case(
            "70 KB X-API-Key",
            target,
            key=False,
            headers=[(b"X-API-Key", b"k" * 70_000)],
            malformed=True,
        ),
        Case(
            "150 headers",
            target,
            headers=[(b"X-H%d" % i, b"v") for i in range(150)],
            malformed=True,
        ),
        Case(
            "header without colon",
            target,
            headers=[(b"NoColonHere", b"")],
            malformed=True,
        ),
        Case(
            "header name with space",
            target,
            headers=[(b"X Fuzz", b"1")],
            malformed=True,
        ),
        Case(
            "obs-fold continuation line",
            target,
            headers=[(b"X-Fuzz", b"a\r\n folded")],
            malformed=True,
        ),
    ]
    return cases


def _malformed_cases():
    host = b"Host: 127.0.0.1\r\n"
    raws = [
        (
            "request line with 70 KB target",
            b"GET /api/provinsi?name="
            + b"a" * 70_000
            + b" HTTP/1.1\r\n"
            + host
            + b"\r\n",
        ),
        ("HTTP/0.9 request", b"GET /api/provinsi/32\r\n"),
        ("HTTP/2.0 version", b"GET /api/provinsi/32 HTTP/2.0\r\n" + host + b"\r\n"),
        ("HTTP/1.1.1 version", b"GET /api/provinsi/32 HTTP/1.1.1\r\n" + host + b"\r\n"),
        ("garbage version", b"GET /api/provinsi/32 HTXP/1.1\r\n" + host + b"\r\n"),
        ("four words", b"GET /api/provinsi/32 HTTP/1.1 extra\r\n" + host + b"\r\n"),
        ("space in target", b"GET /api/provinsi/3 2 HTTP/1.1\r\n" + host + b"\r\n"),
        ("empty request", b"\r\n\r\n"),
        ("only garbage", b"\x00\xff\xfe\x16\x03\x01\x02\x00"),
        ("TLS hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 64),
        (
            "bare LF line ends",
            b"GET /api/provinsi/32 HTTP/1.1\nHost: 127.0.0.1\nX-API-Key: "
            + KEY_PLACEHOLDER
            + b"\n\n",
        ),
        (
            "HTTP/1.0 without Host",
            b"GET /api/provinsi/32 HTTP/1.0\r\nX-API-Key: "
            + KEY_PLACEHOLDER
            + b"\r\n\r\n",
        ),
        (
            "HTTP/1.1 without Host",
            b"GET /api/provinsi/32 HTTP/1.1\r\nX-API-Key: "
            + KEY_PLACEHOLDER
            + b"\r\nConnection: close\r\n\r\n",
        ),
        (
            "Content-Length negative",
            b"GET /api/provinsi/32 HTTP/1.1\r\n"
            + host
            + b"Content-Length: -1\r\nConnection: close\r\n\r\n",
        ),
        (
            "Content-Length garbage",
            b"GET /api/provinsi/32 HTTP/1.1\r\n"
            + host
            + b"Content-Length: abc\r\nConnection: close\r\n\r\n",
        ),
        (
            "two Content-Length",
            b"GET /api/provinsi/32 HTTP/1.1\r\n"
            + host
            + b"Content-Length: 0\r\nContent-Length: 5\r\n"
            + b"Connection: close\r\n\r\nhello",
        ),
        (
            "bad chunked body",
            b"POST /api/provinsi HTTP/1.1\r\n"
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
        + _path_cases()
        + _method_cases()
        + _header_cases()
        + _malformed_cases()
    )


if __name__ == "__main__":
    all_cases = build_cases()
    print(f"{len(all_cases)} cases")
    for case in all_cases[:20]:
        print(case.name)
