from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..wilayah.address import (
    ADDRESS_LEVELS,
    PRINTED_LEVELS,
    address_field,
    address_name,
    printed_name_field,
)
from ..wilayah.levels import LEVELS, POSTAL_LEVEL


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "wilayah.address.mixin"]
    _wilayah_coordinate_fields = ("partner_latitude", "partner_longitude")

    # Stored and indexed: contacts are searched, filtered and grouped by them.
    wilayah_kota_id = fields.Many2one(index=True)
    wilayah_kecamatan_id = fields.Many2one(index=True)
    wilayah_kelurahan_id = fields.Many2one(index=True)
    # What the address format prints (wilayah/address.py): "Desa Neglawangi".
    # As superuser: a portal user sees the names of their own address.
    wilayah_kecamatan_name = fields.Char(
        string="Kecamatan Name",
        compute="_compute_wilayah_printed_names",
        compute_sudo=True,
    )
    wilayah_kelurahan_name = fields.Char(
        string="Kelurahan Name",
        compute="_compute_wilayah_printed_names",
        compute_sudo=True,
    )

    @api.depends(*(f"{address_field(key)}.name" for key in PRINTED_LEVELS))
    def _compute_wilayah_printed_names(self):
        for partner in self:
            for key in PRINTED_LEVELS:
                unit = partner[address_field(key)]
                partner[printed_name_field(key)] = unit and address_name(
                    key, unit.name, "type" in unit._fields and unit.type
                )

    @api.constrains(*map(address_field, ADDRESS_LEVELS))
    def _check_wilayah_address(self):
        """Each unit of an address lies within the one above it."""
        for partner in self:
            for key in ADDRESS_LEVELS[1:]:
                unit = partner[address_field(key)]
                parent_key = LEVELS[key].parent
                parent = partner[address_field(parent_key)]
                if (
                    unit
                    and parent
                    and unit[LEVELS[parent_key].reference_field] != parent
                ):
                    raise ValidationError(
                        _(
                            "%(unit)s is not in %(parent)s.",
                            unit=unit.sudo().display_name,
                            parent=parent.sudo().display_name,
                        )
                    )

    @api.model
    def _address_fields(self):
        # shared with child contacts, copied from the parent (base's res.partner)
        return super()._address_fields() + list(map(address_field, ADDRESS_LEVELS))

    @api.model
    def _formatting_address_fields(self):
        return super()._formatting_address_fields() + list(
            map(printed_name_field, PRINTED_LEVELS)
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._wilayah_check_archived(vals, kept=self.browse(vals.get("parent_id")))
        return super().create([self._wilayah_completed(vals) for vals in vals_list])

    def copy_data(self, default=None):
        # a duplicate is a new address: it does not take archived units
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            for key in ADDRESS_LEVELS:
                fname = address_field(key)
                unit = self.env[LEVELS[key].model].browse(vals.get(fname))
                if unit and not unit.with_context(active_test=False).active:
                    vals[fname] = False
        return vals_list

    def write(self, vals):
        self._wilayah_check_archived(vals)
        if any(vals.get(address_field(key)) for key in ADDRESS_LEVELS):
            empty = {
                fname
                for fname in ("state_id", "country_id", "city", "zip")
                if not any(self.mapped(fname))
            }
            vals = self._wilayah_completed(vals, empty)
        return super().write(vals)

    def _view_get_address(self, arch):
        return self._wilayah_address_view(super()._view_get_address(arch))

    def action_wilayah_locate(self):
        """Fill each partner's kelurahan from its coordinates (``partner_latitude``,
        ``partner_longitude``: base_geolocalize's Geo Location, an import...),
        with what it implies, as picking it in the form does."""
        shapes = self.env["wilayah.shape"].sudo()
        villages = self.env[POSTAL_LEVEL.model]
        for partner in self:
            lat, lng = partner.partner_latitude, partner.partner_longitude
            if not (lat or lng):
                raise UserError(
                    _(
                        "%(partner)s has no coordinates (Geo Latitude and Geo "
                        "Longitude).",
                        partner=partner.display_name,
                    )
                )
            code = shapes._locate(POSTAL_LEVEL.key, lng, lat)
            village = code and villages.with_context(active_test=False).search(
                [("code", "=", code)], limit=1
            )
            if village and not village.active:
                raise UserError(
                    _(
                        "The kelurahan/desa at these coordinates, %(village)s, is "
                        "archived.",
                        village=village.display_name,
                    )
                )
            if not village:
                raise UserError(
                    _(
                        "No kelurahan/desa is known at latitude %(lat)s, "
                        "longitude %(lng)s.",
                        lat=lat,
                        lng=lng,
                    )
                )
            vals = {
                fname: value.id if isinstance(value, models.BaseModel) else value
                for fname, value in partner._wilayah_implied(
                    POSTAL_LEVEL.key, village, partner.zip
                ).items()
                if value
            }
            vals[address_field(POSTAL_LEVEL.key)] = village.id
            partner.write(vals)
        return True
