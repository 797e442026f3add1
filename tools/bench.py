#!/usr/bin/python3
"""Benchmark of the Wilayah API routes against Odoo's /web/health (stdlib and
the repository's ``wilayah`` package only).

Run by scripts/bench.sh (``make bench``), which starts the server. On the
fresh server, first: a few plain Odoo requests (GET /web/login) until both
HTTP workers have served one, and each worker's RSS then (a bare Odoo worker);
then the first /api/alamat requests, one at a time, until each worker has
answered one: each worker's first is timed (it builds the worker's index and
its address search engine).

The requests come from the route table (wilayah/routes.py, see
route_requests), plus the widest search, a stream of distinct /api/alamat
queries (see QueryStream), the full list gzipped, its 304, a wrong key, and
(with --db) the same request with two client keys, one rate-limited (the
limit never reached), each measured right after the legacy key's.
Each is measured ``--rounds`` times with ``wrk -t2 -c4 -d<duration>s
--latency``; /web/health is measured several times in every round, between the
routes, and every ratio is median(route req/s) / median(/web/health req/s) of
this run, both through the same wrk script.
Then three memory checks: RSS of each HTTP worker after 10 and after 1,010
plain full-list requests; before, halfway through and after 5,000 distinct
requests a worker of the longest text a parameter takes (long_text_check);
and each worker's RSS after the whole bench against its bare RSS.
Benchmarks are not tests: the exit status is 0 even when a target is missed
(the table says so); only a broken run exits non-zero.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

# The repository root: its plain `wilayah` package, without Odoo.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import bench_dropdown  # noqa: E402
import bench_geo  # noqa: E402

from wilayah.clients import (  # noqa: E402
    NEW_KEY_CONTEXT,
    ApiClient,
    ClientTable,
    key_digest,
)
from wilayah.index import TEXT_CACHE_BYTES  # noqa: E402
from wilayah.levels import LEVEL_KEYS, LEVELS  # noqa: E402
from wilayah.params import MAX_TEXT_LENGTH, Param, longest_text  # noqa: E402
from wilayah.routes import ROUTES, ROUTES_BY_NAME, Route  # noqa: E402
from wilayah.search import normalize_query  # noqa: E402
from wilayah.settings import API_KEY_HEADER  # noqa: E402

THREADS = 2
CONNECTIONS = 4
MAX_BYTES_FULL_GZIP = 1_500_000
MEMORY_RATIO_MAX = 1.5
# A worker after the whole bench against the same worker when it had served
# only plain Odoo requests: at most this much more.
MEMORY_OVER_BARE_MAX_MIB = 150
# The first /api/alamat request of a worker (it builds the index and the
# address search engine): at most this long.
FIRST_REQUEST_MAX_SECONDS = 2.0
# Distinct texts of the longest length, sent to every free-text parameter,
# this many per worker: a worker grows by at most its text cache's bound
# (TEXT_CACHE_BYTES) and as much again for the allocator's slack.
LONG_TEXT_REQUESTS = 5000
LONG_TEXT_GROWTH_MAX_MIB = 2 * TEXT_CACHE_BYTES / 2**20

HEALTH = "/web/health"
GZIP = {"Accept-Encoding": "gzip"}
# Minimum ratio to /web/health, by kind of route (Route.kind): every answer is
# a look-up in a cache; a search answer and the OpenAPI document are larger.
TARGETS = {
    "detail": 0.8,
    "list": 0.8,
    "kodepos": 0.8,
    "search": 0.7,
    "alamat": 0.7,
    # a query in PostgreSQL for every request (a point's answer is not kept)
    "lokasi": 0.7,
    # a boundary, read from PostgreSQL once and kept (gzipped when large)
    "geojson": 0.7,
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
# The same request with client keys, against the legacy key's (RIGHT_KEY):
# one without a rate limit, one with a limit it never reaches (the shared
# counter file is updated on every request).
CLIENT_KEY = f"{RIGHT_KEY} client key"
LIMITED_KEY = f"{RIGHT_KEY} rate-limited client key"
BENCH_CLIENTS = {CLIENT_KEY: 0, LIMITED_KEY: 1_000_000_000}
CLIENT_KEY_TARGET = 0.9  # the bound, against the legacy key
CLIENT_MODEL = "wilayah.api.client"
# models/wilayah_api_client.py logs each build of a worker's key table
KEYS_LOADED = re.compile(r"Wilayah API keys loaded: .*")


@dataclass(frozen=True)
class RouteRequest:
    """A valid request of a route, from the route table."""

    path: str  # path and query
    route: Route
    answer: object = None  # its exact JSON answer; None: only its shape is known
    param: Param | None = None  # the one query parameter it sets, if any


def query_pair(param, value=None):
    """``name=value`` of a query string, the value URL-encoded (the
    parameter's example by default)."""
    value = param.example if value is None else value
    return f"{param.name}={urllib.parse.quote(value, safe=',')}"


def exact_example(route):
    """The route's example when it is its example request's exact answer
    (not a shortened one)."""
    return route.example if route.example_exact else None


def route_requests():
    """Every route's example request; then each example parameter alone
    (e.g. /api/kota?kode_provinsi=32; with the route's required parameters,
    e.g. /api/alamat?q=...&level=kelurahan), each detail example by its
    Kemendagri code, and the whole list of the first level. No path twice."""
    requests = [
        RouteRequest(route.example_request, route, exact_example(route))
        for route in ROUTES
    ]
    for route in ROUTES:
        required = [param for param in route.params if param.required]
        for param in route.params:
            if not param.example:
                continue
            pairs = [other for other in required if other is not param] + [param]
            query = "&".join(query_pair(each) for each in pairs)
            requests.append(RouteRequest(f"{route.path}?{query}", route, None, param))
    for route in ROUTES:
        level = LEVELS.get(route.level)
        if level and level.kemendagri_parts:
            path = route.path_for(level.example_kemendagri)
            requests.append(RouteRequest(path, route, exact_example(route)))
    first_list = list_route(LEVEL_KEYS[0])
    requests.append(RouteRequest(first_list.path, first_list))
    unique = {}
    for request in requests:
        unique.setdefault(request.path, request)
    return list(unique.values())


class QueryStream:
    """A file of query strings for tools/query_stream.lua, one a line ("" for
    none: the URL's path as it is), and where the next wrk run starts in it.

    Within a run, thread i of n sends lines start+i, start+i+n...; the script
    prints the next line no thread has sent, where the next run starts: no
    line is sent twice in the whole bench unless the file runs out
    (``wrapped``).
    """

    def __init__(self, path, lines, what=""):
        self.path = path
        self.what = what  # what its lines are, for the notes under the table
        self.count = len(lines)
        with open(path, "w", encoding="ascii") as out:
            out.write("".join(f"{line}\n" for line in lines))
        self.start = 0  # the next line to send
        self.runs = 0
        self.wrapped = False

    def advance(self, next_line, wrapped):
        self.runs += 1
        self.start = next_line
        self.wrapped |= wrapped


ALAMAT = ROUTES_BY_NAME["alamat"]
ALAMAT_QUERY = next(param for param in ALAMAT.params if param.required)
STREAM_SEED = 20261127
STREAM_SAMPLES = 20


def alamat_path(query, *pairs):
    return "&".join([f"{ALAMAT.path}?{query_pair(ALAMAT_QUERY, query)}", *pairs])


def alamat_queries(client):
    """Distinct address queries, "<village> <its kecamatan>" from the server's
    own full lists of the last two levels, distinct once normalised (as the
    answer cache keys them: search.normalize_query), shuffled with a fixed
    seed."""
    village_level, parent_level = LEVELS[LEVEL_KEYS[-1]], LEVELS[LEVEL_KEYS[-2]]
    lists = {}
    for level in (village_level, parent_level):
        path = list_route(level.key).path
        status, _headers, body = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        lists[level.key] = json.loads(body)
    parent_names = {item["code"]: item["name"] for item in lists[parent_level.key]}
    queries, seen = [], set()
    for item in lists[village_level.key]:
        parent = parent_names.get(item[parent_level.code_key], "")
        query = f"{item['name']} {parent}".strip().lower()
        normalized = normalize_query(query)
        if len(normalized) >= ALAMAT_QUERY.min_length and normalized not in seen:
            seen.add(normalized)
            queries.append(query)
    random.Random(STREAM_SEED).shuffle(queries)
    return queries


@dataclass(frozen=True)
class Row:
    """One measured request of the table."""

    label: str
    path: str
    target: float | None  # minimum ratio to /web/health; None: no target
    headers: dict = field(default_factory=dict)
    status: int = 200  # the status of every answer
    max_bytes: int | None = None  # of one answer on the wire
    # Through tools/query_stream.lua, a query string of the stream for every
    # request (the URL is ``path`` without its query); None: through
    # tools/key_header.lua, ``path`` every time.
    stream: QueryStream | None = None
    # The row whose req/s the ratio is taken against (measured right before
    # this one in every round).
    baseline: str = HEALTH


# The stream row's /web/health: through the same script (a request() call
# per request), from a file of one empty line (the URL's path as it is).
HEALTH_STREAM = "/web/health (via tools/query_stream.lua)"
ALAMAT_STREAM = f"{ALAMAT.path}, a stream of distinct queries " "(no answer-cache hits)"
LOKASI = ROUTES_BY_NAME["lokasi"]
LOKASI_STREAM = f"{LOKASI.path}, a stream of distinct points (a village each)"


def bench_rows(key, etag, stream, health_stream, sample_path, points, client_keys):
    """The routes' requests (the legacy key's followed by the client keys'),
    then the bench's own: the widest search, the streams of distinct address
    queries and of distinct points (after their /web/health), the full list
    gzipped, its 304, and a wrong key."""
    rows = []
    for request in route_requests():
        rows.append(Row(request.path, request.path, TARGETS[request.route.kind]))
        if request.path == RIGHT_KEY:
            rows += [
                Row(
                    label,
                    RIGHT_KEY,
                    CLIENT_KEY_TARGET,
                    {API_KEY_HEADER: client_key},
                    baseline=RIGHT_KEY,
                )
                for label, client_key in client_keys.items()
            ]
    return rows + [
        # The widest search answer (226 kB): the published module's figure
        # (0.07x, README) is for this one.
        Row(WIDE_SEARCH, WIDE_SEARCH, TARGETS["search"]),
        Row(HEALTH_STREAM, HEALTH, None, stream=health_stream),
        Row(
            ALAMAT_STREAM,
            sample_path,
            TARGETS["alamat"],
            stream=stream,
            baseline=HEALTH_STREAM,
        ),
        Row(
            LOKASI_STREAM,
            LOKASI.example_request,
            TARGETS["lokasi"],
            stream=points,
            baseline=HEALTH_STREAM,
        ),
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
    parser.add_argument(
        "--server-log",
        help="Odoo's log file (tells which worker answered which request)",
    )
    parser.add_argument("--memory-requests", type=int, default=1000)
    parser.add_argument(
        "--long-text-requests",
        type=int,
        default=LONG_TEXT_REQUESTS,
        help="distinct long-text requests per worker (memory check)",
    )
    parser.add_argument(
        "--db", help="the server's database (the dropdown bench logs in to it)"
    )
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

    def get(self, path, headers=None, timeout=300, key=True):
        """(status, headers, raw body as sent on the wire); ``key``: send the
        API key."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            sent = {API_KEY_HEADER: self.key} if key else {}
            conn.request("GET", path, headers={**sent, **(headers or {})})
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


TOOLS = os.path.dirname(os.path.abspath(__file__))
KEY_SCRIPT = os.path.join(TOOLS, "key_header.lua")
STREAM_SCRIPT = os.path.join(TOOLS, "query_stream.lua")


def client_seconds():
    """CPU time (user+sys) of this process's finished children: wrk's."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(url, headers, duration, key, pids=(), stream=None):
    """One wrk run; the key travels in the environment (tools/key_header.lua).

    /web/health gets the same script and header, so that both sides of every
    ratio use the very same client settings. With ``stream`` (a QueryStream),
    through tools/query_stream.lua instead: each request a new line of the
    stream's file, from ``stream.start`` on; its request() function runs for
    every request (key_header.lua leaves wrk its static request), so the
    stream row is compared with /web/health through the same script. With
    ``pids`` (the HTTP workers), also the server CPU time per request, which
    other load on the machine disturbs much less than the throughput.
    """
    command = [
        "wrk",
        "-s",
        STREAM_SCRIPT if stream else KEY_SCRIPT,
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
    env = {**os.environ, "WILAYAH_API_KEY": key}
    if stream:
        env["WILAYAH_STREAM_FILE"] = stream.path
        env["WILAYAH_STREAM_START"] = str(stream.start)
    ticks_before = [cpu_ticks(pid) for pid in pids]
    client_before = client_seconds()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
        env=env,
    )
    client_used = client_seconds() - client_before
    ticks_after = [cpu_ticks(pid) for pid in pids]
    out = done.stdout
    result = {
        "rps": None,
        "p50": None,
        "p99": None,
        "transfer": None,
        "non2xx": 0,
        "errors": "",
        "requests": None,
        "client_cpu": None,  # wrk's own CPU time per request
    }
    result["cpu"] = None
    match = re.search(r"(\d+) requests in", out)
    if match:
        result["requests"] = int(match[1])
        result["client_cpu"] = client_used / int(match[1]) if int(match[1]) else None
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
    if stream:
        match = re.search(r"^STREAM next=(\d+) wrapped=([01])$", out, re.M)
        if match:
            stream.advance(int(match[1]), match[2] == "1")
        else:
            result["rps"] = None  # the stream's offsets are lost: a broken run
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


class ServerLog:
    """Odoo's log file: werkzeug logs every request with the pid of the worker
    that answered it."""

    REQUEST = re.compile(
        r'^\S+ \S+ (\d+) \w+ \S+ werkzeug: .*?"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3}) ',
        re.M,
    )

    def __init__(self, path):
        self.path = path

    def size(self):
        try:
            return os.path.getsize(self.path) if self.path else 0
        except OSError:
            return 0

    def requests(self, offset):
        """[(worker pid, path, status)] logged since ``offset``."""
        if not self.path:
            return []
        try:
            with open(self.path, encoding="utf-8", errors="replace") as log:
                log.seek(offset)
                text = log.read()
        except OSError:
            return []
        return [
            (int(match[1]), match[3], int(match[4]))
            for match in self.REQUEST.finditer(text)
        ]

    def last_match(self, pattern):
        """The last text of the log that ``pattern`` matches, or None."""
        try:
            with open(self.path, encoding="utf-8", errors="replace") as log:
                matches = pattern.findall(log.read())
        except OSError:
            return None
        return matches[-1].strip() if matches else None

    def pids_of(self, offset, paths, wait=3.0):
        """{path: pid} of these requests, once logged (a worker logs a
        request after answering it)."""
        deadline = time.monotonic() + wait
        while True:
            found = {path: pid for pid, path, _status in self.requests(offset)}
            found = {path: found[path] for path in paths if path in found}
            if len(found) == len(paths) or time.monotonic() > deadline:
                return found
            time.sleep(0.1)


# -------------------------------------------------------------------- steps

BARE_PATH = "/web/login"


def bare_workers(client, pids, log):
    """Plain Odoo requests (GET /web/login, no key) until every HTTP worker
    has served one, before any /api request; returns ({pid: RSS KiB then},
    a note). Which worker answered: from the server log, else from the
    workers' CPU time (a first /web/login renders the page: tenths of a
    second)."""
    ticks_before = {pid: cpu_ticks(pid) for pid in pids}
    offset = log.size()
    served = set()
    batches = 0

    def call():
        status, _headers, _body = client.get(BARE_PATH, key=False)
        if status != 200:
            raise RuntimeError(f"GET {BARE_PATH}: HTTP {status}")

    while batches < 10 and not set(pids) <= served:
        batches += 1
        _done, errors = run_pool(call, 4, 4, time.monotonic() + 120)
        if errors:
            return {}, f"GET {BARE_PATH} failed: {errors[0]}"
        if log.path:
            served = {
                pid
                for pid, path, _status in log.requests(offset)
                if path.startswith(BARE_PATH)
            }
        else:
            served = {
                pid
                for pid in pids
                if None not in (cpu_ticks(pid), ticks_before[pid])
                and cpu_ticks(pid) - ticks_before[pid] >= 5
            }
    how = "server log" if log.path else "CPU time"
    missing = sorted(set(pids) - served)
    note = (
        f"{batches * 4} GET {BARE_PATH} (4 at a time); every worker served one "
        f"({how})"
        if not missing
        else f"{batches * 4} GET {BARE_PATH}; workers {missing} served none ({how})"
    )
    return {pid: rss_kib(pid) for pid in pids}, note


def first_requests(client, pids, log):
    """The first /api/alamat requests of the fresh server: a worker's first
    answer builds its index and its search engine. Distinct requests (the
    example query, each with another limit), one at a time, until every
    worker has answered one (the server log tells which worker answered):
    each worker's first is timed with no other request in flight. Without
    the log, two requests at once, and the slower. Returns Markdown lines
    and whether every first answer came within the target."""
    limit = next(param for param in ALAMAT.params if param.kind == "count")
    paths = [
        alamat_path(ALAMAT_QUERY.example, f"{limit.name}={number}")
        for number in range(1, min(40, limit.maximum or 40) + 1)
    ]
    timings = []  # (start, seconds, status, path)
    lock = threading.Lock()

    def one(path):
        started = time.monotonic()
        try:
            status, _headers, _body = client.get(path)
        except OSError as error:
            status = repr(error)
        with lock:
            timings.append((started, time.monotonic() - started, status, path))

    firsts = {}  # worker pid -> its first timing
    if log.path and pids:
        offset = log.size()
        for path in paths:
            one(path)
            pid = log.pids_of(offset, [path]).get(path)
            if pid is not None:
                firsts.setdefault(pid, timings[-1])
            if set(pids) <= set(firsts):
                break
        entries = [(pid, firsts[pid]) for pid in sorted(firsts)]
        how = "one at a time; the server log tells the workers apart"
    else:
        threads = [threading.Thread(target=one, args=(path,)) for path in paths[:2]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        entries = [("?", timing) for timing in sorted(timings)]
        how = "two at once (workers not told apart: no server log)"
    lines = [
        f"{len(timings)} requests ({how}).",
        "",
        "| worker pid | first /api/alamat request | status | time | target | ok? |",
        "|---|---|---|---|---|---|",
    ]
    ok = bool(entries)
    for pid, (_started, seconds, status, path) in entries:
        good = status == 200 and seconds <= FIRST_REQUEST_MAX_SECONDS
        ok &= good
        lines.append(
            f"| {pid} | {path} | {status} | {seconds:.2f} s "
            f"| <= {FIRST_REQUEST_MAX_SECONDS:.0f} s | {'yes' if good else '**NO**'} |"
        )
    missing = sorted(set(pids) - set(firsts)) if log.path else []
    if missing:
        ok = False
        lines.append(f"- workers {missing} answered none of them")
    return lines, ok


def long_text_paths(count):
    """``count`` distinct requests, each a text of the longest length a
    request may send (params.longest_text), to the free-text parameters of
    the route table in turn."""
    targets = [
        (route, param)
        for route in ROUTES
        if not route.public
        for param in route.params
        if param.free_text
    ]
    paths = []
    for number in range(count):
        route, param = targets[number % len(targets)]
        query = urllib.parse.urlencode({param.name: longest_text(number)})
        paths.append(f"{route.path}?{query}")
    return paths, sorted({f"{route.path}?{param.name}=" for route, param in targets})


def long_text_check(client, server_pid, per_worker):
    """Each worker's RSS before, halfway through and after ``per_worker``
    distinct long-text requests a worker (2 concurrent; the workers share
    them about evenly): the text cache counts its keys, so a worker stops
    growing at its bound."""
    pids = worker_pids(server_pid)
    count = per_worker * max(len(pids), 1)
    lines = [
        "",
        f"### Worker memory under {count:,} distinct long-text requests",
        "",
    ]
    if not pids:
        return lines + [f"no HTTP worker found under pid {server_pid}: skipped"], True
    paths, targets = long_text_paths(count)
    lines.append(
        f"{per_worker:,} a worker, each a distinct text of {MAX_TEXT_LENGTH} "
        f"characters (4 bytes each in Python), to {', '.join(targets)} in turn; "
        "the texts are the keys of the answers, kept in each worker's text "
        f"cache (at most {TEXT_CACHE_BYTES / 2**20:.0f} MiB, keys included)."
    )
    rss = [{pid: rss_kib(pid) for pid in pids}]
    failures = []
    started = time.monotonic()
    for half in (paths[: count // 2], paths[count // 2 :]):
        queue = iter(half)
        lock = threading.Lock()

        def call(queue=queue, lock=lock):
            with lock:
                path = next(queue)
            status, _headers, _body = client.get(path)
            if status != 200:
                raise RuntimeError(f"{path[:60]}...: HTTP {status}")

        _done, errors = run_pool(call, len(half), 2, time.monotonic() + 600)
        failures += errors
        rss.append({pid: rss_kib(pid) for pid in pids})
    elapsed = time.monotonic() - started
    lines += [
        f"{count:,} requests in {elapsed:.1f} s; {len(failures)} failed"
        f"{': ' + failures[0] if failures else ''}",
        "",
        f"| worker pid | RSS before | after {count // 2:,} | after {count:,} "
        "| growth | target | ok? |",
        "|---|---|---|---|---|---|---|",
    ]
    ok = not failures and worker_pids(server_pid) == pids
    for pid in pids:
        row, good = growth_row(
            pid, [sample.get(pid) for sample in rss], LONG_TEXT_GROWTH_MAX_MIB
        )
        lines.append(row)
        ok &= good
    return lines, ok


def growth_row(pid, samples, max_mib):
    """A worker's table row: its RSS ``samples`` (KiB; None once it is gone),
    then its growth from the first to the last against ``max_mib``; returns
    (row, whether the growth is within it)."""
    target = f"<= +{max_mib:.0f} MiB"
    if not all(samples):
        return (
            f"| {pid} | {' | '.join('-' * len(samples))} | - | {target} | gone |",
            False,
        )
    growth = (samples[-1] - samples[0]) / 1024
    good = growth <= max_mib
    sizes = " | ".join(f"{sample / 1024:.1f} MiB" for sample in samples)
    mark = "yes" if good else "**NO**"
    return f"| {pid} | {sizes} | {growth:+.1f} MiB | {target} | {mark} |", good


def memory_vs_bare(bare, server_pid, bare_note):
    """Each worker's RSS now (after the whole bench) against its bare RSS."""
    lines = [
        "",
        "### Worker memory after the bench, against a bare Odoo worker",
        "",
        f"Bare: the same worker after it had served only plain Odoo requests "
        f"({bare_note}), before any /api request.",
        "",
        "| worker pid | RSS bare | RSS after the bench | delta | target | ok? |",
        "|---|---|---|---|---|---|",
    ]
    ok = bool(bare)
    now = worker_pids(server_pid)
    for pid, before in sorted(bare.items()):
        after = rss_kib(pid) if pid in now else None
        row, good = growth_row(pid, [before, after], MEMORY_OVER_BARE_MAX_MIB)
        lines.append(row)
        ok &= good
    if sorted(bare) != now:
        lines.append(f"- worker pids changed: {sorted(bare)} -> {now}")
    return lines, ok


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


def measure_units(rows):
    """The rows in groups measured one after the other: a row with its
    baseline row (the one before it, or before others of that baseline),
    the others alone."""
    units = []
    for row in rows:
        if units and row.baseline in {other.label for other in units[-1]}:
            units[-1].append(row)
        else:
            units.append([row])
    return units


def health_runs(unit_count):
    """How many times /web/health is measured in a round of ``unit_count``
    units (measure_units)."""
    return 1 + (unit_count - 1) // HEALTH_EVERY


def measure(args, key, rows, pids):
    """wrk runs: every row once per round, /web/health between them.

    Each round starts the list at another place, so that no row always
    runs in the same slot (e.g. right after /web/health); a row and its
    baseline row stay together.
    """
    results = {row.label: [] for row in rows}
    results[HEALTH] = []
    units = measure_units(rows)
    total_runs = args.rounds * (len(rows) + health_runs(len(units)))
    run_number = 0
    for round_number in range(args.rounds):
        shift = round_number * len(units) // max(args.rounds, 1)
        ordered = units[shift:] + units[:shift]
        for position, unit in enumerate(ordered):
            if position % HEALTH_EVERY == 0:
                run_number += 1
                progress(round_number, args.rounds, run_number, total_runs, HEALTH)
                results[HEALTH].append(
                    run_wrk(args.url + HEALTH, {}, args.duration, key, pids)
                )
            for row in unit:
                run_number += 1
                progress(round_number, args.rounds, run_number, total_runs, row.label)
                path = row.path.split("?")[0] if row.stream else row.path
                results[row.label].append(
                    run_wrk(
                        args.url + path,
                        row.headers,
                        args.duration,
                        key,
                        pids,
                        row.stream,
                    )
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
    medians = {
        label: median(run["rps"] for run in runs) for label, runs in results.items()
    }
    print(
        "| route | req/s | p50 | p99 | bytes | ratio to /web/health | target | ok? "
        "| server CPU/req |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    missed, notes = [], []
    for row in rows:
        label = row.label
        runs = results[label]
        rps = medians[label]
        baseline_rps = medians.get(row.baseline)
        ratio = rps / baseline_rps if rps and baseline_rps else None
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


def stream_notes(rows, results):
    """What the stream row sent, and what its script costs wrk's client."""
    lines = []
    for row in rows:
        if not row.stream or row.baseline == HEALTH:
            continue
        stream = row.stream
        runs = results[row.label]
        sent = sum(run["requests"] or 0 for run in runs)
        repeat = (
            "**the file ran out: queries repeated, some answers came from the "
            "cache**"
            if stream.wrapped
            else "no query twice in the whole bench, so no answer came from the "
            "answer cache"
        )
        lines.append(
            f"- {row.label}: {sent} requests in {stream.runs} runs, each with "
            f"its own query (lines 1-{stream.start} of {stream.count} distinct "
            f"{stream.what}, shuffled): {repeat}; its ratio is to {row.baseline}."
        )
        plain = median(run["rps"] for run in results[HEALTH])
        scripted = median(run["rps"] for run in results[row.baseline])
        client = {
            label: median(run["client_cpu"] for run in results[label])
            for label in (HEALTH, row.baseline, row.label)
        }
        rps = median(run["rps"] for run in runs)
        if plain and scripted and rps:
            lines.append(
                f"- {row.baseline}: {scripted:.0f} req/s, {plain:.0f} through "
                f"tools/key_header.lua in the same rounds ({scripted / plain:.2f}x); "
                f"against the latter the stream row would be {rps / plain:.2f}x."
            )
        if None not in client.values():
            lines.append(
                "- wrk's own CPU time per request (the client's cost of the "
                "script): "
                + ", ".join(
                    f"{label} {seconds * 1e6:.0f} µs"
                    for label, seconds in client.items()
                )
                + "; the server CPU per request is in the table."
            )
    return lines


def main():
    args = parse_args()
    key = os.environ.get(args.key_env, "")
    if not key:
        sys.exit(f"no API key in ${args.key_env}")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    client = Client(args.url, key)
    log = ServerLog(args.server_log)
    pids = worker_pids(args.server_pid) if args.server_pid else []

    print("## Wilayah API benchmark")
    print()
    print("\n".join(machine_info()))
    sys.stdout.flush()

    # On the fresh server, before any /api request: bare workers, then the
    # first address searches.
    bare, bare_note = {}, "no --server-pid: skipped"
    if pids:
        bare, bare_note = bare_workers(client, pids, log)
    print(f"- bare workers: {bare_note}")
    first_lines, first_ok = first_requests(client, pids, log)
    # Client keys (a new client drops each worker's index: the warm-up
    # rebuilds it before any measurement).
    client_keys = {}
    if args.db:
        try:
            client_keys = bench_client_keys(args.url, args.db)
        except (OSError, RuntimeError, ValueError) as error:
            print(f"- client keys skipped: {error}")

    # The ETag of the full list, for the If-None-Match row.
    status, headers, _body = client.get(FULL_LIST)
    if status != 200 or not headers.get("ETag"):
        sys.exit(f"GET {FULL_LIST} answered {status} without an ETag: wrong key?")
    etag = headers["ETag"]
    workdir = tempfile.mkdtemp(prefix="wilayah-bench-")
    try:
        queries = alamat_queries(client)
        stream = QueryStream(
            os.path.join(workdir, "alamat-queries.txt"),
            [query_pair(ALAMAT_QUERY, query) for query in queries[STREAM_SAMPLES:]],
            'queries, "<village> <kecamatan>" from the server\'s own lists',
        )
        health_stream = QueryStream(os.path.join(workdir, "health.txt"), [""])
        points = QueryStream(
            os.path.join(workdir, "lokasi-points.txt"),
            bench_geo.lokasi_lines(*LOKASI.params[:2]),
            "points, one inside each village's unsimplified shape "
            "(tests/shape_probes.csv.gz)",
        )
        routes = bench_rows(
            key,
            etag,
            stream,
            health_stream,
            alamat_path(queries[0]),
            points,
            client_keys,
        )
        rows = [Row(HEALTH, HEALTH, None), *routes]
        missed = bench(args, client, key, rows, pids)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(
        "### First request: each worker's first /api/alamat answer on the "
        "fresh server (it builds the worker's index and search engine)"
    )
    print()
    print("\n".join(first_lines))
    memory_ok = long_text_ok = True
    if args.server_pid:
        lines, memory_ok = memory_check(client, args.server_pid, args.memory_requests)
        print("\n".join(lines))
        lines, long_text_ok = long_text_check(
            client, args.server_pid, args.long_text_requests
        )
        print("\n".join(lines))
    else:
        print("\n(memory checks skipped: no --server-pid / SERVER_PID)")
    bare_ok = True
    if pids:
        lines, bare_ok = memory_vs_bare(bare, args.server_pid, bare_note)
        print("\n".join(lines))
    print("\n".join(client_table_lines(log)))
    print()
    print("### Dropdowns of Odoo's address forms (tools/bench_dropdown.py)")
    print()
    dropdown_ok = True
    if args.db:
        lines, dropdown_ok = bench_dropdown.report(
            args.url, args.db, key, args.server_log
        )
        print("\n".join(lines))
    else:
        print("(skipped: no --db)")
    print()
    print("### Point lookup in PostgreSQL (tools/bench_geo.py)")
    print()
    geo_ok = True
    if args.db:
        lines, geo_ok = bench_geo.report(args.db)
        print("\n".join(lines))
    else:
        print("(skipped: no --db)")
    print()
    what = missed + ([] if memory_ok else ["worker memory (full lists)"])
    what += [] if long_text_ok else ["worker memory (long texts)"]
    what += [] if geo_ok else ["point lookup in PostgreSQL"]
    what += [] if dropdown_ok else ["dropdown search time"]
    what += [] if first_ok else ["first request"]
    what += [] if bare_ok else ["worker memory against a bare worker"]
    if what:
        print(f"RESULT: {len(what)} target(s) missed: {', '.join(what)}")
    else:
        print("RESULT: every target met")
    return 0


def bench(args, client, key, rows, pids):
    """Warm-up, sizes, the wrk rounds and their table; returns the missed
    rows' labels."""
    routes = rows[1:]
    print(
        f"- server {args.url} (--workers=2); client wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{args.duration}s, {args.rounds} rounds, medians; /web/health measured "
        f"{health_runs(len(measure_units(routes)))} times per round"
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

    started = time.monotonic()
    results = measure(args, key, routes, pids)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"- measurement: {time.monotonic() - started:.0f} s; load average then {load}"
    )
    after = worker_pids(args.server_pid) if args.server_pid else []
    if after != pids:
        print(f"- **worker pids changed during the measurement: {pids} -> {after}**")
    print()
    missed = print_table(rows, results, sizes, counts, statuses)
    for line in stream_notes(rows, results):
        print(line)
    right = median(run["rps"] for run in results[RIGHT_KEY])
    wrong = median(run["rps"] for run in results[WRONG_KEY])
    if right and wrong:
        print(
            f"- wrong key vs right key on {RIGHT_KEY}: {wrong:.0f} vs {right:.0f} "
            f"req/s ({wrong / right:.2f}x): a wrong key costs what a right one costs."
        )
    for label in BENCH_CLIENTS:
        client_rps = median(run["rps"] for run in results.get(label, []))
        if right and client_rps:
            print(
                f"- {label} vs the legacy key: {client_rps:.0f} vs {right:.0f} req/s "
                f"({client_rps / right:.2f}x, target {CLIENT_KEY_TARGET}x), each "
                "measured right after the legacy key in every round."
            )
    return missed


def bench_client_keys(url, db):
    """A fresh key for each bench client of BENCH_CLIENTS (created once, as
    admin/admin over JSON-RPC, the way the client form's button does it)."""
    session = bench_dropdown.Session(url)
    session.rpc(
        "/web/session/authenticate", {"db": db, "login": "admin", "password": "admin"}
    )
    keys = {}
    for label, rate_limit in BENCH_CLIENTS.items():
        name = f"make bench: {label}"
        ids = session.call_kw(
            CLIENT_MODEL, "search", [[("name", "=", name)]], {"limit": 1}
        )
        if not ids:
            ids = [
                session.call_kw(
                    CLIENT_MODEL,
                    "create",
                    [{"name": name, "rate_limit": rate_limit}],
                    {},
                )
            ]
        action = session.call_kw(CLIENT_MODEL, "action_generate_key", [ids], {})
        keys[label] = action["context"][NEW_KEY_CONTEXT]
    return keys


def client_table_lines(log):
    """What the key check keeps in a worker: the server's own log line of the
    last build, and a table of 1,000 clients built here."""
    lines = ["", "### API keys in a worker's memory (models/wilayah_api_client.py)", ""]
    built = log.last_match(KEYS_LOADED) if log.path else None
    lines.append(
        f"- this server, last build: {built}" if built else "- this server: no log"
    )
    started = time.perf_counter()
    table = ClientTable(
        ApiClient(
            id=number,
            name=f"Client app {number}",
            active=True,
            expires=None,
            rate_limit=600,
            origins=frozenset({f"https://app{number}.example.com"}),
            digest=key_digest(f"key {number}"),
        )
        for number in range(1000)
    )
    seconds = time.perf_counter() - started
    lines.append(
        f"- 1,000 clients (each with an origin): built in {seconds * 1000:.1f} ms, "
        f"{table.memory_bytes() / 1024:.0f} KiB, keys included; usage counts: one "
        "entry per client that called (two numbers each)"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
