#!/usr/bin/env python3
"""Send the hostile corpus (tools/hostile_corpus.py) to a running API and check
every answer. Stdlib only; raw sockets, so that invalid UTF-8, NUL bytes and
oversized lines reach the server exactly as written.

For every answer from Odoo:
  * a status below 500, within --slow seconds;
  * never an HTML page, never the word "Traceback", never the API key (body
    or headers), never an injected header;
  * Content-Type application/json (except 204/304, and the HTML page of the
    documentation, /api/docs);
    an error (4xx) is a JSON object {"status", "error", "message"} whose
    status is the HTTP status; a 200 GET is valid JSON;
  * the status is one the contract fixes for that case, when it fixes one.

Requests that are not valid HTTP may be answered by the HTTP server in front
of Odoo (Python's http.server, through werkzeug) with its own HTML page, or
closed: those are listed apart ("answered by the HTTP server before Odoo")
and are not failures.

With --db, the region tables (one per level) and the key are fingerprinted
with psql before and after the run: any change is a failure (the API never
writes).

    KEY=<api key> python3 tools/fuzz_api.py --port 8469 --key-env KEY --db wilayah_fuzz

Exit status: 0 when nothing failed, 1 otherwise.
"""

import argparse
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# hostile_corpus puts the repository root (the `wilayah` package) on sys.path.
from hostile_corpus import (  # noqa: E402
    HTML_PATHS,
    KEY_HEADER,
    KEY_PLACEHOLDER,
    Case,
    build_cases,
)

from wilayah.levels import LEVELS  # noqa: E402

ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1")
HTTP_SERVER_PAGE = re.compile(
    rb"<title>Error response</title>|Error code explanation", re.I
)
HTML = re.compile(rb"<html|<!doctype|<body|<head>", re.I)
SNAPSHOT_SQL = """
SELECT '{table}', count(*), max(id), max(write_date)::text,
       md5(string_agg(id || ':' || coalesce(code, '') || ':' || coalesce(name, ''), ','
                      ORDER BY id))
  FROM {table}
"""
TABLES = tuple(level.table for level in LEVELS.values())


class Answer:
    def __init__(self, status, reason, headers, body, raw_head, elapsed):
        self.status = status
        self.reason = reason
        self.headers = headers  # [(lower-case name, value)] as str (latin-1)
        self.body = body
        self.raw_head = raw_head
        self.elapsed = elapsed

    def header(self, name):
        for key, value in self.headers:
            if key == name:
                return value
        return None


def build_request(case, host, port, key):
    if case.raw is not None:
        return case.raw.replace(KEY_PLACEHOLDER, key)
    sent = {name.lower() for name, _value in case.headers}
    headers = []
    if b"host" not in sent:
        headers.append((b"Host", f"{host}:{port}".encode()))
    if case.key and KEY_HEADER.lower() not in sent:
        headers.append((KEY_HEADER, key))
    if b"user-agent" not in sent:
        headers.append((b"User-Agent", b"wilayah-fuzz/1"))
    headers.append((b"Connection", b"close"))
    headers += [
        (name, value.replace(KEY_PLACEHOLDER, key)) for name, value in case.headers
    ]
    if case.body and b"content-length" not in sent and b"transfer-encoding" not in sent:
        headers.append((b"Content-Length", str(len(case.body)).encode()))
    target = case.target.replace(KEY_PLACEHOLDER, key)
    lines = [case.method + b" " + target + b" " + case.version]
    lines += [name + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + case.body


def _dechunk(body):
    out, rest = bytearray(), body
    while rest:
        line, _sep, rest = rest.partition(b"\r\n")
        size = int(line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


def send(host, port, data, timeout):
    """Send bytes, read until the server closes; None when nothing came back."""
    started = time.monotonic()
    chunks = []
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            try:
                sock.sendall(data)
            except OSError:
                pass  # the server may answer (and close) before reading it all
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            deadline = started + timeout
            while time.monotonic() < deadline:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, BrokenPipeError):
                    break
                if not chunk:
                    break
                chunks.append(chunk)
    except TimeoutError:
        pass
    except OSError as error:
        if not chunks:
            return None, f"{type(error).__name__}: {error}", time.monotonic() - started
    elapsed = time.monotonic() - started
    raw = b"".join(chunks)
    if not raw:
        return None, "connection closed without an answer", elapsed
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/\d(?:\.\d)? (\d{3}) ?(.*)", lines[0])
    if not match:
        return None, f"not an HTTP answer: {raw[:120]!r}", elapsed
    headers = []
    for line in lines[1:]:
        name, _sep, value = line.partition(b":")
        headers.append(
            (name.strip().lower().decode("latin-1"), value.strip().decode("latin-1"))
        )
    answer = Answer(
        int(match.group(1)),
        match.group(2).decode("latin-1"),
        headers,
        body,
        head,
        elapsed,
    )
    if (answer.header("transfer-encoding") or "").lower() == "chunked":
        answer.body = _dechunk(body)
    encoding = (answer.header("content-encoding") or "").lower()
    try:
        if encoding == "gzip":
            answer.body = gzip.decompress(answer.body)
        elif encoding == "deflate":
            answer.body = zlib.decompress(answer.body)
    except (OSError, zlib.error, EOFError) as error:
        return answer, f"undecodable {encoding} body: {error}", elapsed
    return answer, None, elapsed


def check(case, answer, key, slow):
    """Problems of an answer from Odoo (a list of strings)."""
    problems = []
    status = answer.status
    if status >= 500:
        problems.append(f"server error {status}")
    if answer.elapsed > slow:
        problems.append(f"slow answer: {answer.elapsed:.1f}s")
    if b"traceback" in answer.body.lower():
        problems.append("'Traceback' in the body")
    if len(key) >= 8 and (key in answer.body or key in answer.raw_head):
        problems.append("the API key is echoed in the answer")
    if any(name == "x-injected" for name, _value in answer.headers):
        problems.append("injected header in the answer")
    is_docs = case.raw is None and case.target.split(b"?")[0] in HTML_PATHS
    content_type = (answer.header("content-type") or "").lower()
    body = answer.body
    if not case.api or 300 <= status < 400:
        return (
            problems  # not an API answer: Odoo's own page or a redirect (listed apart)
        )
    if HTML.search(body) and not (is_docs and status == 200) and not _is_json(body):
        problems.append("HTML in the body")
    if case.expect is not None and status not in case.expect:
        problems.append(f"status {status}, expected one of {case.expect}")
    if status in (204, 304) or (is_docs and status == 200):
        return problems
    if not content_type.startswith("application/json"):
        problems.append(f"Content-Type {content_type!r}, not application/json")
    if case.method == b"HEAD" or (not body and status in (200,)):
        return problems
    try:
        payload = json.loads(body)
    except ValueError:
        problems.append("body is not JSON")
        return problems
    if status >= 400:
        if not (
            isinstance(payload, dict) and set(payload) >= {"status", "error", "message"}
        ):
            problems.append("error body is not {status, error, message}")
        elif (
            payload["status"] != status
            or not isinstance(payload["message"], str)
            or not isinstance(payload["error"], str)
        ):
            problems.append(
                f"error body status {payload['status']!r} / types do not match"
            )
    return problems


def _is_json(body):
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def snapshot(db):
    sql = " UNION ALL ".join(SNAPSHOT_SQL.format(table=table) for table in TABLES)
    sql += (
        " UNION ALL SELECT 'ir_config_parameter', count(*), max(id),"
        " max(write_date)::text,"
        " md5(string_agg(key || '=' || coalesce(value, ''), ',' ORDER BY key))"
        " FROM ir_config_parameter WHERE key LIKE 'wilayah.%'"
    )
    result = subprocess.run(
        ["psql", "-X", "-d", db, "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()


def describe_request(case, key, limit=300):
    data = (
        case.raw
        if case.raw is not None
        else (
            case.method
            + b" "
            + case.target
            + b" "
            + case.version
            + b"".join(b" | " + n + b": " + v for n, v in case.headers)
            + (b" | body " + case.body if case.body else b"")
        )
    )
    data = data.replace(key, b"<key>") if key else data
    text = repr(data)
    return text if len(text) <= limit else text[:limit] + f"...({len(data)} bytes)"


def describe_answer(answer, limit=300):
    if answer is None:
        return "(none)"
    body = answer.body[:limit]
    return (
        f"{answer.status} {answer.reason} [{answer.header('content-type')}] "
        f"{body!r}{'...' if len(answer.body) > limit else ''}"
    )


class Results:
    """What the run found, by kind."""

    def __init__(self):
        self.failures = []  # (case, answer, [problem])
        self.server_level = []  # (case, answer, error): http.server answered
        self.core = []  # (case, answer, [problem]): Odoo's core, before the addon
        self.notes = []  # (case, answer): Odoo outside the API, redirects
        self.statuses = {}
        self.sent = 0

    def classify(self, case, answer, error, problems):
        if answer is not None:
            self.statuses[answer.status] = self.statuses.get(answer.status, 0) + 1
        if problems and case.core_issue and (answer is None or answer.status >= 500):
            self.core.append((case, answer, problems))
        # Python's http.server (under werkzeug) refused the request itself.
        elif (answer is None and case.malformed) or (
            answer is not None and HTTP_SERVER_PAGE.search(answer.body)
        ):
            self.server_level.append((case, answer, error))
        elif problems:
            self.failures.append((case, answer, problems))
        elif not case.api or answer.status in (301, 302, 303, 307, 308):
            self.notes.append((case, answer))


def run(cases, args, key):
    results = Results()
    started = time.monotonic()
    for case in cases:
        if time.monotonic() - started > args.max_seconds:
            left = len(cases) - results.sent
            problem = f"stopped after {args.max_seconds:.0f}s: {left} case(s) not sent"
            results.failures.append((Case("time budget", b""), None, [problem]))
            break
        data = build_request(case, args.host, args.port, key)
        answer, error, elapsed = send(args.host, args.port, data, args.timeout)
        results.sent += 1
        problems = [error] if error else []
        if answer is not None:
            problems += check(case, answer, key, args.slow)
        results.classify(case, answer, error, problems)
        if args.verbose and answer is not None:
            mark = "FAIL" if problems else "ok  "
            print(f"{mark} {answer.status} {case.name} ({elapsed * 1000:.0f} ms)")
    results.seconds = time.monotonic() - started
    return results


def report(results, key, db_note):
    print(f"\n== answered by the HTTP server before Odoo: {len(results.server_level)}")
    for case, answer, error in results.server_level:
        what = error
        if answer is not None:
            what = f"{answer.status} {answer.reason} [{answer.header('content-type')}]"
        print(f"  - {case.name}: {what}")
    print(f"\n== Odoo core, before the addon's code: {len(results.core)}")
    for case, _answer, problems in results.core:
        print(f"  - {case.name}: {'; '.join(problems)} -- {case.core_issue}")
    print(
        f"\n== answered by Odoo outside the API (redirects, non-/api targets): "
        f"{len(results.notes)}"
    )
    for case, answer in results.notes:
        where = answer.header("location")
        arrow = f" -> {where}" if where else ""
        print(f"  - {case.name}: {answer.status} {answer.reason}{arrow}")
    print(f"\n== failures: {len(results.failures)}")
    for case, answer, problems in results.failures:
        print(f"  - {case.name}: {'; '.join(problems)}")
        if case.target or case.raw:
            print(f"      request: {describe_request(case, key)}")
            print(f"      answer:  {describe_answer(answer)}")
    counts = ", ".join(f"{code}: {n}" for code, n in sorted(results.statuses.items()))
    print(
        f"\nhostile corpus: {results.sent} requests in {results.seconds:.0f}s "
        f"(statuses {counts}); {len(results.server_level)} answered by the HTTP "
        f"server (not failures); {len(results.core)} Odoo-core 5xx (not failures); "
        f"{len(results.failures)} failure(s){db_note}"
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8469)
    parser.add_argument(
        "--key-env", default="KEY", help="environment variable holding the API key"
    )
    parser.add_argument("--db", help="database to fingerprint before/after (psql)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request (s)")
    parser.add_argument("--slow", type=float, default=10.0, help="slower fails (s)")
    parser.add_argument(
        "--max-seconds", type=float, default=600.0, help="stop sending after this"
    )
    parser.add_argument("--filter", help="only the cases whose name contains this")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.host not in ALLOWED_HOSTS:
        parser.error("--host must be this machine (127.0.0.1)")
    return args


def main():
    args = parse_args()
    key = os.environ.get(args.key_env, "").strip().encode()
    if not key:
        sys.exit(f"no API key in ${args.key_env}")
    cases = build_cases()
    if args.filter:
        cases = [case for case in cases if args.filter in case.name]
    before = snapshot(args.db) if args.db else None
    results = run(cases, args, key)
    db_note = ""
    if args.db:
        after = snapshot(args.db)
        if after == before:
            db_note = f"; data unchanged ({args.db})"
        else:
            problems = ["data changed during the run", f"before: {before}"]
            problems.append(f"after:  {after}")
            results.failures.append((Case("database fingerprint", b""), None, problems))
    report(results, key, db_note)
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
