from odoo import api, fields, models
from odoo.tools import SQL

from ..wilayah.address import COUNTRY_CODE, STATE_CODES
from ..wilayah.levels import LEVELS
from .wilayah_unit_mixin import unit_fields


class WilayahProvinsi(models.Model):
    _name = "wilayah.provinsi"
    _inherit = "wilayah.unit.mixin"
    _description = LEVELS["provinsi"].title
    _wilayah_level = "provinsi"

    name, code, kota_ids = unit_fields(_wilayah_level)
    # Odoo's own state of the province: what an address picked from a
    # kelurahan puts in the partner's state_id (wilayah/address.py).
    state_id = fields.Many2one(
        "res.country.state",
        string="State",
        domain=[("country_id.code", "=", COUNTRY_CODE)],
        ondelete="set null",
        help="Odoo's state of this province, set in an address with its units.",
    )

    @api.model
    def _link_country_states(self):
        """Give each province without one its Odoo state (by the state's
        ISO 3166-2 code). Run at install and upgrade: a link set by hand is
        kept."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE wilayah_provinsi p
                   SET state_id = s.id
                  FROM res_country_state s
                  JOIN res_country c ON c.id = s.country_id
                  JOIN (VALUES %s) m (bps_code, state_code) ON m.state_code = s.code
                 WHERE p.state_id IS NULL AND p.code = m.bps_code
                   AND c.code = %s
                """,
                SQL(", ").join(SQL("(%s, %s)", *pair) for pair in STATE_CODES.items()),
                COUNTRY_CODE,
            )
        )
        self.invalidate_model(["state_id"])
