"""Client keys: one per app, hashed, revocable, rate-limited and counted.

The records live in ``wilayah.api.client`` (``models/wilayah_api_client.py``);
this module holds what a worker does with them on every request: the table
the key is looked up in, the rate limit shared by the workers of a machine,
the usage counted in memory, and the access log's client name.
"""

import hashlib
import hmac
import json
import logging
import os
import re
import struct
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import unquote_plus

try:
    import fcntl
except ImportError:  # not POSIX (Windows): each worker counts alone
    fcntl = None

# Client keys are 256 random bits (``settings.new_api_key``): nobody can guess
# one or try a dictionary, so a fast hash is enough to keep the stored value
# useless to a reader of the database. A slow password hash (bcrypt, PBKDF2)
# only helps low-entropy human passwords, and would cost milliseconds a request.
HASH = hashlib.sha256
# Shown to admins to tell the keys apart ("Key Starts With"); 36 of 256 bits.
KEY_PREFIX_LENGTH = 6
RATE_WINDOW_SECONDS = 60
USAGE_FLUSH_SECONDS = 60
LEGACY = "legacy"  # the caller of the published module's single key
# The context keys that carry a new key, and its client, to the dialog that
# shows it once (models/wilayah_api_client.py; tools/bench.py reads it).
NEW_KEY_CONTEXT = "wilayah_api_new_key"
NEW_KEY_CLIENT_CONTEXT = "wilayah_api_new_key_client"


def key_digest(key):
    """The stored form of a key (bytes or ASCII text): its SHA-256, hex."""
    if isinstance(key, str):
        key = key.encode()
    return HASH(key).hexdigest()


def utc_today(now):
    return datetime.fromtimestamp(now, UTC).date()


@dataclass(frozen=True)
class ApiClient:
    """What a worker knows of a client: no key, only its digest."""

    id: int
    name: str
    active: bool
    expires: date | None  # the key stops working on this day (UTC)
    rate_limit: int  # requests a minute; 0 for none
    origins: frozenset | None  # browser origins for its key; None: the global list
    digest: str

    def expired_on(self, today):
        return self.expires is not None and today >= self.expires

    def usable_on(self, today):
        return self.active and not self.expired_on(today)

    @property
    def tag(self):
        """Ties a rate-limit slot to this key: a new key starts afresh."""
        return bytes.fromhex(self.digest[:16])

    @property
    def log_name(self):
        # JSON-quoted: a name cannot forge a log line
        return f"#{self.id} {json.dumps(self.name, ensure_ascii=False)}"


class ClientTable:
    """The clients of one database, by key digest (archived ones included,
    so that their key gets "revoked" rather than "invalid")."""

    def __init__(self, clients):
        self._by_digest = {client.digest: client for client in clients}

    def __len__(self):
        return len(self._by_digest)

    def find(self, key):
        """The client of ``key`` (bytes), or None."""
        digest = key_digest(key)
        client = self._by_digest.get(digest)
        # The lookup compares digests of what the caller sent, which no caller
        # can steer towards a stored one; the final check is constant-time.
        if client is None or not hmac.compare_digest(client.digest, digest):
            return None
        return client

    def usable_on(self, today):
        """Whether some client key opens the API on ``today``."""
        return any(client.usable_on(today) for client in self._by_digest.values())

    def origins(self, today):
        """Every origin some usable client's key may be sent from."""
        return frozenset().union(
            *(
                client.origins
                for client in self._by_digest.values()
                if client.origins and client.usable_on(today)
            )
        )

    def memory_bytes(self):
        """What the table holds, keys included (for the bench)."""
        total = sys.getsizeof(self._by_digest)
        for digest, client in self._by_digest.items():
            total += sys.getsizeof(digest) + sys.getsizeof(client)
            total += sum(sys.getsizeof(value) for value in vars(client).values()) + sum(
                sys.getsizeof(origin) for origin in client.origins or ()
            )
        return total


# ------------------------------------------------------------------ rate limit
# Any 60 seconds lie within 61 whole seconds of the clock: counting requests
# per whole second over the current one and the 60 before it refuses every
# request that would make more than the limit in any 60 seconds.
RATE_BUCKETS = RATE_WINDOW_SECONDS + 1


def retry_after(counts, limit):
    """Whole seconds until one more request fits, from ``counts``: the
    requests of each of the last RATE_BUCKETS seconds, oldest first (the
    last is the current second). The oldest second leaves the window first."""
    excess = sum(counts) - (limit - 1)
    for seconds, count in enumerate(counts, 1):
        excess -= count
        if excess <= 0:
            return seconds
    return len(counts)


def rate_limit_dir():
    """Where the workers of this machine share their counts: memory-backed
    /dev/shm where there is one (fast, and local to the machine even when
    Odoo's data directory is on a network share), else the temp directory."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    return os.path.join(
        base, f"wilayah-api-{os.getuid() if hasattr(os, 'getuid') else 0}"
    )


class RateLimiter:
    """Requests a minute per client, counted in one file that every worker
    of this machine (processes and threads) shares: a slot per client id,
    updated under a lock on that slot's bytes. A client gets at most its
    limit in any 60 seconds (see RATE_BUCKETS); refused requests are not
    counted. Servers on several machines count apart.
    """

    # key tag, the newest second counted, then a count per second (a ring)
    SLOT = struct.Struct(f"<8sq{RATE_BUCKETS}I")

    def __init__(self, path):
        self.path = path
        self._fd = None
        self._memory = None  # slots in memory when the file cannot be used
        self._lock = threading.Lock()  # file locks do not exclude threads

    def _fall_back(self, error):
        logging.getLogger(__name__).warning(
            "Wilayah API rate limits are counted per worker (%s): %s",
            self.path,
            error,
        )
        self._memory = {}
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self):
        if self._fd is None and self._memory is None:
            try:
                if fcntl is None:
                    raise OSError("no file locks on this system")
                os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as error:
                self._fall_back(error)

    def hit(self, client, now):
        """0 when ``client`` may make one more request at ``now`` (and count
        it), else the whole seconds to wait."""
        with self._lock:
            self._open()
            try:
                return self._hit(client, now)
            except OSError as error:  # e.g. no locks on this file system
                self._fall_back(error)
                return self._hit(client, now)

    def _hit(self, client, now):
        offset = client.id * self.SLOT.size
        if self._fd is not None:
            fcntl.lockf(self._fd, fcntl.LOCK_EX, self.SLOT.size, offset)
        try:
            if self._memory is not None:
                data = self._memory.get(offset, b"")
            else:
                data = os.pread(self._fd, self.SLOT.size, offset)
            second = int(now)
            tag, newest, *counts = (
                self.SLOT.unpack(data)
                if len(data) == self.SLOT.size
                else (b"", second, *[0] * RATE_BUCKETS)
            )
            if tag != client.tag or second - newest >= RATE_BUCKETS:
                newest, counts = second, [0] * RATE_BUCKETS
            # the seconds since the newest one counted start empty (a clock
            # that went back counts in the newest second)
            for passed in range(newest + 1, second + 1):
                counts[passed % RATE_BUCKETS] = 0
            newest = max(newest, second)
            wait = 0
            if sum(counts) >= client.rate_limit:
                oldest_first = [
                    counts[(newest + 1 + index) % RATE_BUCKETS]
                    for index in range(RATE_BUCKETS)
                ]
                wait = retry_after(oldest_first, client.rate_limit)
            else:
                counts[newest % RATE_BUCKETS] += 1
            data = self.SLOT.pack(client.tag, newest, *counts)
            if self._memory is not None:
                self._memory[offset] = data
            else:
                os.pwrite(self._fd, data, offset)
            return wait
        finally:
            if self._fd is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, self.SLOT.size, offset)


# ----------------------------------------------------------------------- usage
class UsageCounter:
    """Requests per client counted in this worker's memory (one entry per
    client that called), handed over for a write at most every
    ``USAGE_FLUSH_SECONDS``: API requests stay read-only."""

    def __init__(self, now):
        self._counts = {}  # client id: [requests, last request's timestamp]
        self._lock = threading.Lock()
        self.last_flush = now

    def __len__(self):
        return len(self._counts)

    def hit(self, client_id, now):
        with self._lock:
            counts = self._counts.setdefault(client_id, [0, now])
            counts[0] += 1
            counts[1] = now

    def pending(self, client_id):
        with self._lock:
            return tuple(self._counts.get(client_id, (0, None)))

    def take(self, now, force=False):
        """The counts to write (and forget here), when they are due."""
        with self._lock:
            if not self._counts or (
                not force and now - self.last_flush < USAGE_FLUSH_SECONDS
            ):
                return {}
            counts, self._counts = self._counts, {}
            self.last_flush = now
            return counts

    def give_back(self, counts):
        """Counts whose write failed: kept for the next one."""
        with self._lock:
            for client_id, (requests, last) in counts.items():
                mine = self._counts.setdefault(client_id, [0, last])
                mine[0] += requests
                mine[1] = max(mine[1], last)


# ------------------------------------------------------------------ access log
_caller = threading.local()


def set_log_caller(name):
    """Name the caller (or None) in this thread's next access-log line."""
    _caller.name = name


# Query parameters a key may be sent in by mistake, compared without case,
# "-" and "_" (api_key, X-API-Key, apiKey, key, token...): the API refuses
# them and the access log masks their value.
KEY_QUERY_NAMES = frozenset({"apikey", "xapikey", "key", "token", "accesstoken"})
# A name=value pair of the request line werkzeug logs: it decodes %20, so a
# value runs to the next "&" or to " HTTP/".
QUERY_PAIR_RE = re.compile(r"([?&])([^=&\s\"]+)=((?:(?!\sHTTP/)[^&\"])*)")
MASK = "***"


def is_key_query_name(name):
    return re.sub(r"[-_]", "", unquote_plus(name)).lower() in KEY_QUERY_NAMES


def mask_query_keys(line):
    """``line`` with the value of each key-like query parameter masked."""

    def mask(match):
        separator, name, value = match.groups()
        if value and is_key_query_name(name):
            value = MASK
        return f"{separator}{name}={value}"

    return QUERY_PAIR_RE.sub(mask, line)


class AccessLogFilter(logging.Filter):
    """Appends ``client=<id> "<name>"`` (or ``client=legacy``) to the access
    log line of an API request (werkzeug logs it in the thread that served
    the request, after the answer), and masks a key sent in a URL."""

    def filter(self, record):
        if record.name != "werkzeug":
            return True
        line = record.getMessage()
        masked = mask_query_keys(line) if "=" in line else line
        name = getattr(_caller, "name", None)
        if name:
            _caller.name = None
            masked = f"{masked} client={name}"
        if masked != line:
            record.msg = masked
            record.args = ()
        return True


def install_access_log_filter():
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AccessLogFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(AccessLogFilter())
