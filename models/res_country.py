from odoo import api, models

from ..wilayah.address import ADDRESS_FORMAT, COUNTRY_CODE


class ResCountry(models.Model):
    _inherit = "res.country"

    @api.model
    def _wilayah_indonesia(self):
        return self.search([("code", "=", COUNTRY_CODE)], limit=1)

    @api.model
    def _wilayah_install_address_format(self):
        """Indonesia's addresses print their kelurahan and kecamatan
        (wilayah/address.py). Run at install and upgrade: a format other than
        Odoo's default (set by an admin or another module) is kept."""
        country = self._wilayah_indonesia()
        default = self.default_get(["address_format"]).get("address_format")
        if country and country.address_format in (False, "", default):
            country.address_format = ADDRESS_FORMAT

    @api.model
    def _wilayah_uninstall_address_format(self):
        """Back to Odoo's default, before the fields it prints are gone."""
        country = self._wilayah_indonesia()
        if country.address_format == ADDRESS_FORMAT:
            country.address_format = self.default_get(["address_format"]).get(
                "address_format"
            )
