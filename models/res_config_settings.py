import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..wilayah.clients import utc_today
from ..wilayah.settings import (
    API_KEY_PARAM,
    CLOSED_LEGACY_OFF,
    CLOSED_NO_KEY,
    CLOSED_PLACEHOLDER,
    CORS_ORIGINS_PARAM,
    LEGACY_KEY_ENABLED_PARAM,
    OPEN_CLIENTS,
    OPEN_LEGACY,
    OPEN_STATUSES,
    legacy_key_enabled,
    new_api_key,
    normalize_origins,
)

_logger = logging.getLogger(__name__)
FIELD_PREFIX = "wilayah_api_"  # this addon's settings (administrators only)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Computed, not config_parameter: saving the settings must never write the
    # key back (it would undo a regeneration made in the meantime).
    wilayah_api_key = fields.Char(
        string="Legacy Key",
        compute="_compute_wilayah_api",
        help="The single key of the published module (system parameter "
        "wilayah.api.key). Clients send it in the X-API-Key header.",
        groups="base.group_system",
    )
    # Not a config_parameter field: those store False by deleting the
    # parameter, and an absent parameter means "enabled" (drop-in).
    wilayah_api_legacy_key_enabled = fields.Boolean(
        string="Accept the legacy key",
        groups="base.group_system",
        help="Off: only client keys open the API; the legacy key gets 401.",
    )
    wilayah_api_client_ids = fields.Many2many(
        "wilayah.api.client",
        string="API Clients",
        compute="_compute_wilayah_api_client_ids",
        groups="base.group_system",
    )
    wilayah_api_status = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        string="API Status",
        compute="_compute_wilayah_api",
        groups="base.group_system",
    )
    wilayah_api_status_reason = fields.Char(
        string="API Status Reason",
        compute="_compute_wilayah_api",
        groups="base.group_system",
    )
    wilayah_api_key_reveal = fields.Boolean(
        string="Show the key", default=False, groups="base.group_system"
    )
    wilayah_api_cors_origins = fields.Char(
        string="Allowed Origins",
        config_parameter=CORS_ORIGINS_PARAM,
        default="*",
        help="Web sites whose pages may call the API from a browser (CORS): * for "
        "any, or origins separated by commas, e.g. https://shop.example.com, "
        "https://hr.example.com",
        groups="base.group_system",
    )

    # A new settings form only computes fields depending on a field with a
    # default: the toggle gives them one (and toggling refreshes them).
    @api.depends("wilayah_api_key_reveal", "wilayah_api_legacy_key_enabled")
    @api.depends_context("uid")
    def _compute_wilayah_api(self):
        if not self.env.is_system():
            # onchange computes these for whoever asks, groups or not
            self.wilayah_api_key = self.wilayah_api_status = False
            self.wilayah_api_status_reason = False
            return
        access = self.env["wilayah.api.client"].sudo()._api_access()
        key = access.legacy_key
        status = access.status(utc_today(time.time()))
        reason = {
            OPEN_LEGACY: _(
                "Requests carrying the legacy key or an active client's key in "
                "the X-API-Key header are answered."
            ),
            OPEN_CLIENTS: _(
                "Requests carrying an active client's key in the X-API-Key "
                "header are answered; the legacy key is not accepted."
            ),
            CLOSED_LEGACY_OFF: _(
                "The legacy key is switched off and no client key is active: "
                "every request gets 503."
            ),
            CLOSED_NO_KEY: _("No API key is set: every request gets 503."),
            CLOSED_PLACEHOLDER: _(
                "The API key is still the placeholder of the published module: "
                "every request gets 503. Regenerate the key to open the API."
            ),
        }[status]
        status = "open" if status in OPEN_STATUSES else "closed"
        for settings in self:
            settings.wilayah_api_key = key
            settings.wilayah_api_status = status
            settings.wilayah_api_status_reason = reason

    @api.depends("wilayah_api_key_reveal")  # computed in a new form (see above)
    @api.depends_context("uid")
    def _compute_wilayah_api_client_ids(self):
        # archived ones too: their usage, and that they are revoked (muted)
        clients = (
            self.env["wilayah.api.client"].with_context(active_test=False).search([])
        )
        for settings in self:
            settings.wilayah_api_client_ids = clients

    @api.model
    def default_get(self, fields):
        # Odoo reads config_parameter fields (and get_values) as superuser,
        # whoever asks: the API's settings only for those who may read them.
        values = super().default_get(fields)
        return {
            name: value
            for name, value in values.items()
            if not name.startswith(FIELD_PREFIX)
            or self._fields[name].is_accessible(self.env)
        }

    @api.model
    def get_values(self):
        res = super().get_values()
        if self.env.is_system():  # a public method: any user may call it
            res["wilayah_api_legacy_key_enabled"] = legacy_key_enabled(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param(LEGACY_KEY_ENABLED_PARAM)
            )
        return res

    @api.model
    def _wilayah_ensure_api_key(self):
        """Create the API key with a fresh secret, once (at install; called at
        every upgrade too).

        An existing parameter is never touched, not even the published module's
        placeholder: the API refuses that one until the admin sets a real key.
        """
        params = self.env["ir.config_parameter"].sudo()
        if not params.search_count([("key", "=", API_KEY_PARAM)]):
            params.set_param(API_KEY_PARAM, new_api_key())
            _logger.info(
                "Created the system parameter %s with a random key; an administrator "
                "can read it in Settings > Technical > System Parameters.",
                API_KEY_PARAM,
            )

    @api.model
    def _normalize_cors_origins(self, value):
        """'https://A.example.com/ https://b.example.com' ->
        'https://a.example.com, https://b.example.com'; '*' when empty."""
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

    def set_values(self):
        for settings in self:
            settings.wilayah_api_cors_origins = self._normalize_cors_origins(
                settings.wilayah_api_cors_origins
            )
        result = super().set_values()
        if self.env.is_system():
            params = self.env["ir.config_parameter"].sudo()
            enabled = all(self.mapped("wilayah_api_legacy_key_enabled"))
            if (
                legacy_key_enabled(params.get_param(LEGACY_KEY_ENABLED_PARAM))
                != enabled
            ):
                params.set_param(LEGACY_KEY_ENABLED_PARAM, str(enabled))
        return result

    def action_wilayah_api_clients(self):
        return self.env["ir.actions.actions"]._for_xml_id(
            "infinys_wilayah_indonesia_api.wilayah_api_client_action"
        )

    def action_wilayah_api_regenerate_key(self):
        if not self.env.is_system():
            raise AccessError(_("Only administrators can regenerate the API key."))
        self.env["ir.config_parameter"].sudo().set_param(API_KEY_PARAM, new_api_key())
        _logger.info("API key %s regenerated by user %s.", API_KEY_PARAM, self.env.uid)
        self.invalidate_recordset(
            ["wilayah_api_key", "wilayah_api_status", "wilayah_api_status_reason"]
        )
