from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..wilayah.levels import LEVELS, is_postal_code, normalize_postal_codes
from .wilayah_unit_mixin import unit_fields


class WilayahKelurahan(models.Model):
    _name = "wilayah.kelurahan"
    _inherit = "wilayah.unit.mixin"
    _description = LEVELS["kelurahan"].title
    _wilayah_level = "kelurahan"

    name, code, type, kecamatan_id, kota_id, provinsi_id = unit_fields(_wilayah_level)
    postal_code = fields.Char(
        string="Kode Pos",
        help="Postal code(s) of the village; several are separated by commas.",
    )

    @api.model
    def _normalize_vals(self, vals):
        if "postal_code" in vals:
            vals = dict(vals, postal_code=normalize_postal_codes(vals["postal_code"]))
        return super()._normalize_vals(vals)

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalize_vals(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._normalize_vals(vals))

    @api.constrains("postal_code")
    def _check_postal_code(self):
        for kelurahan in self:
            if kelurahan.postal_code and not all(
                is_postal_code(part) for part in kelurahan.postal_code.split(",")
            ):
                raise ValidationError(
                    _(
                        "Kode Pos '%(postal)s' of %(kelurahan)s must be 5-digit codes "
                        "separated by commas.",
                        postal=kelurahan.postal_code,
                        kelurahan=kelurahan.display_name,
                    )
                )
