from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .wilayah_unit_mixin import POSTAL_CODE_RE


class WilayahKelurahan(models.Model):
    _name = "wilayah.kelurahan"
    _inherit = "wilayah.unit.mixin"
    _description = "Kelurahan/Desa"
    _order = "code"

    _code_length = 10
    _parent_field = "kecamatan_id"
    _xmlid_prefix = "kelurahan_"

    name = fields.Char(string="Nama Kelurahan", required=True, index="trigram")
    code = fields.Char(string="Kode Kelurahan", required=True)
    kecamatan_id = fields.Many2one(
        "wilayah.kecamatan",
        string="Kecamatan",
        required=True,
        index=True,
        ondelete="restrict",
    )
    kota_id = fields.Many2one(related="kecamatan_id.kota_id", string="Kota")
    provinsi_id = fields.Many2one(
        related="kecamatan_id.kota_id.provinsi_id", string="Provinsi"
    )
    postal_code = fields.Char(
        string="Kode Pos",
        help="Postal code(s) of the village; several are separated by commas.",
    )

    @api.model
    def _normalize_postal_code(self, value):
        """'23898, 23895' -> '23895,23898' (sorted, no blanks, no repeats)."""
        if not value:
            return value
        return ",".join(
            sorted({part.strip() for part in str(value).split(",") if part.strip()})
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "postal_code" in vals:
                vals["postal_code"] = self._normalize_postal_code(vals["postal_code"])
        return super().create(vals_list)

    def write(self, vals):
        if "postal_code" in vals:
            vals = dict(
                vals, postal_code=self._normalize_postal_code(vals["postal_code"])
            )
        return super().write(vals)

    @api.constrains("postal_code")
    def _check_postal_code(self):
        for kelurahan in self:
            if kelurahan.postal_code and not all(
                POSTAL_CODE_RE.match(part) for part in kelurahan.postal_code.split(",")
            ):
                raise ValidationError(
                    _(
                        "Kode Pos '%(postal)s' of %(kelurahan)s must be 5-digit codes "
                        "separated by commas.",
                        postal=kelurahan.postal_code,
                        kelurahan=kelurahan.display_name,
                    )
                )
