from odoo import fields, models


class WilayahProvinsi(models.Model):
    _name = "wilayah.provinsi"
    _inherit = "wilayah.unit.mixin"
    _description = "Provinsi"
    _order = "code"

    _code_length = 2
    _child_field = "kota_ids"
    _xmlid_prefix = "provinsi_"

    name = fields.Char(string="Name Provinsi", required=True, index="trigram")
    code = fields.Char(string="Kode Provinsi", required=True)
    kota_ids = fields.One2many("wilayah.kota", "provinsi_id", string="Kota/Kabupaten")
