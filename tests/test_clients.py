"""Client keys (README "API clients"): generated once and stored hashed,
checked against each worker's table, revoked, expired, rate-limited and
counted; the legacy key can be switched off."""

import contextlib
import hashlib
import logging
import math
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests
from psycopg2 import sql

import odoo
from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, Form, get_db_name, tagged
from odoo.tests.common import new_test_user

from ..wilayah.clients import (
    KEY_PREFIX_LENGTH,
    LEGACY,
    NEW_KEY_CONTEXT,
    RATE_BUCKETS,
    AccessLogFilter,
    ApiClient,
    ClientTable,
    RateLimiter,
    UsageCounter,
    key_digest,
    retry_after,
    set_log_caller,
)
from ..wilayah.errors import ApiError
from ..wilayah.openapi import EXAMPLE_RATE_LIMIT
from ..wilayah.settings import (
    API_CLOSED,
    API_CLOSED_LEGACY_OFF,
    API_KEY_PLACEHOLDER,
    CLOSED_LEGACY_OFF,
    CLOSED_NO_KEY,
    CLOSED_PLACEHOLDER,
    LEGACY_KEY_ENABLED_PARAM,
    LEGACY_KEY_OFF,
    MISSING_KEY,
    OPEN_CLIENTS,
    OPEN_LEGACY,
    REVOKED_KEY,
    WRONG_KEY,
    ApiAccess,
    expired_key,
    rate_limited,
)
from .common import CORS_ORIGINS_PARAM, KEY, WilayahApiCase, odoo_command

ORIGIN = "https://shop.example.com"
OTHER_ORIGIN = "https://hr.example.com"
TODAY = date(2026, 11, 27)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client(client_id=1, **values):
    values = {
        "name": f"App {client_id}",
        "active": True,
        "expires": None,
        "rate_limit": 0,
        "origins": None,
        "digest": key_digest(f"key-{client_id}"),
        **values,
    }
    return ApiClient(id=client_id, **values)


@tagged("post_install", "-at_install")
class TestClientLogic(BaseCase):
    """The plain logic of wilayah/clients.py, without a database."""

    def test_table_finds_by_digest_only(self):
        table = ClientTable([client(1), client(2, active=False)])
        self.assertEqual(table.find(b"key-1").id, 1)
        self.assertEqual(table.find(b"key-2").id, 2)
        self.assertIsNone(table.find(b"key-3"))
        self.assertIsNone(table.find(key_digest("key-1").encode()))
        self.assertEqual(key_digest("k"), hashlib.sha256(b"k").hexdigest())

    def test_check_key(self):
        table = ClientTable(
            [
                client(1),
                client(2, active=False),
                client(3, expires=TODAY),
                client(4, expires=TODAY + timedelta(days=1)),
            ]
        )
        access = ApiAccess("legacy-secret", True, table)
        self.assertIs(access.check_key("legacy-secret", TODAY), LEGACY)
        self.assertEqual(access.check_key("key-1", TODAY).id, 1)
        self.assertEqual(access.check_key("key-4", TODAY).id, 4)
        # blanks around a key are not part of it (a header may carry them)
        self.assertEqual(access.check_key(" key-1\t", TODAY).id, 1)
        self.assertIs(access.check_key("legacy-secret ", TODAY), LEGACY)
        cases = {
            None: (401, MISSING_KEY),
            " \t": (401, MISSING_KEY),
            "wrong": (401, WRONG_KEY),
            "key-2": (401, REVOKED_KEY),
            "key-3": (401, expired_key(TODAY)),
        }
        for key, (status, message) in cases.items():
            with self.subTest(key=key), self.assertRaises(ApiError) as caught:
                access.check_key(key, TODAY)
            self.assertEqual(
                (caught.exception.status, caught.exception.message), (status, message)
            )
        self.assertIn("2026-11-27", expired_key(TODAY))

        off = ApiAccess("legacy-secret", False, table)
        self.assertEqual(off.check_key("key-1", TODAY).id, 1)
        with self.assertRaises(ApiError) as caught:
            off.check_key("legacy-secret", TODAY)
        self.assertEqual(caught.exception.message, LEGACY_KEY_OFF)
        # nothing opens the API: 503 for an unknown or no key; a known one
        # hears why it does not open it
        legacy_off = ApiAccess(
            "legacy-secret", False, ClientTable([client(2, active=False)])
        )
        expired = ApiAccess("", True, ClientTable([client(3, expires=TODAY)]))
        placeholder = ApiAccess(API_KEY_PLACEHOLDER, True, ClientTable([]))
        cases = [
            (legacy_off, "key-1", 503, API_CLOSED_LEGACY_OFF),
            (legacy_off, None, 503, API_CLOSED_LEGACY_OFF),
            (legacy_off, "key-2", 401, REVOKED_KEY),
            (legacy_off, "legacy-secret", 401, LEGACY_KEY_OFF),
            (expired, "key-1", 503, API_CLOSED),
            (expired, "key-3", 401, expired_key(TODAY)),
            (placeholder, API_KEY_PLACEHOLDER, 503, API_CLOSED),
        ]
        for access, key, status, message in cases:
            with self.subTest(key=key), self.assertRaises(ApiError) as caught:
                access.check_key(key, TODAY)
            self.assertEqual(
                (caught.exception.status, caught.exception.message), (status, message)
            )
        self.assertEqual(
            [
                access.status(TODAY)
                for access in (
                    legacy_off,
                    expired,
                    placeholder,
                    off,
                    ApiAccess("legacy-secret", True, table),
                )
            ],
            [
                CLOSED_LEGACY_OFF,
                CLOSED_NO_KEY,
                CLOSED_PLACEHOLDER,
                OPEN_CLIENTS,
                OPEN_LEGACY,
            ],
        )
        # a client alone opens it
        self.assertEqual(ApiAccess("", True, table).check_key("key-1", TODAY).id, 1)

    def test_origins(self):
        table = ClientTable(
            [
                client(1, origins=frozenset({ORIGIN})),
                client(
                    2, origins=frozenset({"https://revoked.example.com"}), active=False
                ),
            ]
        )
        access = ApiAccess("legacy", True, table)
        listed = {OTHER_ORIGIN}
        self.assertEqual(
            access.origins_for(None, listed, TODAY), {OTHER_ORIGIN, ORIGIN}
        )
        self.assertEqual(access.origins_for(None, {"*"}, TODAY), {"*"})
        self.assertEqual(access.origins_for(LEGACY, listed, TODAY), listed)
        self.assertEqual(
            access.origins_for(table.find(b"key-1"), {"*"}, TODAY), {ORIGIN}
        )
        self.assertEqual(access.origins_for(client(3), listed, TODAY), listed)

    def test_retry_after(self):
        # oldest second first; the current second last
        self.assertEqual(retry_after([0] * 60 + [5], 5), 61)
        self.assertEqual(retry_after([2, 0, 3] + [0] * 57 + [1], 5), 1)
        self.assertEqual(retry_after([2, 0, 3] + [0] * 57 + [1], 4), 3)

    def test_rate_limit_holds_in_any_60_seconds(self):
        """Random traffic against one limit: never more than the limit in any
        60 seconds, and each Retry-After is the shortest wait."""
        rng = random.Random(20261127)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "sub", "db.ratelimit")
            for limit in (1, 3, 20):
                limited = client(limit, rate_limit=limit)
                limiter = RateLimiter(path)
                now, allowed = 1_800_000_000.0, []
                for _request in range(400):
                    now += rng.choice((0.01, 0.3, 1.7, 7.0, 31.0))
                    wait = limiter.hit(limited, now)
                    if not wait:
                        allowed.append(now)
                        continue
                    with self.subTest(limit=limit, at=now):
                        # a second earlier: still refused (a refusal counts
                        # nothing); after the wait: allowed
                        earlier = now + wait - 1
                        if wait > 1:
                            self.assertGreater(limiter.hit(limited, earlier), 0)
                        self.assertEqual(limiter.hit(limited, now + wait), 0)
                        now += wait
                        allowed.append(now)
                self.assertGreater(len(allowed), 3 * limit)
                for index, start in enumerate(allowed):
                    within = [t for t in allowed[index:] if t < start + 60]
                    self.assertLessEqual(len(within), limit, (limit, start))

    def test_rate_limiter_shared_and_tagged(self):
        with tempfile.TemporaryDirectory() as directory:
            limiter = RateLimiter(os.path.join(directory, "sub", "db.ratelimit"))
            limited = client(7, rate_limit=5)
            start = 1_800_000_000.5
            waits = [limiter.hit(limited, start + i / 100) for i in range(8)]
            self.assertEqual(waits[:5], [0] * 5)
            self.assertEqual(waits[5:], [RATE_BUCKETS] * 3)
            # another limiter on the same file (another worker) shares the count
            self.assertGreater(RateLimiter(limiter.path).hit(limited, start + 2), 0)
            # a new key (another tag) starts afresh; so does another client
            renewed = client(7, rate_limit=5, digest=key_digest("new key"))
            self.assertEqual(limiter.hit(renewed, start + 3), 0)
            self.assertEqual(limiter.hit(client(8, rate_limit=1), start + 3), 0)
            # 61 whole seconds later, the burst is forgotten
            self.assertEqual(limiter.hit(limited, start + RATE_BUCKETS), 0)

    def test_usage_counter(self):
        usage = UsageCounter(1000.0)
        usage.hit(1, 1001.0)
        usage.hit(1, 1002.0)
        usage.hit(2, 1003.0)
        self.assertEqual(usage.pending(1), (2, 1002.0))
        self.assertEqual(usage.take(1059.0), {})  # not due: kept
        self.assertEqual(len(usage), 2)
        counts = usage.take(1060.0)
        self.assertEqual(counts, {1: [2, 1002.0], 2: [1, 1003.0]})
        self.assertEqual(len(usage), 0)
        usage.hit(1, 1061.0)
        usage.give_back(counts)  # a failed write
        self.assertEqual(usage.pending(1), (3, 1061.0))
        self.assertEqual(usage.take(1070.0), {})  # 60 s after the last take
        self.assertEqual(
            usage.take(1070.0, force=True), {1: [3, 1061.0], 2: [1, 1003.0]}
        )

    def test_access_log_names_the_client(self):
        log_filter = AccessLogFilter()

        def line(name):
            set_log_caller(name)
            record = logging.LogRecord(
                "werkzeug",
                logging.INFO,
                __file__,
                1,
                '%s - - "%s" %s',
                ("127.0.0.1", "GET /api/provinsi HTTP/1.1", 200),
                None,
            )
            self.assertTrue(log_filter.filter(record))
            return record.getMessage()

        named = client(3, name='Toko "Uji"\nINFO forged')
        self.assertEqual(
            line(named.log_name),
            '127.0.0.1 - - "GET /api/provinsi HTTP/1.1" 200 '
            'client=#3 "Toko \\"Uji\\"\\nINFO forged"',
        )
        # once: the next line of this thread names nobody
        self.assertNotIn("client=", line(None))
        self.assertTrue(line(LEGACY).endswith(" client=legacy"))


@tagged("post_install", "-at_install")
class TestApiClients(WilayahApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Client = cls.env["wilayah.api.client"]

    def new_client(self, **values):
        """A client and its key (generated the way the form's button does)."""
        record = self.Client.create({"name": "Toko Online", **values})
        action = record.action_generate_key()
        return record, action["context"][NEW_KEY_CONTEXT]

    def test_key_is_shown_once_and_stored_hashed(self):
        record = self.Client.create({"name": "Toko Online"})
        self.assertFalse(record.key_prefix)
        action = record.action_generate_key()
        key = action["context"][NEW_KEY_CONTEXT]
        self.assertEqual(len(key), 43)  # 256 random bits, URL-safe base64
        self.assertEqual(record.key_prefix, key[:KEY_PREFIX_LENGTH])
        self.assertEqual(record.key_hash, hashlib.sha256(key.encode()).hexdigest())
        # the dialog shows it (from its context); nothing else can read it back
        self.assertEqual(action["target"], "new")
        self.assertEqual(record.with_context(**action["context"]).new_key, key)
        self.assertFalse(record.new_key)
        self.assertNotIn(key, str(record.read()[0]))
        self.assertEqual(len(self.get_json("/api/provinsi", key=key)), 38)

    def test_regenerate_invalidates_the_old_key(self):
        record, old = self.new_client()
        self.assertEqual(self.get_json("/api/provinsi/32", key=old)["code"], "32")
        new = record._generate_key()
        self.assertNotEqual(new, old)
        self.get_error("/api/provinsi/32", 401, key=old, message_contains=WRONG_KEY)
        self.assertEqual(self.get_json("/api/provinsi/32", key=new)["code"], "32")

    def test_revoked_and_expired(self):
        record, key = self.new_client()
        record.action_archive()
        self.get_error("/api/provinsi", 401, key=key, message_contains=REVOKED_KEY)
        record.action_unarchive()
        self.get_json("/api/provinsi", key=key)
        today = date.today()
        record.expires = today - timedelta(days=1)
        body = self.get_error("/api/provinsi", 401, key=key)
        self.assertIn("expired on", body["message"])
        self.assertIn(record.expires.isoformat(), body["message"])
        record.expires = today + timedelta(days=2)
        self.get_json("/api/provinsi", key=key)
        # the legacy key and unknown keys are unaffected
        self.get_json("/api/provinsi", key=KEY)
        self.get_error("/api/provinsi", 401, key=key[::-1], message_contains=WRONG_KEY)

    def test_rate_limit(self):
        record, key = self.new_client(rate_limit=3)
        started = time.time()
        for _request in range(3):
            self.get_json("/api/provinsi/32", key=key)
        response = self.get("/api/provinsi/32", key=key, headers={"Origin": ORIGIN})
        refused = time.time()
        body = self.assertJsonError(response, 429)
        self.assertEqual(body["message"], rate_limited(3))
        self.assertEqual(body["error"], "Too Many Requests")
        # until the second of the first request leaves the last 61 seconds
        seconds = math.floor(refused) - math.floor(started)
        self.assertIn(
            int(response.headers["Retry-After"]), range(RATE_BUCKETS - seconds, 62)
        )
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        # a browser may read the error and its Retry-After
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn(
            "retry-after", response.headers["Access-Control-Expose-Headers"].lower()
        )
        # the other keys are not limited by it
        for _request in range(5):
            self.get_json("/api/provinsi/32", key=KEY)
        other, other_key = self.new_client(rate_limit=0)
        for _request in range(5):
            self.get_json("/api/provinsi/32", key=other_key)
        # a higher limit lets it in again at once
        record.rate_limit = 10
        self.get_json("/api/provinsi/32", key=key)

    def test_rate_limit_example_is_a_real_answer(self):
        _record, key = self.new_client(rate_limit=EXAMPLE_RATE_LIMIT)
        document = self.get_json("/api/openapi.json", key=None)
        example = document["components"]["responses"]["TooManyRequests"]["content"][
            "application/json"
        ]["example"]
        statuses = [
            self.get("/api/provinsi/32", key=key).status_code
            for _request in range(EXAMPLE_RATE_LIMIT)
        ]
        self.assertEqual(set(statuses), {200})
        self.assertEqual(self.get_json("/api/provinsi/32", 429, key=key), example)
        for path, operation in document["paths"].items():
            if operation["get"].get("security") != []:
                self.assertIn("429", operation["get"]["responses"], path)
        self.assertIn(
            "Retry-After",
            document["components"]["responses"]["TooManyRequests"]["headers"],
        )

    def test_legacy_key_switched_off(self):
        _record, key = self.new_client()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(LEGACY_KEY_ENABLED_PARAM, "False")
        self.get_error("/api/provinsi", 401, key=KEY, message_contains=LEGACY_KEY_OFF)
        self.get_json("/api/provinsi", key=key)
        _record.action_archive()
        # nothing opens the API now: 503, but the revoked key hears why
        self.get_error(
            "/api/provinsi", 503, key="unknown", message_contains=API_CLOSED_LEGACY_OFF
        )
        self.get_error("/api/provinsi", 401, key=key, message_contains=REVOKED_KEY)
        params.set_param(LEGACY_KEY_ENABLED_PARAM, "True")
        self.get_json("/api/provinsi", key=KEY)

    def test_client_origins(self):
        self.env["ir.config_parameter"].sudo().set_param(
            CORS_ORIGINS_PARAM, OTHER_ORIGIN
        )
        _record, key = self.new_client(allowed_origins=f"{ORIGIN.upper()}/")
        self.assertEqual(_record.allowed_origins, ORIGIN)
        with self.assertRaises(ValidationError):
            self.Client.create({"name": "Toko", "allowed_origins": "shop.example.com"})
        # the preflight carries no key: it allows every origin some key may use
        for origin in (ORIGIN, OTHER_ORIGIN):
            response = self.request(
                "OPTIONS",
                "/api/provinsi",
                key=None,
                headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
            )
            self.assertEqual(response.status_code, 204, origin)
            self.assertEqual(response.headers["Access-Control-Allow-Origin"], origin)
        # the key itself only from its own origins
        response = self.get("/api/provinsi", key=key, headers={"Origin": ORIGIN})
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), ORIGIN)
        response = self.get("/api/provinsi", key=key, headers={"Origin": OTHER_ORIGIN})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)
        # the legacy key keeps the global list
        response = self.get("/api/provinsi", key=KEY, headers={"Origin": ORIGIN})
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    def test_usage_counted_in_memory_then_written(self):
        record, key = self.new_client()
        usage = self.Client._usage()
        usage.last_flush = time.time()  # not due during this test
        for _request in range(4):
            self.get_json("/api/provinsi/32", key=key)
        self.get("/api/provinsi/99", key=key)  # a 404 is a request too
        # nothing written by the requests themselves
        record.invalidate_recordset()
        self.assertEqual((record.request_count, record.last_used), (0, False))
        requests, last = usage.pending(record.id)
        self.assertEqual(requests, 5)
        self.assertAlmostEqual(last, time.time(), delta=60)
        # what the worker writes, in its own transaction, once due
        counts = usage.take(time.time(), force=True)
        self.Client._write_usage(counts)
        self.assertEqual(record.request_count, 5)
        self.assertTrue(record.last_used)
        self.Client._write_usage({record.id: [2, last - 3600]})
        self.assertEqual(record.request_count, 7)
        self.assertAlmostEqual(record.last_used.timestamp(), last, delta=1)

    def test_no_plain_key_in_the_database(self):
        """pg_dump-style: no text of any table holds the key (its prefix, shown
        to admins, aside), after generating it, using it, counting it."""
        with self.assertLogs("odoo", logging.DEBUG) as logs:
            record, key = self.new_client(rate_limit=100)
            for _request in range(3):
                self.get_json("/api/provinsi", key=key)
            self.Client._write_usage(self.Client._usage().take(time.time(), force=True))
            logging.getLogger(__name__).info("logs captured")
        self.assertFalse([line for line in logs.output if key in line])
        self.assertTrue(record.key_hash)
        secret = key[KEY_PREFIX_LENGTH:]
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type = 'bytea'
              FROM information_schema.columns c
              JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN
                   ('character varying', 'text', 'jsonb', 'json', 'bytea')
            """
        )
        columns = cr.fetchall()
        self.assertGreater(len(columns), 100)
        found = []
        for table, column, binary in columns:
            text = sql.SQL("encode({}, 'escape')" if binary else "{}::text").format(
                sql.Identifier(column)
            )
            cr.execute(
                sql.SQL("SELECT 1 FROM {} WHERE strpos({}, %s) > 0 LIMIT 1").format(
                    sql.Identifier(table), text
                ),
                [secret],
            )
            if cr.fetchone():
                found.append(f"{table}.{column}")
        self.assertEqual(found, [])
        # the check can fail: the key's digest is there
        cr.execute(
            "SELECT count(*) FROM wilayah_api_client WHERE key_hash = %s",
            [key_digest(key)],
        )
        self.assertEqual(cr.fetchone()[0], 1)

    def test_admins_only(self):
        internal = new_test_user(
            self.env, "wilayah_client_user", groups="base.group_user"
        )
        record, _key = self.new_client()
        with self.assertRaises(AccessError):
            self.Client.with_user(internal).search([])
        with self.assertRaises(AccessError):
            self.Client.with_user(internal).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            record.with_user(internal).action_generate_key()
        menu = self.env.ref("infinys_wilayah_indonesia_api.wilayah_menu_api_clients")
        self.assertNotIn(menu, self.env["ir.ui.menu"].with_user(internal).search([]))
        settings_field = self.env["res.config.settings"]._fields[
            "wilayah_api_client_ids"
        ]
        self.assertEqual(settings_field.groups, "base.group_system")

    def test_settings_page(self):
        record, _key = self.new_client()
        self.get_json("/api/provinsi", key=_key)
        form = Form(self.env["res.config.settings"])
        self.assertIn(record, form.wilayah_api_client_ids)
        self.assertTrue(form.wilayah_api_legacy_key_enabled)
        self.assertEqual(form.wilayah_api_status, "open")
        form.wilayah_api_legacy_key_enabled = False
        form.save().execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param(LEGACY_KEY_ENABLED_PARAM), "False")
        self.get_error("/api/provinsi", 401, key=KEY, message_contains=LEGACY_KEY_OFF)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.wilayah_api_legacy_key_enabled)
        self.assertEqual(settings.wilayah_api_status, "open")
        self.assertIn("legacy key is not accepted", settings.wilayah_api_status_reason)
        record.action_archive()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.wilayah_api_status, "closed")
        # the row's link opens the client's own form
        action = record.action_open()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (record._name, record.id)
        )
        self.assertEqual(
            settings.action_wilayah_api_clients()["res_model"], "wilayah.api.client"
        )


@tagged("post_install", "-at_install")
class TestClientsAcrossWorkers(BaseCase):
    """A real server with ``--workers=2`` on the test database: the rate limit
    holds across its workers, an archived client is refused by both within
    seconds, the access log names the client and never shows a key, and the
    usage is written from the workers' memory about once a minute and when
    they stop. (Its clients are committed, and deleted at the end.)"""

    LIMIT = 20

    def setUp(self):
        super().setUp()
        self.db_name = get_db_name()
        self.registry = Registry(self.db_name)
        self.data_dir = tempfile.mkdtemp(prefix="wilayah-workers-")
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)
        self.clients = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for name, limit in (("limited", self.LIMIT), ("unlimited", 0)):
                record = env["wilayah.api.client"].create(
                    {"name": f"Workers test {name}", "rate_limit": limit}
                )
                self.clients[name] = (record.id, record._generate_key())
        self.addCleanup(self._delete_clients)
        self.log_path = os.path.join(self.data_dir, "odoo.log")
        self.port, gevent_port = free_port(), free_port()
        command = odoo_command(
            "server", self.db_name, self.data_dir,
            "--db-filter", f"^{self.db_name}$",
            "--workers", "2",
            "--max-cron-threads", "0",
            "--http-interface", "127.0.0.1",
            "--http-port", str(self.port),
            "--gevent-port", str(gevent_port),
            "--log-level", "info",
            "--logfile", self.log_path,
        )  # fmt: skip
        self.server = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        self.addCleanup(self._stop_server)
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(self.url("/web/health"), timeout=5).ok:
                    break
            self.assertIsNone(self.server.poll(), "the server stopped")
            self.assertLess(time.monotonic(), deadline, "the server did not start")
            time.sleep(0.5)

    def _stop_server(self):
        if self.server.poll() is None:
            self.server.terminate()  # graceful: the workers write their counts
            try:
                self.server.wait(60)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    def _delete_clients(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["wilayah.api.client"].with_context(active_test=False).browse(
                [client_id for client_id, _key in self.clients.values()]
            ).unlink()
        self.registry.signal_changes()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def burst(self, name, count, path="/api/provinsi/32"):
        """``count`` requests with client ``name``'s key, 8 at a time: the
        statuses and messages of the answers."""
        key = self.clients[name][1]

        def one(_index):
            response = requests.get(
                self.url(path), headers={"X-API-Key": key}, timeout=60
            )
            return (
                response.status_code,
                response.json().get("message"),
                response.headers,
            )

        with ThreadPoolExecutor(8) as pool:
            return list(pool.map(one, range(count)))

    def usage(self, name):
        with odoo.sql_db.db_connect(self.db_name).cursor() as cr:
            cr.execute(
                "SELECT request_count, last_used FROM wilayah_api_client WHERE id = %s",
                [self.clients[name][0]],
            )
            return cr.fetchone()

    def access_lines(self, name):
        """{pid: number of access-log lines naming client ``name``}"""
        client_id = self.clients[name][0]
        pids = Counter()
        with open(self.log_path, encoding="utf-8") as log:
            for line in log:
                if " werkzeug: " in line and f" client=#{client_id} " in line:
                    pids[line.split()[2]] += 1
        return pids

    def test_limit_revocation_log_and_usage_across_workers(self):
        started = time.monotonic()
        # Both workers build their index: the unlimited client's requests.
        warm_up = self.burst("unlimited", 16)
        self.assertEqual({status for status, _message, _headers in warm_up}, {200})
        # A burst over two workers: exactly the limit gets through.
        burst_started = time.time()
        answers = self.burst("limited", 2 * self.LIMIT)
        seconds = math.ceil(time.time()) - math.floor(burst_started)
        statuses = Counter(status for status, _message, _headers in answers)
        self.assertEqual(statuses, {200: self.LIMIT, 429: self.LIMIT})
        for status, message, headers in answers:
            if status == 429:
                self.assertEqual(message, rate_limited(self.LIMIT))
                self.assertIn(
                    int(headers["Retry-After"]),
                    range(RATE_BUCKETS - seconds, RATE_BUCKETS + 1),
                )
        # served by both workers, each line naming the client
        self.assertEqual(len(self.access_lines("limited")), 2)
        self.assertEqual(sum(self.access_lines("limited").values()), 2 * self.LIMIT)
        # nothing written by the requests themselves
        self.assertEqual(self.usage("limited"), (0, None))

        # Archived: both workers refuse the key within seconds.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["wilayah.api.client"].browse(
                self.clients["unlimited"][0]
            ).active = False
        self.registry.signal_changes()
        deadline = time.monotonic() + 5
        while True:
            answers = self.burst("unlimited", 8)
            if {(status, message) for status, message, _h in answers} == {
                (401, REVOKED_KEY)
            }:
                break
            self.assertLess(time.monotonic(), deadline, answers)
        refused = self.burst("unlimited", 16)
        self.assertEqual({(s, m) for s, m, _h in refused}, {(401, REVOKED_KEY)})

        # About once a minute, a worker writes what it counted.
        time.sleep(max(0, started + 62 - time.monotonic()))
        self.burst("limited", 8)
        written, last_used = self.usage("limited")
        self.assertGreater(written, 0)
        self.assertLessEqual(written, 2 * self.LIMIT + 8)
        self.assertTrue(last_used)

        # Stopping, each worker writes the rest.
        self._stop_server()
        self.assertEqual(self.usage("limited")[0], 2 * self.LIMIT + 8)
        with open(self.log_path, encoding="utf-8") as log:
            text = log.read()
        for _client_id, key in self.clients.values():
            self.assertNotIn(key, text)
            self.assertNotIn(key[KEY_PREFIX_LENGTH:], text)
        self.assertNotIn("Traceback", text)
