from odoo import models

from ..wilayah.levels import LEVELS
from .wilayah_unit_mixin import unit_fields


class WilayahProvinsi(models.Model):
    _name = "wilayah.provinsi"
    _inherit = "wilayah.unit.mixin"
    _description = LEVELS["provinsi"].title
    _wilayah_level = "provinsi"

    name, code, kota_ids = unit_fields(_wilayah_level)
