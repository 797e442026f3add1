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
import math
import os
import struct
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime

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
def sliding_estimate(previous, current, elapsed):
    """Requests in the last minute, estimated from the counts of the current
    window and the one before (the part of it still inside the minute)."""
    return previous * (RATE_WINDOW_SECONDS - elapsed) / RATE_WINDOW_SECONDS + current


def retry_after(limit, previous, current, elapsed):
    """Whole seconds until one more request fits under ``limit``."""
    window = RATE_WINDOW_SECONDS
    room = limit - 1  # what the estimate may be for one more request to fit
    if current <= room and previous:
        # within this window, as the previous one's share fades
        wait = (window - elapsed) - window * (room - current) / previous
        if wait < window - elapsed:
            return max(1, math.ceil(wait))
    # in the next window, as this one's share fades
    wait = (window - elapsed) + window * (1 - room / current if current else 0)
    return max(1, math.ceil(wait))


class RateLimiter:
    """Requests a minute per client, counted in one file that every worker
    of this machine (processes and threads) shares: a slot per client id,
    updated under a lock on that slot's bytes.

    The minute is a sliding window estimated from two fixed ones (the
    current and the previous, whose count is taken pro rata): exact for a
    burst inside one window, within a request or two otherwise. Refused
    requests are not counted, so a client over its limit gets back in as the
    minute slides. Servers on several machines count apart.
    """

    SLOT = struct.Struct("<8sqqq")  # key tag, window, its count, the previous count

    def __init__(self, path):
        self.path = path
        self._fd = None
        self._memory = None  # slots in memory when the file cannot be had
        self._lock = threading.Lock()  # file locks do not exclude threads

    def _open(self):
        if self._fd is None and self._memory is None:
            try:
                if fcntl is None:
                    raise OSError("no file locks on this system")
                os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as error:
                logging.getLogger(__name__).warning(
                    "Wilayah API rate limits are counted per worker: %s", error
                )
                self._memory = {}

    def _read(self, offset):
        if self._memory is not None:
            return self._memory.get(offset, b"")
        return os.pread(self._fd, self.SLOT.size, offset)

    def _write(self, offset, data):
        if self._memory is not None:
            self._memory[offset] = data
        else:
            os.pwrite(self._fd, data, offset)

    def hit(self, client, now):
        """0 when ``client`` may make one more request at ``now`` (and count
        it), else the seconds to wait."""
        window, elapsed = divmod(now, RATE_WINDOW_SECONDS)
        window = int(window)
        offset = client.id * self.SLOT.size
        with self._lock:
            self._open()
            if self._fd is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_EX, self.SLOT.size, offset)
            try:
                data = self._read(offset)
                tag, slot_window, current, previous = (
                    self.SLOT.unpack(data)
                    if len(data) == self.SLOT.size
                    else (b"", 0, 0, 0)
                )
                if tag != client.tag:
                    slot_window, current, previous = window, 0, 0
                if slot_window != window:
                    previous = current if slot_window == window - 1 else 0
                    current = 0
                wait = 0
                if sliding_estimate(previous, current, elapsed) + 1 > client.rate_limit:
                    wait = retry_after(client.rate_limit, previous, current, elapsed)
                else:
                    current += 1
                self._write(
                    offset, self.SLOT.pack(client.tag, window, current, previous)
                )
            finally:
                if self._fd is not None:
                    fcntl.lockf(self._fd, fcntl.LOCK_UN, self.SLOT.size, offset)
        return wait


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


class AccessLogFilter(logging.Filter):
    """Appends ``client=<id> "<name>"`` (or ``client=legacy``) to the access
    log line of an API request: werkzeug logs it in the thread that served
    the request, after the answer."""

    def filter(self, record):
        name = getattr(_caller, "name", None)
        if name and record.name == "werkzeug":
            _caller.name = None
            record.msg = f"{record.getMessage()} client={name}"
            record.args = ()
        return True


def install_access_log_filter():
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, AccessLogFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(AccessLogFilter())
