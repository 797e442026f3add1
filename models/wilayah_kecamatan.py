from odoo import fields, models


class WilayahKecamatan(models.Model):
    _name = "wilayah.kecamatan"
    _inherit = "wilayah.unit.mixin"
    _description = "Kecamatan"
    _order = "code"

    _code_length = 7
    _parent_field = "kota_id"
    _child_field = "kelurahan_ids"
    _xmlid_prefix = "kecamatan_"

    name = fields.Char(string="Nama Kecamatan", required=True, index="trigram")
    code = fields.Char(string="Kode Kecamatan", required=True)
    kota_id = fields.Many2one(
        "wilayah.kota",
        string="Kota",
        required=True,
        index=True,
        ondelete="restrict",
    )
    provinsi_id = fields.Many2one(related="kota_id.provinsi_id", string="Provinsi")
    kelurahan_ids = fields.One2many(
        "wilayah.kelurahan", "kecamatan_id", string="Kelurahan/Desa"
    )
