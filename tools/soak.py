#!/usr/bin/python3
"""Soak test of the Wilayah API (stdlib and ``wilayah``; run by scripts/soak.sh).

The requests come from the route table (wilayah/routes.py): see
checked_requests.
Phase 1: ``--duration`` seconds of mixed valid traffic (tools/soak_mixed.lua)
with wrk at ``--connections`` connections: requests, non-2xx answers, p99,
worker restarts (worker pids before/after, and the server log).
Phase 2: a client loop keeps sending valid requests (bodies checked) while
PostgreSQL is restarted with ``--pg-restart``; reports the time from the end
of the restart to the first correct answer (target <= 5 s), the failures
during the outage, and any 5xx after recovery (target: none).
Exits 1 when a target is missed.
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse

# tools/bench.py, beside this file; it puts the repository root on sys.path.
from bench import (
    FULL_LIST,
    detail_route,
    list_route,
    parse_seconds,
    route_requests,
    worker_pids,
)

from wilayah.levels import LEVELS
from wilayah.params import LIMIT, OFFSET
from wilayah.routes import ROUTES, ROUTES_BY_NAME
from wilayah.settings import API_KEY_HEADER

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "soak_mixed.lua")
THREADS = 2
RECOVERY_TARGET = 5.0
PHASE2_BEFORE = 5.0  # seconds of traffic before the restart
PHASE2_AFTER = 20.0  # seconds of traffic after the restart completed
PHASE2_CLIENTS = 8
# A page of a list: at most PAGE_SIZE items.
PAGE_SIZE = 5
PAGE = f"{LIMIT.name}={PAGE_SIZE}&{OFFSET.name}=2"


def shape(value):
    """A JSON value with its leaves replaced by their types and its lists by
    the set of their items' shapes: answers of one route share it."""
    if isinstance(value, dict):
        return tuple(sorted((key, shape(item)) for key, item in value.items()))
    if isinstance(value, list):
        return frozenset(shape(item) for item in value)
    return type(value).__name__


def shaped_like(example, more_check=None):
    """A check: the answer is not empty, has the shape of the route table's
    ``example`` answer, and passes ``more_check``."""
    expected = shape(example)
    return lambda data: (
        bool(data)
        and shape(data) == expected
        and (more_check is None or more_check(data))
    )


# What every hit of an address search (route kind "alamat") has.
HIT_KEYS = {"level", "code", "name", "label", "score"}


def hits_check(request):
    """An address search answer: a non-empty list of at most the default
    limit of hits, each with the keys the route example's hit has (of every
    level), a level and a score from 0 to 1; only hits of the levels asked
    (a "levels" parameter) and inside the unit asked (a code of any level:
    the unit is one of the hit's parents)."""
    param = request.param
    limit = next(
        (each.default for each in request.route.params if each.kind == "count"), None
    )
    keys = HIT_KEYS & set(request.route.example[0])

    def good_hit(hit):
        if not (keys <= set(hit) and hit["level"] in LEVELS):
            return False
        if not 0 <= hit["score"] <= 1:
            return False
        if param is not None and param.kind == "levels":
            return hit["level"] in param.example.split(",")
        if param is not None and param.kind == "code":
            return any(
                isinstance(parent, dict) and parent.get("code") == param.example
                for parent in hit.values()
            )
        return True

    return lambda data: (
        isinstance(data, list)
        and bool(data)
        and (limit is None or len(data) <= limit)
        and all(isinstance(hit, dict) and good_hit(hit) for hit in data)
    )


def answer_check(request):
    """The check of a bench.RouteRequest's answer: the route table's answer
    when it gives one; else the route example's shape (hits_check for an
    address search), and only children of the unit when a code filters the
    list."""
    if request.answer is not None:
        return lambda data: data == request.answer
    if request.route.kind == "alamat":
        return hits_check(request)
    param = request.param
    if param is not None and param.kind == "level":
        # a unit of that level, as its detail route answers it
        return shaped_like(ROUTES_BY_NAME[f"{param.example}_detail"].example)
    if param is None or param.kind != "code" or param.level is None:
        return shaped_like(request.route.example)
    code_key = LEVELS[param.level].code_key
    return shaped_like(
        request.route.example,
        lambda data: all(item[code_key] == param.example for item in data),
    )


def page_check(whole_check):
    return lambda data: whole_check(data) and len(data) <= PAGE_SIZE


def detail_check(route, code):
    return shaped_like(route.example, lambda data: data["code"] == code)


def kodepos_check(route, postal_code):
    return shaped_like(
        route.example,
        lambda data: all(
            postal_code in unit["postal_code"].split(",") for unit in data
        ),
    )


def example_units():
    """(level, item) of every unit that the list and search examples answer."""
    search = ROUTES_BY_NAME["search"].example
    for level in LEVELS.values():
        for item in list_route(level.key).example + search.get(level.key, []):
            yield level, item


def checked_requests():
    """[(path, check of the decoded JSON answer)]: the route table's requests
    (bench.route_requests) but the documentation's, a page of each list that
    has no exact answer, then more units: every unit that the list and search
    examples name, by its detail and by its postal codes. No path twice."""
    requests = [request for request in route_requests() if not request.route.public]
    checked = [(request.path, answer_check(request)) for request in requests]
    for request in requests:
        if request.route.kind == "list" and request.answer is None:
            separator = "&" if "?" in request.path else "?"
            checked.append(
                (f"{request.path}{separator}{PAGE}", page_check(answer_check(request)))
            )
    kodepos = ROUTES_BY_NAME["kodepos"]
    for level, item in example_units():
        detail = detail_route(level.key)
        checked.append(
            (detail.path_for(item["code"]), detail_check(detail, item["code"]))
        )
        for postal_code in filter(None, item.get("postal_code", "").split(",")):
            checked.append(
                (kodepos.path_for(postal_code), kodepos_check(kodepos, postal_code))
            )
    first_check = {}
    for path, check in checked:
        first_check.setdefault(path, check)
    return list(first_check.items())


# Phase 2: valid requests that need the database, each answer checked. The
# documentation's routes need none: their answers would hide the outage.
CHECKED = checked_requests()
# Phase 1 (tools/soak_mixed.lua): these and the documentation's routes, and
# now and then the full list.
MIXED = [path for path, _check in CHECKED] + [
    route.example_request for route in ROUTES if route.public
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key-env", default="KEY")
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--server-log", required=True)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--pg-restart", required=True, help="command restarting PostgreSQL"
    )
    parser.add_argument("--pg-label", default="PostgreSQL")
    return parser.parse_args()


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def log_since(path, offset):
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            log.seek(offset)
            return log.read()
    except OSError:
        return ""


WORKER_EVENTS = {
    "started": re.compile(r"Worker WorkerHTTP \(\d+\) alive"),
    "killed (timeout)": re.compile(r"\(\d+\) timeout after"),
    "recycled (limit reached)": re.compile(
        r"Worker \(\d+\) .*(limit|max request) .*reached"
    ),
    "exited": re.compile(r"Worker \(\d+\) exiting"),
}
LOG_LEVEL = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL|WARNING) ", re.M)


def worker_events(text):
    return {name: len(pattern.findall(text)) for name, pattern in WORKER_EVENTS.items()}


def fmt_ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


# ------------------------------------------------------------------ phase 1


def listen_overflows():
    """The kernel's count of connections dropped because an accept queue was
    full (TcpExt ListenOverflows, machine-wide)."""
    try:
        with open("/proc/net/netstat", encoding="ascii") as netstat:
            lines = netstat.read().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return None


def health_reference(args, key, seconds=10):
    """p50/p99 of /web/health alone at the same concurrency: what the server
    gives its cheapest route, to read the mixed traffic's latency against."""
    done = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "--latency",
            args.url + "/web/health",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    p50 = re.search(r"^\s+50(?:\.000)?%\s+(\S+)", done.stdout, re.M)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+(\S+)", done.stdout, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if not (p50 and p99 and rps):
        return "wrk failed"
    return (
        f"{float(rps[1]):.0f}/s, p50 {fmt_ms(parse_seconds(p50[1]))}, "
        f"p99 {fmt_ms(parse_seconds(p99[1]))}"
    )


def phase1(args, key):
    pids_before = set(worker_pids(args.server_pid))
    offset = log_size(args.server_log)
    overflows = listen_overflows()
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        LUA,
        args.url + "/",
        "--",  # the script's arguments: the full list, then the mix
        FULL_LIST,
        *MIXED,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=args.duration + 90,
        check=False,
        env={**os.environ, "WILAYAH_API_KEY": key},
    )
    out = done.stdout
    overflows_after = listen_overflows()
    time.sleep(1)
    pids_after = set(worker_pids(args.server_pid))
    events = worker_events(log_since(args.server_log, offset))
    result = {"ok": True, "lines": []}
    requests = re.search(r"(\d+) requests in ([\d.]+\w+), (\S+) read", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    p50 = re.search(r"^\s+50(?:\.000)?%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    statuses = {
        int(m[1]): int(m[2]) for m in re.finditer(r"^STATUS (\d+) (\d+)$", out, re.M)
    }
    if not requests:
        print(out, done.stderr, file=sys.stderr)
        result["ok"] = False
        result["lines"].append("wrk did not run (see above)")
        return result
    n_non2xx = int(non2xx[1]) if non2xx else 0
    not_200 = sum(count for status, count in statuses.items() if status != 200)
    restarts = len(pids_before - pids_after)
    p99_seconds = parse_seconds(p99[1]) if p99 else None
    rows = [
        (
            "requests",
            f"{int(requests[1])} in {requests[2]} ({float(rps[1]):.0f}/s), "
            f"{requests[3]} read",
            True,
        ),
        (
            "answers by status",
            ", ".join(
                f"{status}: {count}" for status, count in sorted(statuses.items())
            )
            or "-",
            True,
        ),
        (
            "non-2xx (must be 0)",
            str(max(n_non2xx, not_200)),
            n_non2xx == 0 and not_200 == 0,
        ),
        (
            "socket errors",
            socket_errors[0].split(":", 1)[1].strip() if socket_errors else "none",
            True,
        ),
        (
            "latency p50 / p99",
            f"{fmt_ms(parse_seconds(p50[1]) if p50 else None)} / {fmt_ms(p99_seconds)}",
            True,
        ),
        (
            "worker restarts",
            f"{restarts} (pids {sorted(pids_before)} -> {sorted(pids_after)}; log: "
            + ", ".join(f"{name} {count}" for name, count in events.items())
            + ")",
            restarts == 0
            and events["killed (timeout)"] == 0
            and events["started"] == 0,
        ),
        (
            "accept-queue overflows (machine-wide)",
            str(overflows_after - overflows)
            if None not in (overflows, overflows_after)
            else "-",
            True,
        ),
        (
            f"reference: /web/health alone, 10 s at -c{args.connections}",
            health_reference(args, key),
            True,
        ),
    ]
    result["lines"] += ["| measure | value | ok? |", "|---|---|---|"]
    for name, value, ok in rows:
        result["ok"] &= ok
        result["lines"].append(f"| {name} | {value} | {'yes' if ok else '**NO**'} |")
    return result


# ------------------------------------------------------------------ phase 2


class Recorder:
    def __init__(self, url, key):
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("local servers only")
        self.host, self.port, self.key = parsed.hostname, parsed.port or 80, key
        self.records = []  # (start, end, status, correct, path, detail)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def one(self, path, check):
        start = time.monotonic()
        status, correct, detail = 0, False, ""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("GET", path, headers={API_KEY_HEADER: self.key})
            response = conn.getresponse()
            body = response.read()
            status = response.status
            if status == 200:
                try:
                    correct = bool(check(json.loads(body)))
                except ValueError:
                    correct = False
                if not correct:
                    detail = body[:120].decode("utf-8", "replace")
            else:
                detail = body[:160].decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            detail = f"{type(error).__name__}: {error}"
        finally:
            conn.close()
        with self.lock:
            self.records.append(
                (start, time.monotonic(), status, correct, path, detail)
            )

    def loop(self, number):
        index = number
        while not self.stop.is_set():
            path, check = CHECKED[index % len(CHECKED)]
            index += 1
            self.one(path, check)


def phase2(args, key):
    recorder = Recorder(args.url, key)
    offset = log_size(args.server_log)
    pids_before = set(worker_pids(args.server_pid))
    threads = [
        threading.Thread(target=recorder.loop, args=(n,), daemon=True)
        for n in range(PHASE2_CLIENTS)
    ]
    t_zero = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(PHASE2_BEFORE)
    restart_start = time.monotonic()
    restart = subprocess.run(
        shlex.split(args.pg_restart),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    restart_end = time.monotonic()
    # Bounded: at most PHASE2_AFTER seconds of traffic after the restart.
    recorder.stop.wait(PHASE2_AFTER)
    recorder.stop.set()
    for thread in threads:
        thread.join(15)
    pids_after = set(worker_pids(args.server_pid))
    log_text = log_since(args.server_log, offset)
    records = sorted(recorder.records)

    def rel(moment):
        return moment - t_zero

    before = [r for r in records if r[1] < restart_start]
    first_ok = next(
        (r for r in records if r[0] >= restart_end and r[2] == 200 and r[3]), None
    )
    outage_end = first_ok[1] if first_ok else float("inf")
    outage = [r for r in records if r[1] >= restart_start and r[1] < outage_end]
    after = [r for r in records if first_ok and r[0] > first_ok[1]]

    def summary(rows):
        counter = collections.Counter(
            (str(r[2]) if r[2] else "no answer")
            + ("" if r[3] or r[2] != 200 else " (wrong body)")
            for r in rows
        )
        return (
            ", ".join(f"{name}: {count}" for name, count in sorted(counter.items()))
            or "none"
        )

    lines, ok = [], True
    if restart.returncode != 0:
        ok = False
        lines.append(
            f"restart command failed ({restart.returncode}): "
            f"{restart.stderr.strip()[:300]}"
        )
    recovery = first_ok[1] - restart_end if first_ok else None
    bad_before = [r for r in before if not (r[2] == 200 and r[3])]
    after_5xx = [r for r in after if r[2] >= 500]
    after_bad = [r for r in after if not (r[2] == 200 and r[3])]
    errors_in_log = collections.Counter(LOG_LEVEL.findall(log_text))
    rows = [
        (
            "restart",
            f"`{args.pg_restart}` ({args.pg_label}) from t={rel(restart_start):.2f} s "
            f"to t={rel(restart_end):.2f} s ({restart_end - restart_start:.2f} s)",
            restart.returncode == 0,
        ),
        (
            "before the restart",
            f"{len(before)} requests; {summary(before)}",
            not bad_before,
        ),
        (
            "during the outage (restart start -> first correct answer)",
            f"{len(outage)} requests; {summary(outage)}",
            True,
        ),
        (
            f"first correct 200 after the restart (target <= {RECOVERY_TARGET:.0f} s)",
            f"{recovery:.2f} s after the restart completed ({first_ok[4]})"
            if first_ok
            else "never",
            recovery is not None and recovery <= RECOVERY_TARGET,
        ),
        (
            "after recovery (must have no 5xx)",
            f"{len(after)} requests in {after[-1][1] - after[0][0]:.1f} s; "
            f"{summary(after)}"
            if after
            else "none",
            bool(after) and not after_5xx and not after_bad,
        ),
        (
            "worker pids",
            f"{sorted(pids_before)} -> {sorted(pids_after)}",
            True,
        ),
        (
            "server log during phase 2",
            ", ".join(
                f"{level} {count}" for level, count in sorted(errors_in_log.items())
            )
            or "clean",
            True,
        ),
    ]
    lines += [
        f"{PHASE2_CLIENTS} client threads, each request's body checked; "
        "t=0 when traffic began.",
        "",
        "| measure | value | ok? |",
        "|---|---|---|",
    ]
    for name, value, good in rows:
        ok &= good
        lines.append(f"| {name} | {value} | {'yes' if good else '**NO**'} |")
    samples = [r for r in outage + after_bad if r[5]][:3]
    for r in samples:
        lines.append(
            f"- t={rel(r[0]):.2f} s {r[4]} -> {r[2] or 'no answer'}: {r[5][:140]!r}"
        )
    return {"ok": ok, "lines": lines}


def main():
    args = parse_args()
    key = os.environ.get(args.key_env, "")
    if not key:
        sys.exit(f"no API key in ${args.key_env}")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print("## Wilayah API soak")
    print()
    print(
        f"- {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC, "
        f"{os.cpu_count()} CPU, load average {load}; server {args.url} --workers=2, "
        f"{args.pg_label}"
    )
    print()
    print(
        f"### 1. {args.duration} s of mixed valid traffic, wrk -t{THREADS} "
        f"-c{args.connections} (tools/soak_mixed.lua)"
    )
    print()
    sys.stdout.flush()
    first = phase1(args, key)
    print("\n".join(first["lines"]))
    print()
    print("### 2. PostgreSQL restart in the middle of traffic")
    print()
    sys.stdout.flush()
    second = phase2(args, key)
    print("\n".join(second["lines"]))
    print()
    ok = first["ok"] and second["ok"]
    print(
        "RESULT: "
        + ("every target met" if ok else "target(s) missed (see **NO** above)")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
