from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..wilayah.address import (
    ADDRESS_LEVELS,
    CITY_LEVEL,
    COUNTRY_CODE,
    address_ancestors,
    address_descendants,
    address_field,
    address_name,
    domain_field,
    village_zip,
)
from ..wilayah.levels import LEVELS, POSTAL_LEVEL, is_postal_code


def address_fields():
    """A Many2one per address level (wilayah/address.py), top-down, labelled
    as a spreadsheet's column names it, so that the import dialog maps a
    "Kelurahan" column to it."""
    return tuple(
        fields.Many2one(
            LEVELS[key].model,
            string=LEVELS[key].title.partition("/")[0],
            ondelete="restrict",
            help=_help(key),
        )
        for key in ADDRESS_LEVELS
    )


def _help(level_key):
    if level_key == POSTAL_LEVEL.key:
        return (
            "Type its name, with its kecamatan or kota if you like (e.g. "
            "'neglawangi kertasari'): choosing it fills the kecamatan, the "
            "kota, the state, the city and the zip."
        )
    return "Choosing it fills the levels above and narrows the ones below."


def domain_fields():
    """The domain of each address level's dropdown (computed)."""
    return tuple(
        # as superuser: a portal user reading their own partner has no access
        # to the regions (the domains only serve the form's dropdowns)
        fields.Binary(compute="_compute_wilayah_domains", compute_sudo=True)
        for _key in ADDRESS_LEVELS
    )


class WilayahAddressMixin(models.AbstractModel):
    """Kelurahan, kecamatan and kota/kabupaten in an address (partners and
    companies), kept consistent with each other and with Odoo's own state,
    city and zip when one is picked, as ``base_address_extended`` does for
    cities."""

    _name = "wilayah.address.mixin"
    _description = "Indonesian Address"

    # The model's coordinates (latitude, longitude): a form with them gets a
    # button that fills the address from them (action_wilayah_locate).
    _wilayah_coordinate_fields = ()

    wilayah_kota_id, wilayah_kecamatan_id, wilayah_kelurahan_id = address_fields()
    wilayah_kota_domain, wilayah_kecamatan_domain, wilayah_kelurahan_domain = (
        domain_fields()
    )

    # --- the address block of forms ---------------------------------------------

    @api.model
    def _wilayah_address_view(self, arch):
        """Put the address levels, lowest first, before the city of each
        address block (``o_address_format``) of a form, as Odoo arranges that
        block (``_view_get_address``): shown for Indonesia only, editable
        where the city is, each dropdown within the levels above it."""
        for city in arch.xpath(
            "//div[hasclass('o_address_format')]//field[@name='city']"
        ):
            if (
                city.getparent().find(
                    f"field[@name='{address_field(POSTAL_LEVEL.key)}']"
                )
                is not None
            ):
                continue
            for key in reversed(ADDRESS_LEVELS):
                fname = address_field(key)
                node = etree.Element(
                    "field",
                    name=fname,
                    placeholder=self.env[LEVELS[key].model]._description,
                    domain=domain_field(key),
                    invisible=f"country_code != '{COUNTRY_CODE}'",
                    options="{'no_create': True, 'no_open': True}",
                    context="{'wilayah_written_names': True}",
                )
                node.set("class", "o_address_street")
                if city.get("readonly"):
                    node.set("readonly", city.get("readonly"))
                city.addprevious(node)
            if self._wilayah_coordinate_fields:
                self._wilayah_locate_button(city)
        return arch

    def _wilayah_locate_button(self, city):
        """The button that fills the address from the partner's coordinates
        (res.partner's ``partner_latitude``/``partner_longitude``), after the
        kelurahan: shown where there are coordinates and the address is or
        may become Indonesian."""
        kelurahan = city.getparent().find(
            f"field[@name='{address_field(POSTAL_LEVEL.key)}']"
        )
        coordinates = self._wilayah_coordinate_fields
        no_coordinates = " and ".join(f"not {fname}" for fname in coordinates)
        button = etree.Element(
            "button",
            name="action_wilayah_locate",
            type="object",
            string=_("Kelurahan from coordinates"),
            icon="fa-map-marker",
            invisible=f"({no_coordinates}) or (country_id and country_code != "
            f"'{COUNTRY_CODE}')",
        )
        button.set("class", "btn btn-link p-0 mb-2")
        if city.get("readonly"):
            hidden = f"{button.get('invisible')} or ({city.get('readonly')})"
            button.set("invisible", hidden)
        kelurahan.addnext(button)
        for fname in coordinates:
            button.addnext(etree.Element("field", name=fname, invisible="1"))

    # --- dropdowns ------------------------------------------------------------

    @api.depends("country_id", "state_id", "zip", *map(address_field, ADDRESS_LEVELS))
    def _compute_wilayah_domains(self):
        """Each dropdown offers the units within the nearest level above it
        that is filled (the state counts as the provinsi); a zip that
        villages have narrows the kelurahan to them."""
        for record in self:
            for key in ADDRESS_LEVELS:
                domain = []
                if record.country_id.code != COUNTRY_CODE:
                    record[domain_field(key)] = domain  # hidden: nothing to narrow
                    continue
                for ancestor in address_ancestors(key):
                    unit = record[address_field(ancestor)]
                    if unit:
                        domain = [(LEVELS[ancestor].reference_field, "=", unit.id)]
                        break
                else:
                    provinces = record._wilayah_state_provinces()
                    if provinces:
                        domain = [("provinsi_id", "in", provinces.ids)]
                if key == POSTAL_LEVEL.key:
                    villages = record._wilayah_zip_villages().filtered_domain(domain)
                    if villages:  # a zip of another place does not empty the list
                        domain = [*domain, ("id", "in", villages.ids)]
                record[domain_field(key)] = domain

    def _wilayah_state_provinces(self):
        if not self.state_id:
            return self.env["wilayah.provinsi"]
        return self.env["wilayah.provinsi"].search(
            [("state_id", "=", self.state_id.id)]
        )

    def _wilayah_zip_villages(self):
        """The current villages whose postal codes include the zip."""
        Kelurahan = self.env[POSTAL_LEVEL.model]
        zip_code = (self.zip or "").strip()
        if not is_postal_code(zip_code):
            return Kelurahan
        index = self.env["wilayah.api.index"].sudo()._get_index()
        codes = index.by_postal_code.get(zip_code, [])
        return Kelurahan.search([("code", "in", codes)]) if codes else Kelurahan

    # --- picking fills the rest -------------------------------------------------

    @api.onchange("wilayah_kota_id")
    def _onchange_wilayah_kota_id(self):
        self._wilayah_picked("kota")

    @api.onchange("wilayah_kecamatan_id")
    def _onchange_wilayah_kecamatan_id(self):
        self._wilayah_picked("kecamatan")

    @api.onchange("wilayah_kelurahan_id")
    def _onchange_wilayah_kelurahan_id(self):
        self._wilayah_picked("kelurahan")

    def _wilayah_set(self, fname, value):
        # assign only a change: the form's onchange then runs the changed
        # field's own onchanges too, and sends back only what changed
        if self[fname] != value:
            self[fname] = value

    def _wilayah_picked(self, level_key):
        """A unit picked at ``level_key`` fills the levels above it, Odoo's
        state and country, the city (from the kota) and, for a village, the
        zip; the levels below keep their unit only if it lies within it."""
        unit = self[address_field(level_key)]
        level = LEVELS[level_key]
        for key in address_descendants(level_key):
            below = self[address_field(key)]
            if below and below[level.reference_field] != unit:
                self._wilayah_set(address_field(key), False)
        if not unit:
            return
        for fname, value in self._wilayah_implied(level_key, unit, self.zip).items():
            if value:
                self._wilayah_set(fname, value)
        if level_key != POSTAL_LEVEL.key:
            villages = self._wilayah_zip_villages()
            if villages and not villages.filtered(
                lambda village: village.code.startswith(unit.code)
            ):
                self._wilayah_set("zip", False)  # a postal code of another place

    @api.onchange("state_id")
    def _onchange_wilayah_state_id(self):
        """Another state: a kota of another provinsi (and what is below it)
        no longer fits."""
        kota = self[address_field(CITY_LEVEL)]
        linked = kota.provinsi_id.state_id
        if self.state_id and linked and linked != self.state_id:
            self._wilayah_set(address_field(CITY_LEVEL), False)
            self._wilayah_picked(CITY_LEVEL)

    @api.onchange("country_id")
    def _onchange_wilayah_country_id(self):
        if self.country_id.code != COUNTRY_CODE:
            for key in ADDRESS_LEVELS:
                self._wilayah_set(address_field(key), False)

    @api.onchange("zip")
    def _onchange_wilayah_zip(self):
        """A zip that one village has picks it; one that several share drops
        the units that none of them lies in, and picks the kecamatan (or
        kota) they all lie in. Only for an Indonesian address (or one without
        a country yet, in a company of Indonesia): a zip is typed before the
        country, and other countries' codes look alike."""
        country = self.country_id or self.env.company.country_id
        if country.code != COUNTRY_CODE:
            return
        villages = self._wilayah_zip_villages()
        village_field = address_field(POSTAL_LEVEL.key)
        if not villages or self[village_field] in villages:
            return
        if len(villages) == 1:
            self._wilayah_set(village_field, villages)
            self._wilayah_picked(POSTAL_LEVEL.key)
            return
        self._wilayah_set(village_field, False)
        for key in address_ancestors(POSTAL_LEVEL.key):
            shared = villages.mapped(LEVELS[key].reference_field)
            if len(shared) == 1:
                self._wilayah_set(address_field(key), shared)
                self._wilayah_picked(key)
                break
            current = self[address_field(key)]
            if current and current not in shared:
                self._wilayah_set(address_field(key), False)
                self._wilayah_picked(key)

    # --- writes (imports, RPC) ------------------------------------------------

    def _wilayah_implied(self, level_key, unit, typed_zip=None):
        """What a unit of ``level_key`` implies for the rest of an address,
        {field: value}: the levels above it, Odoo's state and country, the
        city (its kota's name) and, for a village, the zip (``typed_zip`` if
        the village has it). Empty values where it implies none."""
        implied = {
            address_field(key): unit[LEVELS[key].reference_field]
            for key in address_ancestors(level_key)
        }
        state = unit.provinsi_id.state_id
        kota = unit if level_key == CITY_LEVEL else implied[address_field(CITY_LEVEL)]
        implied["state_id"] = state
        implied["country_id"] = state.country_id or self.env["res.country"].search(
            [("code", "=", COUNTRY_CODE)], limit=1
        )
        implied["city"] = address_name(CITY_LEVEL, kota.name, kota.type)
        if level_key == POSTAL_LEVEL.key:
            implied["zip"] = village_zip(unit.postal_code, typed_zip)
        return implied

    def _wilayah_completed(self, vals, empty=None):
        """``vals`` with what its lowest unit implies, as picking it in the
        form does: the levels above it, also over a False (res.company's
        inverse of one level reads the others as False), and the state,
        country, city and zip where ``vals`` leaves them empty (on create) or
        ``empty`` has them empty (on write: the fields empty in every record
        written)."""
        for key in reversed(ADDRESS_LEVELS):
            unit_id = vals.get(address_field(key))
            if unit_id:
                break
        else:
            return vals
        unit = self.env[LEVELS[key].model].browse(unit_id).sudo()
        levels = set(map(address_field, ADDRESS_LEVELS))
        completed = dict(vals)
        for fname, value in self._wilayah_implied(key, unit).items():
            if not value or vals.get(fname):
                continue
            if fname in levels or empty is None or fname in empty:
                completed[fname] = (
                    value.id if isinstance(value, models.BaseModel) else value
                )
        return completed

    # --- archived units -----------------------------------------------------------

    def _wilayah_check_archived(self, vals, kept=None):
        """Refuse an archived unit newly chosen in ``vals``: one the records
        or their parents already have (or ``kept``: the parent's, shared by
        a new contact) stays."""
        for key in ADDRESS_LEVELS:
            fname = address_field(key)
            unit_id = vals.get(fname)
            if not unit_id:
                continue
            unit = (
                self.env[LEVELS[key].model]
                .browse(unit_id)
                .with_context(active_test=False)
            )
            if unit.active or (kept and kept[fname] == unit):
                continue
            if self and all(
                unit in (record | record.parent_id)[fname] for record in self
            ):
                continue  # it has it, or shares its parent's (address sync)
            raise ValidationError(
                _(
                    "%(unit)s is archived: it can no longer be chosen in an address.",
                    unit=unit.sudo().display_name,
                )
            )
