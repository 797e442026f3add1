from odoo import models

from ..wilayah.levels import LEVELS
from .wilayah_unit_mixin import unit_fields


class WilayahKecamatan(models.Model):
    _name = "wilayah.kecamatan"
    _inherit = "wilayah.unit.mixin"
    _description = LEVELS["kecamatan"].title
    _wilayah_level = "kecamatan"

    name, code, kota_id, provinsi_id, kelurahan_ids = unit_fields(_wilayah_level)
