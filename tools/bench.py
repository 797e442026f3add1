#!/usr/bin/python3
"""Benchmark of the Wilayah API routes against Odoo's /web/health (stdlib and
the repository's ``wilayah`` package only).

Run by scripts/bench.sh (``make bench``), which starts the server. The requests
come from the route table (wilayah/routes.py, see route_requests), plus the
full list gzipped, its 304 and a wrong key. Each is measured ``--rounds`` times
with ``wrk -t2 -c4 -d<duration>s --latency``; /web/health is measured several
times in every round, between the routes, and every ratio is median(route
req/s) / median(/web/health req/s) of this run.
Then a memory check: RSS of each HTTP worker after 10 and after 1,010 plain
full-list requests. Benchmarks are not tests: the exit status is 0 even when a
target is missed (the table says so); only a broken run exits non-zero.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

# The repository root: its plain `wilayah` package, without Odoo.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from wilayah.levels import LEVEL_KEYS, LEVELS  # noqa: E402
from wilayah.params import Param  # noqa: E402
from wilayah.routes import ROUTES, ROUTES_BY_NAME, Route  # noqa: E402
from wilayah.settings import API_KEY_HEADER  # noqa: E402

THREADS = 2
CONNECTIONS = 4
MAX_BYTES_FULL_GZIP = 1_500_000
MEMORY_RATIO_MAX = 1.5

HEALTH = "/web/health"
GZIP = {"Accept-Encoding": "gzip"}
# Minimum ratio to /web/health, by kind of route (Route.kind): every answer is
# a look-up in a cache; a search answer and the OpenAPI document are larger.
TARGETS = {
    "detail": 0.8,
    "list": 0.8,
    "kodepos": 0.8,
    "search": 0.7,
    "documentation": 0.7,
}
FULL_GZIP_TARGET = 0.05
WIDE_SEARCH = f"{ROUTES_BY_NAME['search'].path}?q=sari"


def list_route(level_key):
    return ROUTES_BY_NAME[f"{level_key}_list"]


def detail_route(level_key):
    return ROUTES_BY_NAME[f"{level_key}_detail"]


# The largest answer: the whole list of the last level.
FULL_LIST = list_route(LEVEL_KEYS[-1]).path
RIGHT_KEY = detail_route(LEVEL_KEYS[-1]).example_request
WRONG_KEY = f"{RIGHT_KEY} wrong key (401)"


@dataclass(frozen=True)
class RouteRequest:
    """A valid request of a route, from the route table."""

    path: str  # path and query
    route: Route
    answer: object = None  # its exact JSON answer; None: only its shape is known
    param: Param | None = None  # the one query parameter it sets, if any


def route_requests():
    """Every route's example request; then each example parameter alone
    (e.g. /api/kota?kode_provinsi=32), each detail example by its Kemendagri
    code, and the whole list of the first level. No path twice."""
    requests = [
        RouteRequest(route.example_request, route, route.example) for route in ROUTES
    ]
    for route in ROUTES:
        requests += [
            RouteRequest(
                f"{route.path}?{param.name}={param.example}", route, None, param
            )
            for param in route.params
            if param.example
        ]
    for route in ROUTES:
        level = LEVELS.get(route.level)
        if level and level.kemendagri_parts:
            path = route.path_for(level.example_kemendagri)
            requests.append(RouteRequest(path, route, route.example))
    first_list = list_route(LEVEL_KEYS[0])
    requests.append(RouteRequest(first_list.path, first_list))
    unique = {}
    for request in requests:
        unique.setdefault(request.path, request)
    return list(unique.values())


@dataclass(frozen=True)
class Row:
    """One measured request of the table."""

    label: str
    path: str
    target: float | None  # minimum ratio to /web/health; None: no target
    headers: dict = field(default_factory=dict)
    status: int = 200  # the status of every answer
    max_bytes: int | None = None  # of one answer on the wire


def bench_rows(key, etag):
    """The routes' requests, then the bench's own: the full list gzipped, its
    304, and a wrong key."""
    rows = [
        Row(request.path, request.path, TARGETS[request.route.kind])
        for request in route_requests()
    ]
    return rows + [
        # The widest search answer (226 kB): the published module's figure
        # (0.07x, README) is for this one.
        Row(WIDE_SEARCH, WIDE_SEARCH, TARGETS["search"]),
        Row(
            f"{FULL_LIST} (gzip)",
            FULL_LIST,
            FULL_GZIP_TARGET,
            GZIP,
            max_bytes=MAX_BYTES_FULL_GZIP,
        ),
        Row(
            f"{FULL_LIST} If-None-Match (304)",
            FULL_LIST,
            TARGETS["list"],
            {"If-None-Match": etag},
            status=304,
        ),
        # A wrong key of the right length must cost what the right key costs
        # (no timing hint about the key).
        Row(WRONG_KEY, RIGHT_KEY, None, {API_KEY_HEADER: "x" * len(key)}, status=401),
    ]


# /web/health is measured before the routes and after every HEALTH_EVERY of them.
HEALTH_EVERY = 5

UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
UNIT_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:<port>")
    parser.add_argument(
        "--key-env", default="KEY", help="environment variable holding the key"
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server-pid", type=int, help="Odoo master pid (memory check)")
    parser.add_argument("--memory-requests", type=int, default=1000)
    return parser.parse_args()


# --------------------------------------------------------------------- HTTP


class Client:
    def __init__(self, url, key):
        parsed = urllib.parse.urlsplit(url)
        if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(
                f"refusing to send traffic to {parsed.hostname}: local servers only"
            )
        self.url = url.rstrip("/")
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.key = key

    def get(self, path, headers=None, timeout=300):
        """(status, headers, raw body as sent on the wire)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(
                "GET", path, headers={API_KEY_HEADER: self.key, **(headers or {})}
            )
            response = conn.getresponse()
            body = response.read()
            return response.status, response.headers, body
        finally:
            conn.close()


def run_pool(function, count, concurrency, deadline):
    """Call function() ``count`` times from ``concurrency`` threads, until deadline."""
    lock = threading.Lock()
    state = {"left": count, "done": 0, "errors": []}

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if state["left"] <= 0:
                    return
                state["left"] -= 1
            try:
                function()
                with lock:
                    state["done"] += 1
            except Exception as error:  # reported, the run goes on
                with lock:
                    state["errors"].append(repr(error))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    return state["done"], state["errors"]


# ---------------------------------------------------------------------- wrk


def parse_seconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    return float(match[1]) * UNIT_SECONDS[match[2]] if match else None


def parse_bytes(text):
    match = re.fullmatch(r"([\d.]+)(B|KB|MB|GB|TB)", text.strip())
    return float(match[1]) * UNIT_BYTES[match[2]] if match else None


KEY_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "key_header.lua")


def run_wrk(url, headers, duration, key, pids=()):
    """One wrk run; the key travels in the environment (tools/key_header.lua).

    /web/health gets the same script and header, so that both sides of every
    ratio use the very same client settings. With ``pids`` (the HTTP workers),
    also the server CPU time per request, which other load on the machine
    disturbs much less than the throughput.
    """
    command = [
        "wrk",
        "-s",
        KEY_SCRIPT,
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    for name, value in headers.items():
        if name != API_KEY_HEADER:  # sent by the script, from the environment
            command += ["-H", f"{name}: {value}"]
    command.append(url)
    key = headers.get(API_KEY_HEADER, key)  # the wrong-key case
    ticks_before = [cpu_ticks(pid) for pid in pids]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
        env={**os.environ, "WILAYAH_API_KEY": key},
    )
    ticks_after = [cpu_ticks(pid) for pid in pids]
    out = done.stdout
    result = {
        "rps": None,
        "p50": None,
        "p99": None,
        "transfer": None,
        "non2xx": 0,
        "errors": "",
    }
    result["cpu"] = None
    match = re.search(r"(\d+) requests in", out)
    if match and pids and None not in ticks_before + ticks_after and int(match[1]):
        ticks = sum(ticks_after) - sum(ticks_before)
        result["cpu"] = ticks / os.sysconf("SC_CLK_TCK") / int(match[1])
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match:
        result["rps"] = float(match[1])
    for percent, key in (("50", "p50"), ("99", "p99")):
        match = re.search(rf"^\s+{percent}(?:\.000)?%\s+(\S+)", out, re.M)
        if match:
            result[key] = parse_seconds(match[1])
    match = re.search(r"Transfer/sec:\s+(\S+)", out)
    if match:
        result["transfer"] = parse_bytes(match[1])
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if match:
        result["non2xx"] = int(match[1])
    match = re.search(r"Socket errors:.*", out)
    if match:
        result["errors"] = match[0].strip()
    if result["rps"] is None:
        print(f"wrk failed on {url}:\n{out}\n{done.stderr}", file=sys.stderr)
    return result


# ------------------------------------------------------------------ helpers


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_bytes(count):
    if count is None:
        return "-"
    if count < 10_000:
        return f"{count} B"
    if count < 10_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1e6:.2f} MB"


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def machine_info():
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_total = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    mem_total = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        wrk_version = (wrk.stdout or wrk.stderr).split("Copyright")[0].strip()
    except OSError:
        wrk_version = "?"
    try:
        import odoo.release  # noqa: PLC0415 - optional, only for the report

        odoo_version = odoo.release.version
    except Exception:
        odoo_version = "?"
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S} UTC",
        f"- machine: {os.cpu_count()} CPU ({os.popen('nproc').read().strip()} usable), "
        f"{model}, RAM {mem_total}, load average {load}",
        f"- Python {platform.python_version()}, Odoo {odoo_version}, {wrk_version}",
    ]


def worker_pids(server_pid):
    """HTTP worker pids: children of the master, minus the gevent process."""
    done = subprocess.run(
        ["ps", "--ppid", str(server_pid), "-o", "pid="],
        capture_output=True,
        text=True,
        check=False,
    )
    pids = []
    for token in done.stdout.split():
        try:
            with open(f"/proc/{token}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
        except OSError:
            continue
        if b"gevent" in args:
            continue
        pids.append(int(token))
    return sorted(pids)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


# -------------------------------------------------------------------- steps


def warm_up(client, rows):
    """Build each worker's index and fill its answer cache for every route."""
    started = time.monotonic()
    problems = []
    for row in rows:

        def call(row=row):
            status, _headers, _body = client.get(row.path, row.headers)
            if status != row.status:
                raise RuntimeError(f"{row.label}: HTTP {status}")

        # Several concurrent requests so that both workers see every route.
        done, errors = run_pool(call, 12, 4, time.monotonic() + 300)
        problems += errors[:2]
    return time.monotonic() - started, problems


def memory_check(client, server_pid, count):
    lines = ["", f"### Worker memory (plain full {FULL_LIST}, no gzip)", ""]
    pids = worker_pids(server_pid)
    if not pids:
        return lines + [f"no HTTP worker found under pid {server_pid}: skipped"], True

    def full_list():
        status, _headers, body = client.get(FULL_LIST)
        if status != 200 or len(body) < 1_000_000:
            raise RuntimeError(f"HTTP {status}, {len(body)} bytes")

    deadline = time.monotonic() + 240
    run_pool(full_list, 10, 2, deadline)
    first = {pid: rss_kib(pid) for pid in pids}
    ticks_before = {pid: cpu_ticks(pid) for pid in pids}
    started = time.monotonic()
    done, errors = run_pool(full_list, count, 2, deadline)
    elapsed = time.monotonic() - started
    after_pids = worker_pids(server_pid)
    ok = True
    lines.append(
        f"{done} requests in {elapsed:.1f} s after the first 10 (2 concurrent); "
        f"{len(errors)} failed{': ' + errors[0] if errors else ''}"
    )
    if after_pids != pids:
        ok = False
        lines.append(f"worker pids changed during the check: {pids} -> {after_pids}")
    lines += [
        "",
        f"| worker pid | RSS after 10 | RSS after 10+{done} | ratio | CPU s used "
        "| target | ok? |",
        "|---|---|---|---|---|---|---|",
    ]
    hz = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        before, after = first.get(pid), rss_kib(pid)
        ticks = cpu_ticks(pid)
        cpu = (
            f"{(ticks - ticks_before[pid]) / hz:.1f}"
            if ticks is not None and ticks_before.get(pid) is not None
            else "-"
        )
        if before and after:
            ratio = after / before
            good = ratio < MEMORY_RATIO_MAX
            ok &= good
            lines.append(
                f"| {pid} | {before / 1024:.1f} MiB | {after / 1024:.1f} MiB "
                f"| {ratio:.2f}x | {cpu} | < {MEMORY_RATIO_MAX}x "
                f"| {'yes' if good else '**NO**'} |"
            )
        else:
            ok = False
            lines.append(
                f"| {pid} | - | - | - | {cpu} | < {MEMORY_RATIO_MAX}x | gone |"
            )
    if errors or done < count:
        ok = False
    return lines, ok


def progress(round_number, rounds, run_number, total_runs, label):
    print(
        f"  round {round_number + 1}/{rounds}, run {run_number}/{total_runs}: {label}",
        file=sys.stderr,
        flush=True,
    )


def health_runs(row_count):
    """How many times /web/health is measured in a round of ``row_count`` rows."""
    return 1 + (row_count - 1) // HEALTH_EVERY


def measure(args, key, rows, pids):
    """wrk runs: every row once per round, /web/health between them.

    Each round starts the list at another place, so that no row always
    runs in the same slot (e.g. right after /web/health).
    """
    results = {row.label: [] for row in rows}
    results[HEALTH] = []
    total_runs = args.rounds * (len(rows) + health_runs(len(rows)))
    run_number = 0
    for round_number in range(args.rounds):
        shift = round_number * len(rows) // max(args.rounds, 1)
        ordered = rows[shift:] + rows[:shift]
        for position, row in enumerate(ordered):
            if position % HEALTH_EVERY == 0:
                run_number += 1
                progress(round_number, args.rounds, run_number, total_runs, HEALTH)
                results[HEALTH].append(
                    run_wrk(args.url + HEALTH, {}, args.duration, key, pids)
                )
            run_number += 1
            progress(round_number, args.rounds, run_number, total_runs, row.label)
            results[row.label].append(
                run_wrk(args.url + row.path, row.headers, args.duration, key, pids)
            )
    return results


def route_checks(row, ratio, size, status, runs):
    """(target text, [check results], [notes]) of one row."""
    checks, notes = [], []
    target_text = "-"
    if row.target is not None:
        target_text = f">= {row.target}x"
        checks.append(ratio is not None and ratio >= row.target)
    if row.max_bytes is not None:
        target_text += f", <= {row.max_bytes / 1e6:.1f} MB"
        checks.append(size <= row.max_bytes)
    bad_answers = 0 if row.status == 401 else sum(run["non2xx"] for run in runs)
    if status != row.status or bad_answers:
        checks.append(False)
        notes.append(
            f"{row.label}: status {status} (expected {row.status}), "
            f"{bad_answers} non-2xx/3xx answers under load"
        )
    errors = {run["errors"] for run in runs if run["errors"]}
    if errors:
        notes.append(f"{row.label}: wrk {'; '.join(sorted(errors))}")
    return target_text, checks, notes


def print_table(rows, results, sizes, counts, statuses):
    """The Markdown table; returns the labels of the missed targets."""
    health_rps = median(run["rps"] for run in results[HEALTH])
    print(
        "| route | req/s | p50 | p99 | bytes | ratio to /web/health | target | ok? "
        "| server CPU/req |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    missed, notes = [], []
    for row in rows:
        label = row.label
        runs = results[label]
        rps = median(run["rps"] for run in runs)
        ratio = rps / health_rps if rps and health_rps else None
        target_text, checks, row_notes = route_checks(
            row, ratio, sizes[label], statuses[label], runs
        )
        notes += row_notes
        ok = all(checks)
        if not ok:
            missed.append(label)
        count = f" ({counts[label]} items)" if counts.get(label) else ""
        spread = ""
        if len(runs) > 1 and all(run["rps"] for run in runs):
            low = min(run["rps"] for run in runs)
            high = max(run["rps"] for run in runs)
            spread = f" ({low:.0f}-{high:.0f})"
        p50 = median(run["p50"] for run in runs)
        p99 = median(run["p99"] for run in runs)
        verdict = ("yes" if ok else "**NO**") if checks else "-"
        print(
            f"| {label}{count} | {rps or 0:.0f}{spread} | {fmt_time(p50)} "
            f"| {fmt_time(p99)} | {fmt_bytes(sizes[label])} "
            f"| {f'{ratio:.2f}x' if ratio else '-'} | {target_text} | {verdict} "
            f"| {fmt_time(median(run['cpu'] for run in runs))} |"
        )
    print()
    print(
        "req/s: median of the rounds (min-max); p50/p99: medians of wrk's latency "
        "percentiles; bytes: one answer's body on the wire (gzip where asked); "
        "server CPU/req: CPU time of both HTTP workers during the runs / requests "
        "(user+sys, 10 ms ticks), less disturbed by other load than req/s."
    )
    for note in notes:
        print(f"- {note}")
    return missed


def main():
    args = parse_args()
    key = os.environ.get(args.key_env, "")
    if not key:
        sys.exit(f"no API key in ${args.key_env}")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    client = Client(args.url, key)

    # The ETag of the full list, for the If-None-Match row.
    status, headers, _body = client.get(FULL_LIST)
    if status != 200 or not headers.get("ETag"):
        sys.exit(f"GET {FULL_LIST} answered {status} without an ETag: wrong key?")
    routes = bench_rows(key, headers["ETag"])
    rows = [Row(HEALTH, HEALTH, None), *routes]

    print("## Wilayah API benchmark")
    print()
    print("\n".join(machine_info()))
    print(
        f"- server {args.url} (--workers=2); client wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{args.duration}s, {args.rounds} rounds, medians; /web/health measured "
        f"{health_runs(len(routes))} times per round"
    )
    sys.stdout.flush()

    warm_seconds, problems = warm_up(client, rows)
    print(f"- warm-up: {warm_seconds:.1f} s" + (f" ({problems})" if problems else ""))

    # Size on the wire and item counts, one request each.
    sizes, counts, statuses = {}, {}, {}
    for row in rows:
        status, headers, body = client.get(row.path, row.headers)
        sizes[row.label], statuses[row.label] = len(body), status
        counts[row.label] = headers.get("X-Total-Count")

    pids = worker_pids(args.server_pid) if args.server_pid else []
    started = time.monotonic()
    results = measure(args, key, routes, pids)
    print(f"- measurement: {time.monotonic() - started:.0f} s")
    print()
    missed = print_table(rows, results, sizes, counts, statuses)
    right = median(run["rps"] for run in results[RIGHT_KEY])
    wrong = median(run["rps"] for run in results[WRONG_KEY])
    if right and wrong:
        print(
            f"- wrong key vs right key on {RIGHT_KEY}: {wrong:.0f} vs {right:.0f} "
            f"req/s ({wrong / right:.2f}x): a wrong key costs what a right one costs."
        )

    memory_ok = True
    if args.server_pid:
        lines, memory_ok = memory_check(client, args.server_pid, args.memory_requests)
        print("\n".join(lines))
    else:
        print("\n(memory check skipped: no --server-pid / SERVER_PID)")
    print()
    if missed or not memory_ok:
        what = missed + ([] if memory_ok else ["worker memory"])
        print(f"RESULT: {len(what)} target(s) missed: {', '.join(what)}")
    else:
        print("RESULT: every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
