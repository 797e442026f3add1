import atexit
import logging
import os
import threading
import time

from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..wilayah.clients import (
    KEY_PREFIX_LENGTH,
    NEW_KEY_CLIENT_CONTEXT,
    NEW_KEY_CONTEXT,
    ApiClient,
    ClientTable,
    RateLimiter,
    UsageCounter,
    key_digest,
    rate_limit_dir,
)
from ..wilayah.settings import (
    API_KEY_PARAM,
    LEGACY_KEY_ENABLED_PARAM,
    ApiAccess,
    allowed_origins,
    legacy_key_enabled,
    new_api_key,
    normalize_origins,
)

_logger = logging.getLogger(__name__)

# Per database, in this process: its workers' shared rate-limit file and this
# worker's usage counts (one each per database served).
_RATE_LIMITERS = {}
_USAGE = {}
_STATE_LOCK = threading.Lock()


class WilayahApiClient(models.Model):
    """An app that calls the API with a key of its own.

    Only the key's SHA-256 is stored (``wilayah/clients.py`` says why that is
    enough); the key itself is shown once, in a dialog, and nowhere else.
    """

    _name = "wilayah.api.client"
    _description = "Wilayah API Client"
    _order = "name, id"

    name = fields.Char(required=True, help="The app that uses this key.")
    active = fields.Boolean(
        default=True, help="Archiving the client revokes its key (401 'revoked')."
    )
    key_prefix = fields.Char(
        string="Key Starts With",
        readonly=True,
        copy=False,
        help="The key's first characters, to tell the keys apart.",
    )
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    expires = fields.Date(
        string="Expires On",
        help="The key stops working on this day (UTC); empty: never.",
    )
    rate_limit = fields.Integer(
        string="Requests per Minute",
        default=0,
        help="Requests over it get 429 with Retry-After; 0 for no limit.",
    )
    allowed_origins = fields.Char(
        help="Web sites whose pages may send this key from a browser (CORS), "
        "separated by commas; empty: those of the API settings.",
    )
    request_count = fields.Integer(
        string="Requests",
        default=0,
        readonly=True,
        copy=False,
        help="Requests made with the key (refused ones included), written "
        "from the workers' memory about once a minute.",
    )
    last_used = fields.Datetime(readonly=True, copy=False)
    new_key = fields.Char(
        compute="_compute_new_key",
        help="The key just generated: shown this once, never stored.",
    )

    _sql_constraints = [
        ("key_hash_unique", "UNIQUE(key_hash)", "This key is already in use."),
        (
            "rate_limit_not_negative",
            "CHECK(rate_limit >= 0)",
            "The rate limit cannot be negative (0 means none).",
        ),
    ]

    @api.depends_context(NEW_KEY_CONTEXT, NEW_KEY_CLIENT_CONTEXT)
    def _compute_new_key(self):
        context = self.env.context
        for client in self:
            shown = context.get(NEW_KEY_CLIENT_CONTEXT) == client.id
            client.new_key = context.get(NEW_KEY_CONTEXT) if shown else False

    # ----------------------------------------------------------------- CRUD
    @api.model
    def _normalize_client_origins(self, value):
        if not (value or "").strip():
            return False
        try:
            return normalize_origins(value)
        except ValueError as error:
            raise ValidationError(
                _(
                    "'%(origin)s' is not a web origin. Use * or origins such as "
                    "https://shop.example.com, separated by commas.",
                    origin=error.args[0],
                )
            ) from None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "allowed_origins" in vals:
                vals["allowed_origins"] = self._normalize_client_origins(
                    vals["allowed_origins"]
                )
        clients = super().create(vals_list)
        self.env.registry.clear_cache()  # every worker's ApiAccess
        return clients

    def write(self, vals):
        if "allowed_origins" in vals:
            vals["allowed_origins"] = self._normalize_client_origins(
                vals["allowed_origins"]
            )
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------------ keys
    def _generate_key(self):
        """Give the client a new random key and return it: the only time it
        exists outside the client app. The previous key stops working."""
        self.ensure_one()
        key = new_api_key()
        self.write({"key_hash": key_digest(key), "key_prefix": key[:KEY_PREFIX_LENGTH]})
        _logger.info(
            "API client %s (id %s): new key generated by user %s.",
            self.name,
            self.id,
            self.env.uid,
        )
        return key

    def action_generate_key(self):
        """Generate a key and show it once, in a dialog with a copy button."""
        self.ensure_one()
        key = self._generate_key()
        return {
            "type": "ir.actions.act_window",
            "name": _("New key of %(client)s", client=self.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                [
                    self.env.ref(f"{self._module}.wilayah_api_client_view_form_key").id,
                    "form",
                ]
            ],
            "target": "new",
            "context": {NEW_KEY_CONTEXT: key, NEW_KEY_CLIENT_CONTEXT: self.id},
        }

    def action_open(self):
        """Open the client's own form (from the list on the API settings page)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "current",
        }

    # --------------------------------------------------- what workers keep
    @api.model
    @tools.ormcache()
    def _api_access(self):
        """The legacy key and the client table: checked on every request,
        kept per worker until a change of either (a client, a system
        parameter) clears the registry cache and signals the other workers.
        (Clearing it drops the worker's region index too, rebuilt in about a
        second on its next request: clients change rarely.)"""
        if tools.config["db_replica_host"] and self.env.cr.readonly:
            # The API's read-only routes read a replica, which may not have
            # the change yet that dropped this table: a revoked key would
            # stay in it. Read the primary.
            with self.env.registry.cursor() as cr:
                return self.with_env(self.env(cr=cr))._read_api_access()
        return self._read_api_access()

    @api.model
    def _read_api_access(self):
        started = time.perf_counter()
        self.flush_model()
        params = self.env["ir.config_parameter"].sudo()
        self.env.cr.execute(
            """
            SELECT id, name, COALESCE(active, false), expires,
                   COALESCE(rate_limit, 0), allowed_origins, key_hash
              FROM wilayah_api_client
             WHERE key_hash IS NOT NULL
            """
        )
        clients = ClientTable(
            ApiClient(
                id=client_id,
                name=name,
                active=active,
                expires=expires,
                rate_limit=max(rate_limit, 0),
                origins=frozenset(allowed_origins(origins)) if origins else None,
                digest=digest,
            )
            for client_id, name, active, expires, rate_limit, origins, digest in (
                self.env.cr.fetchall()
            )
        )
        access = ApiAccess(
            legacy_key=(params.get_param(API_KEY_PARAM) or "").strip(),
            legacy_enabled=legacy_key_enabled(
                params.get_param(LEGACY_KEY_ENABLED_PARAM)
            ),
            clients=clients,
        )
        _logger.info(
            "Wilayah API keys loaded: %d client(s), %.1f KiB, in %.1f ms.",
            len(clients),
            clients.memory_bytes() / 1024,
            (time.perf_counter() - started) * 1000,
        )
        return access

    @api.model
    def _rate_limiter(self):
        """The rate-limit counter of this database, shared by the workers."""
        dbname = self.env.cr.dbname
        with _STATE_LOCK:
            if dbname not in _RATE_LIMITERS:
                path = os.path.join(rate_limit_dir(), f"{dbname}.ratelimit")
                _RATE_LIMITERS[dbname] = RateLimiter(path)
            return _RATE_LIMITERS[dbname]

    @api.model
    def _usage(self):
        """This worker's usage counts for this database."""
        dbname = self.env.cr.dbname
        with _STATE_LOCK:
            if dbname not in _USAGE:
                usage = _USAGE[dbname] = UsageCounter(time.time())
                # A worker that stops gracefully (recycled, or the server
                # stopped) writes what it counted since its last write.
                atexit.register(_write_usage_at_exit, self.env.registry, usage)
            return _USAGE[dbname]

    @api.model
    def _count_request(self, client, now):
        """Count a request of ``client`` in this worker; once the counts are
        due, write them after this request's (read-only) transaction, in a
        transaction of their own."""
        usage = self._usage()
        usage.hit(client.id, now)
        counts = usage.take(now)
        if counts:
            registry = self.env.registry
            self.env.cr.postcommit.add(
                lambda: _write_usage_counts(registry, usage, counts)
            )
            # not written if the request fails: kept for the next write
            self.env.cr.postrollback.add(lambda: usage.give_back(counts))

    @api.model
    def _write_usage(self, counts):
        """Add ``counts`` ({client id: [requests, last timestamp]}) to the
        clients, in SQL: no write date, no cache to clear."""
        for client_id, (requests, last) in sorted(counts.items()):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE wilayah_api_client
                       SET request_count = COALESCE(request_count, 0) + %s,
                           last_used = GREATEST(last_used, to_timestamp(%s)
                                                AT TIME ZONE 'UTC')
                     WHERE id = %s
                    """,
                    requests,
                    last,
                    client_id,
                )
            )
        self.invalidate_model(["request_count", "last_used"])


def _write_usage_counts(registry, usage, counts):
    try:
        with registry.cursor() as cr:
            # Workers add to the same rows at the same moments (when they
            # stop, say): read committed re-reads the row an increment waits
            # for, where Odoo's repeatable read would fail one of them.
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            # An admin's long transaction on a client must not hold up the
            # API request this runs after: give up, write next time.
            cr.execute("SET LOCAL lock_timeout = '1s'")
            cr.execute("SET LOCAL statement_timeout = '5s'")
            api.Environment(cr, SUPERUSER_ID, {})["wilayah.api.client"]._write_usage(
                counts
            )
    except Exception:  # pylint: disable=broad-except
        # e.g. the database is unreachable: keep the counts for the next write
        _logger.warning("Could not write the API clients' usage.", exc_info=True)
        usage.give_back(counts)


def _write_usage_at_exit(registry, usage):
    counts = usage.take(time.time(), force=True)
    if counts:
        _write_usage_counts(registry, usage, counts)
