from odoo import fields, models

from ..wilayah.address import ADDRESS_LEVELS, address_field


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "wilayah.address.mixin"]

    # The company's address is its partner's (as base's street, city, ...):
    # one inverse per field, as base has, so that a write of one level does
    # not write the others (unread, they would be False).
    wilayah_kota_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_kota_id"
    )
    wilayah_kecamatan_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_kecamatan_id"
    )
    wilayah_kelurahan_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_kelurahan_id"
    )

    def _get_company_address_field_names(self):
        return super()._get_company_address_field_names() + list(
            map(address_field, ADDRESS_LEVELS)
        )

    def _inverse_wilayah(self, fname):
        for company in self:
            company.partner_id[fname] = company[fname]

    def _inverse_wilayah_kota_id(self):
        self._inverse_wilayah("wilayah_kota_id")

    def _inverse_wilayah_kecamatan_id(self):
        self._inverse_wilayah("wilayah_kecamatan_id")

    def _inverse_wilayah_kelurahan_id(self):
        self._inverse_wilayah("wilayah_kelurahan_id")

    def _view_get_address(self, arch):
        return self._wilayah_address_view(super()._view_get_address(arch))
