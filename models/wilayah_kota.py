from odoo import models

from ..wilayah.levels import LEVELS
from .wilayah_unit_mixin import unit_fields


class WilayahKota(models.Model):
    _name = "wilayah.kota"
    _inherit = "wilayah.unit.mixin"
    _description = LEVELS["kota"].title
    _wilayah_level = "kota"

    name, code, type, provinsi_id, kecamatan_ids = unit_fields(_wilayah_level)
