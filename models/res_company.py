from odoo import fields, models

from ..wilayah.address import ADDRESS_LEVELS, address_field


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "wilayah.address.mixin"]

    # The company's address is its partner's (as base's street, city, ...).
    wilayah_kota_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_address"
    )
    wilayah_kecamatan_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_address"
    )
    wilayah_kelurahan_id = fields.Many2one(
        compute="_compute_address", inverse="_inverse_wilayah_address"
    )

    def _get_company_address_field_names(self):
        return super()._get_company_address_field_names() + list(
            map(address_field, ADDRESS_LEVELS)
        )

    def _inverse_wilayah_address(self):
        for company in self:
            company.partner_id.write(
                {
                    address_field(key): company[address_field(key)].id
                    for key in ADDRESS_LEVELS
                }
            )

    def _view_get_address(self, arch):
        return self._wilayah_address_view(super()._view_get_address(arch))
