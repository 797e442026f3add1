#!/usr/bin/python3
"""Server time of the kelurahan dropdown of Odoo's address forms: the
``name_search`` a Many2one field sends while one types, over JSON-RPC as the
web client sends it (a logged-in session, limit 8).

Part of ``make bench`` (tools/bench.py calls ``report``); alone:
``tools/bench_dropdown.py --url http://127.0.0.1:<port> --db <db> --key-env KEY
--server-log <odoo log>``. Typical words, from the server's own lists with a
fixed seed, each query distinct, one request at a time: a village's name; the
name and its kecamatan; the first letters of a name (typing); a name with a
typo; a name within the village's kecamatan (the dropdown once the form's
kecamatan is filled). The server time of each request is Odoo's own (query
time + the rest, from its access log line); without the log, the round trip.
"""

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from wilayah.levels import LEVELS, POSTAL_LEVEL  # noqa: E402
from wilayah.settings import API_KEY_HEADER  # noqa: E402

TARGET_MS = 50  # the bound on a dropdown search's server time
PER_KIND = 40
SEED = 20261127
LIMIT = 8  # what Odoo 18's Many2one autocomplete asks for
# Searches before the measurement, so that each worker has its index and
# engine (a worker's first request builds them: tools/bench.py times that)
WARM_UP = 8
MODEL = POSTAL_LEVEL.model
PARENT = LEVELS[POSTAL_LEVEL.parent]
PATH = f"/web/dataset/call_kw/{MODEL}/name_search"
LOGGED = re.compile(
    r'werkzeug: .*?"POST ' + re.escape(PATH) + r' HTTP/[\d.]+" (\d{3}) - '
    r"(\d+) ([\d.]+) ([\d.]+)"
)


class Session:
    def __init__(self, url):
        host, _colon, port = url.split("//", 1)[1].rstrip("/").partition(":")
        self.host, self.port, self.cookie = host, int(port or 80), ""

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            sent = {"Cookie": self.cookie} if self.cookie else {}
            if body is not None:
                sent["Content-Type"] = "application/json"
                body = json.dumps(body)
            conn.request(method, path, body=body, headers={**sent, **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            cookie = response.headers.get("Set-Cookie", "")
            if cookie.startswith("session_id="):
                self.cookie = cookie.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def rpc(self, path, params):
        status, data = self.request(
            "POST", path, {"jsonrpc": "2.0", "method": "call", "params": params}
        )
        answer = json.loads(data) if status == 200 else {}
        if "result" not in answer:
            raise RuntimeError(f"{path}: HTTP {status} {answer.get('error', '')}")
        return answer["result"]

    def call_kw(self, model, method, args, kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )


def typo(word, rng):
    """One letter of ``word`` swapped with the next."""
    position = rng.randrange(1, len(word) - 2)
    return word[:position] + word[position + 1] + word[position] + word[position + 2 :]


def queries(session, key):
    """{kind: [(text, domain)]}: PER_KIND distinct queries of each kind."""
    lists = {}
    for level in (POSTAL_LEVEL, PARENT):
        status, data = session.request(
            "GET", f"/api/{level.key}", headers={API_KEY_HEADER: key}
        )
        if status != 200:
            raise RuntimeError(f"GET /api/{level.key}: HTTP {status}")
        lists[level.key] = json.loads(data)
    parents = {item["code"]: item["name"] for item in lists[PARENT.key]}
    rng = random.Random(SEED)
    # typical names: words of letters (a few names hold "/" or digits)
    villages = [
        item
        for item in lists[POSTAL_LEVEL.key]
        if len(item["name"]) >= 6 and re.fullmatch("[A-Z ]+", item["name"])
    ]
    sample = rng.sample(villages, PER_KIND)
    parent_codes = sorted({item[PARENT.code_key] for item in sample})
    parent_ids = {
        record["code"]: record["id"]
        for record in session.call_kw(
            PARENT.model,
            "search_read",
            [[("code", "in", parent_codes)]],
            {"fields": ["code"]},
        )
    }
    result = {
        "name": [], "name and kecamatan": [], "first letters": [], "typo": [],
        "name within its kecamatan": [],
    }  # fmt: skip
    for item in sample:
        name = item["name"].lower()
        parent_code = item[PARENT.code_key]
        result["name"].append((name, []))
        result["name and kecamatan"].append(
            (f"{name} {parents[parent_code].lower()}", [])
        )
        result["first letters"].append((name[: rng.randint(3, 5)], []))
        result["typo"].append((typo(name, rng), []))
        result["name within its kecamatan"].append(
            (name, [(PARENT.reference_field, "=", parent_ids[parent_code])])
        )
    return result


def search(session, text, domain):
    return session.call_kw(
        MODEL,
        "name_search",
        [],
        {"name": text, "args": domain, "operator": "ilike", "limit": LIMIT},
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(url, db, key, log_path, login="admin", password="admin"):  # noqa: S107
    """Markdown lines of the dropdown bench, and whether it met its target."""
    session = Session(url)
    try:
        session.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        by_kind = queries(session, key)
        for _time in range(WARM_UP):  # every worker, once
            search(session, POSTAL_LEVEL.example[1].lower(), [])
    except (OSError, RuntimeError, ValueError) as error:
        return [f"- dropdown bench skipped: {error}"], True
    rows, every = [], []
    for kind, items in by_kind.items():
        offset = os.path.getsize(log_path) if log_path else 0
        round_trips = []
        for text, domain in items:
            started = time.perf_counter()
            search(session, text, domain)
            round_trips.append((time.perf_counter() - started) * 1000)
        server = []
        if log_path:
            time.sleep(0.5)  # a worker logs a request after answering it
            with open(log_path, encoding="utf-8", errors="replace") as log:
                log.seek(offset)
                server = [
                    (float(match[3]) + float(match[4])) * 1000
                    for match in LOGGED.finditer(log.read())
                ]
        times = server if len(server) == len(items) else round_trips
        every += times
        rows.append((kind, items[0][0], times, times is server))
    lines = [
        f"Kelurahan dropdown ({MODEL}.name_search over JSON-RPC, limit {LIMIT}): "
        f"{PER_KIND} distinct queries per kind, one at a time; server time from "
        "Odoo's access log (query time + the rest) where marked, else the round trip.",
        "",
        "| kind | e.g. | p50 | p95 | max | target | ok? |",
        "|---|---|---|---|---|---|---|",
    ]
    ok = True
    for kind, example, times, from_log in rows:
        good = percentile(times, 0.95) <= TARGET_MS
        ok &= good
        lines.append(
            f"| {kind}{'' if from_log else ' (round trip)'} | {example} "
            f"| {statistics.median(times):.1f} ms | {percentile(times, 0.95):.1f} ms "
            f"| {max(times):.1f} ms | p95 <= {TARGET_MS} ms "
            f"| {'yes' if good else '**NO**'} |"
        )
    lines.append(
        f"| all {len(every)} | | {statistics.median(every):.1f} ms "
        f"| {percentile(every, 0.95):.1f} ms | {max(every):.1f} ms | | |"
    )
    return lines, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--key-env", default="KEY")
    parser.add_argument("--server-log")
    args = parser.parse_args()
    lines, ok = report(args.url, args.db, os.environ[args.key_env], args.server_log)
    print("\n".join(lines))
    return 0  # a bench, not a test: the table says what was missed


if __name__ == "__main__":
    sys.exit(main())
