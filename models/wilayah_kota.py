from odoo import fields, models


class WilayahKota(models.Model):
    _name = "wilayah.kota"
    _inherit = "wilayah.unit.mixin"
    _description = "Kota/Kabupaten"
    _order = "code"

    _code_length = 4
    _parent_field = "provinsi_id"
    _child_field = "kecamatan_ids"
    _xmlid_prefix = "kota_"

    name = fields.Char(string="Nama Kota", required=True, index="trigram")
    code = fields.Char(string="Kode Kota", required=True)
    provinsi_id = fields.Many2one(
        "wilayah.provinsi",
        string="Provinsi",
        required=True,
        index=True,
        ondelete="restrict",
    )
    kecamatan_ids = fields.One2many("wilayah.kecamatan", "kota_id", string="Kecamatan")
