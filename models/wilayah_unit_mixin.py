from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, escape_psql

from ..wilayah.levels import LEVELS, ancestors, by_model
from ..wilayah.params import MIN_QUERY_LENGTH

# Hits of the address search a dropdown's search looks at: more than it shows,
# so that a domain of the field (a kecamatan's villages) still finds some.
NAME_SEARCH_HITS = 50
# The score (0-1) of the address search's top hit that an import's reference
# must reach to name it: every word names the unit or a parent, as written
# (a label scores 0.97-1, the same with a typo 0.86).
REFERENCE_MIN_SCORE = 0.9
CENTROID_HELP = (
    "Of the unit's centroid (decimal degrees, WGS 84), from the bundled "
    "boundaries; empty where they have none."
)
MAP_URL = (
    "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lng:.6f}"
    "#map={zoom}/{lat:.6f}/{lng:.6f}"
)


def unit_fields(level_key):
    """The fields of a level's model, from the level table, in this order:
    ``name``, ``code``, ``type`` for a level with types, the Many2one to its
    parent (required, indexed, restrict), the further ancestors as related
    fields (nearest first), the One2many to its children."""
    level = LEVELS[level_key]
    result = {
        "name": fields.Char(string=level.name_string, required=True, index="trigram"),
        "code": fields.Char(string=level.code_string, required=True),
    }
    if level.types:
        # Stored, so that lists filter and group by it; computed from the
        # codes at each ORM write (the loader, writing by SQL, sets it itself).
        # Not indexed: a few values over at most 84k rows, which a filter or
        # a grouping scans in milliseconds.
        result["type"] = fields.Selection(
            [(unit_type.value, unit_type.label) for unit_type in level.types],
            string="Type",
            compute="_compute_type",
            store=True,
        )
    if level.parent:
        parent = LEVELS[level.parent]
        result[level.parent_field] = fields.Many2one(
            parent.model,
            string=parent.reference_string,
            required=True,
            index=True,
            ondelete="restrict",
        )
        path = level.parent_field
        while parent.parent:
            path = f"{path}.{parent.parent_field}"
            parent = LEVELS[parent.parent]
            result[parent.reference_field] = fields.Many2one(
                related=path, string=parent.reference_string
            )
    if level.child:
        child = LEVELS[level.child]
        result[level.child_field] = fields.One2many(
            child.model, child.parent_field, string=child.title
        )
    return tuple(result.values())


class WilayahUnitMixin(models.AbstractModel):
    """Behaviour shared by the four levels of administrative units.

    Each level's model names its row of the level table (``_wilayah_level``);
    its code length, parent, children and external-id prefix come from there.
    """

    _name = "wilayah.unit.mixin"
    _description = "Wilayah Administrative Unit"
    _order = "code"
    _rec_names_search = ["code", "name"]

    _wilayah_level = None  # a key of LEVELS

    active = fields.Boolean(default=True)
    kemendagri_code = fields.Char(
        string="Kode Kemendagri",
        index=True,
        help="Code of the same unit in Kemendagri's numbering (dotted, e.g. "
        "32.04.31). Several codes are separated by commas where BPS merges "
        "Kemendagri units; empty where Kemendagri has no such unit.",
    )

    latitude = fields.Float(digits=(9, 6), help=CENTROID_HELP)
    longitude = fields.Float(digits=(9, 6), help=CENTROID_HELP)
    map_url = fields.Char(
        string="Map",
        compute="_compute_map_url",
        help="The centroid on OpenStreetMap.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code must be unique at each level."),
    ]

    @classmethod
    def _level(cls):
        return LEVELS[cls._wilayah_level]

    # --- search of a unit by what people type (wilayah/search.py) ----------

    @api.model
    def _address_hits(self, name, operator, limit, within=None):
        """Codes of this level's hits of the address search, best first; []
        where it does not apply (another operator, a short text). ``within``:
        (level key, codes), only units inside those."""
        if (
            operator != "ilike"
            or not isinstance(name, str)
            or len(name.strip()) < MIN_QUERY_LENGTH
        ):
            return []
        index = self.env["wilayah.api.index"].sudo()._get_index()
        hits = index.address_search.search(
            name, limit=limit, levels=(self._wilayah_level,), within=within
        )
        return [hit.code for hit in hits]

    @api.model
    def _address_within(self, domain):
        """(level key, codes) of the units a dropdown's domain keeps it
        within (``[("kecamatan_id", "=", 5)]``: a partner's kecamatan is
        filled), for the address search to look there; None if it does not."""
        fields_by_level = {
            LEVELS[key].reference_field: key for key in ancestors(self._wilayah_level)
        }
        for leaf in domain or []:
            if (
                isinstance(leaf, list | tuple)
                and len(leaf) == 3
                and leaf[0] in fields_by_level
                and leaf[1] in ("=", "in")
            ):
                key = fields_by_level[leaf[0]]
                ids = leaf[2] if isinstance(leaf[2], list | tuple) else [leaf[2]]
                if all(isinstance(unit_id, int) for unit_id in ids):
                    units = self.env[LEVELS[key].model].sudo().browse(ids).exists()
                    return key, units.mapped("code")
        return None

    @api.model
    def _search_display_name(self, operator, value):
        # The code and name as typed (_rec_names_search), or a hit of the
        # address search: "neglawangi kertasari" finds NEGLAWANGI.
        if (
            operator in ("ilike", "not ilike", "=", "!=")
            and isinstance(value, str)
            and not any(char.isdigit() or char in "%_" for char in value)
        ):
            # codes are digits: a leaf on them would be constant, and a
            # substring search of 84k codes a sequential scan (name has a
            # trigram index)
            domain = [("name", operator, value)]
        else:
            domain = super()._search_display_name(operator, value)
        if operator == "=" and isinstance(value, str):
            domain = expression.OR([domain, self._search_reference(value)])
        if self.env.context.get("wilayah_address_hits_placed"):
            return domain  # name_search placed them first already
        codes = self._address_hits(value, operator, NAME_SEARCH_HITS)
        if codes:
            domain = expression.OR([domain, [("code", "in", codes)]])
        return domain

    @api.model
    def _search_reference(self, value):
        """How an import names a unit (a name_search with "="), besides its
        code or exact name: its dotted Kemendagri code (32.04.31.2005), its
        name in any case (Neglawangi), its display name as an export writes
        it (3204050001 NEGLAWANGI), or its label with its parents
        (NEGLAWANGI, KERTASARI, KAB. BANDUNG) when the address search finds
        it alone at the top."""
        level, value = self._level(), value.strip()
        if level.is_kemendagri_code(value):
            index = self.env["wilayah.api.index"].sudo()._get_index()
            return [("code", "in", index.resolve(level.key, value))]
        code, _space, name = value.partition(" ")
        if level.is_code(code) and name.strip():
            return [("code", "=", code), ("name", "=ilike", escape_psql(name.strip()))]
        if not value:
            return []
        domain = [("name", "=ilike", escape_psql(value))]
        if len(value) >= MIN_QUERY_LENGTH:
            index = self.env["wilayah.api.index"].sudo()._get_index()
            hits = index.address_search.search(value, limit=2, levels=(level.key,))
            if (
                hits
                and hits[0].score >= REFERENCE_MIN_SCORE
                and (len(hits) == 1 or hits[1].score < hits[0].score)
            ):
                domain = expression.OR([domain, [("code", "=", hits[0].code)]])
        return domain

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """The address search's hits first, best first, then the other
        matches by code; each shown with its parents (its label), also when
        the text is too short to search (a dropdown just opened)."""
        codes = self._address_hits(
            name,
            operator,
            max(limit or 0, NAME_SEARCH_HITS),
            within=self._address_within(args),
        )
        units = self.browse()
        if codes:
            rank = {code: position for position, code in enumerate(codes)}
            units = self.search_fetch(
                expression.AND([[("code", "in", codes)], args or []]), ["code"]
            ).sorted(lambda unit: rank[unit.code])[:limit]
        if not limit or len(units) < limit:
            others = super(
                WilayahUnitMixin, self.with_context(wilayah_address_hits_placed=True)
            ).name_search(
                name,
                expression.AND([args or [], [("id", "not in", units.ids)]]),
                operator,
                limit and limit - len(units),
            )
            units |= self.browse([unit_id for unit_id, _name in others])
        index = self.env["wilayah.api.index"].sudo()._get_index()
        level_units = index.units[self._wilayah_level]
        return [
            (
                unit.id,
                index.label(self._wilayah_level, level_units[unit.code])
                if unit.code in level_units
                else unit.display_name,
            )
            for unit in units.sudo()
        ]

    @api.depends("code", "name")
    @api.depends_context("wilayah_written_names")
    def _compute_display_name(self):
        # An address form shows "KAB. BANDUNG" (context set on its fields:
        # wilayah.address.mixin); elsewhere the code comes first.
        written = self.env.context.get("wilayah_written_names")
        level = self._level()
        for unit in self:
            if written and unit.name:
                unit_type = unit.type if "type" in unit._fields else None
                unit.display_name = level.written_name(unit.name, unit_type)
            else:
                unit.display_name = (
                    f"{unit.code} {unit.name}" if unit.code else (unit.name or "")
                )

    @api.depends("latitude", "longitude")
    def _compute_map_url(self):
        zoom = self._level().map_zoom
        for unit in self:
            if unit.latitude or unit.longitude:
                unit.map_url = MAP_URL.format(
                    lat=unit.latitude, lng=unit.longitude, zoom=zoom
                )
            else:
                unit.map_url = False

    @api.depends("code", "kemendagri_code")
    def _compute_type(self):
        # only the levels with types have the field (unit_fields)
        level = self._level()
        for unit in self:
            unit.type = level.unit_type(unit.code or "", unit.kemendagri_code) or False

    @api.constrains(lambda self: ["code", *filter(None, [self._level().parent_field])])
    def _check_code(self):
        level = self._level()
        for unit in self:
            code = unit.code or ""
            if not level.is_code(code):
                raise ValidationError(
                    _(
                        "%(field)s '%(code)s' must be exactly %(length)s digits.",
                        field=self._fields["code"].string,
                        code=code,
                        length=level.code_length,
                    )
                )
            parent = unit[level.parent_field] if level.parent else None
            if parent and not code.startswith(parent.code):
                raise ValidationError(
                    _(
                        "%(field)s '%(code)s' must start with the code of its "
                        "parent %(parent)s.",
                        field=self._fields["code"].string,
                        code=code,
                        parent=parent.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_has_children(self):
        child_field = self._level().child_field
        if not child_field:
            return
        for unit in self:
            children = unit.with_context(active_test=False)[child_field]
            if children:
                raise UserError(
                    _(
                        "%(unit)s cannot be deleted: %(count)s units still belong "
                        "to it. Archive it instead.",
                        unit=unit.display_name,
                        count=len(children),
                    )
                )

    # The API answers from an in-memory index cached in the registry; any change
    # of the data must drop it (in every worker, through registry signaling).
    # An import batch drops it once, after all its writes (_load_records): each
    # drop also empties the access-rights caches the next write then queries.
    def _clear_index(self):
        if not self.env.context.get("wilayah_index_cleared_later"):
            self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._clear_index()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._clear_index()
        return result

    def unlink(self):
        result = super().unlink()
        self._clear_index()
        return result

    @api.model
    def _normalize_vals(self, vals):
        """``vals`` as the model stores them, to compare an import row with a
        unit (the kelurahan sorts its postal codes)."""
        return vals

    # -- import (Actions > Import records, load()) -------------------------------
    # README, "Region data": an import is an update by code. A row names one
    # unit, by its code (and by its external id, if that exists); it never
    # changes another one.

    def load(self, fields, data):
        """Refuse, before anything is applied, data that gives one code or one
        external id to several rows: the later row would silently rewrite the
        unit the earlier one named. (The import dialog passes one batch at a
        time; it checks the whole file before its first batch, see
        models/base_import.py.)"""
        problems = self._load_repeated_keys(fields, data)
        if not problems:
            return super(
                WilayahUnitMixin,
                self.with_context(
                    wilayah_references=self._load_references(fields, data)
                ),
            ).load(fields, data)
        _message, first, again = problems[0]
        return {
            "ids": False,
            "messages": [
                {
                    "type": "error",
                    "rows": {"from": first - 1, "to": again - 1},
                    "message": self._load_repeated_keys_message(problems),
                }
            ],
            "nextrow": 0,
        }

    @api.model
    def _load_references(self, fields, data):
        """``{parent model: {external id: unit id}}`` for the parent column of
        the rows ``load()`` will apply (its ``_import_limit``), found in bulk
        as ``ir.fields.converter`` finds each (models/ir_fields_converter.py)."""
        references = {}
        limit = self.env.context.get("_import_limit") or len(data)
        converter = self.env["ir.fields.converter"].with_context(
            _import_current_module=self.env.context.get("module", "__import__")
        )
        for index, path in enumerate(fields):
            fname, _slash, subfield = path.replace(".id", "/id").partition("/")
            field = self._fields.get(fname)
            if subfield != "id" or field is None or field.type != "many2one":
                continue
            if not by_model(field.comodel_name):
                continue
            xmlids = {
                converter._import_xmlid(row[index])
                for row in data[:limit]
                if index < len(row) and row[index]
            }
            references[field.comodel_name] = self.env[
                field.comodel_name
            ]._find_by_references(xmlids)
        return references

    @api.model
    def _load_repeated_keys_message(self, problems):
        message = _(
            "%(problems)s. Each row names one unit, so nothing of this file was "
            "imported: correct it and import it again.",
            problems="; ".join(message for message, _first, _again in problems),
        )
        return message[:1].upper() + message[1:]

    @api.model
    def _load_repeated_keys(self, fields, data, limit=10):
        """``[(message, first row, repeating row)]`` for codes and external
        ids given to several rows of ``data`` (rows numbered from 1)."""
        name_column = fields.index("name") if "name" in fields else None
        module = self.env.context.get("module", "__import__")
        problems = []
        for column, label in (
            ("code", self._fields["code"].string),
            ("id", _("External ID")),
        ):
            if column not in fields:
                continue
            index = fields.index(column)
            first_rows = {}
            for row_number, row in enumerate(data, 1):
                value = (row[index] or "").strip() if index < len(row) else ""
                if not value:
                    continue
                key = value if column == "code" or "." in value else f"{module}.{value}"
                first = first_rows.setdefault(key, row_number)
                if first == row_number:
                    continue
                rows = [first, row_number]
                if name_column is not None:
                    rows = [
                        f"{number} ({data[number - 1][name_column]})" for number in rows
                    ]
                problems.append(
                    (
                        _(
                            "rows %(first)s and %(again)s have the same %(column)s "
                            "%(value)s",
                            first=rows[0],
                            again=rows[1],
                            column=label,
                            value=value,
                        ),
                        first,
                        row_number,
                    )
                )
                if len(problems) >= limit:
                    return problems
        return problems

    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        """Create or update units and give them their external ids, set-based:
        one query finds the external ids of a batch, one its codes; a row whose
        code exists updates that unit (whatever its external id; an archived
        unit comes back), and only with the values that differ; new codes are
        created in one ``create``; the missing external ids are inserted at
        once. Creates and writes go through the ORM, so every check runs.

        A row whose external id (or database id) is a unit with another code
        is refused: an import does not change codes, nor moves one to another
        unit.
        """
        if ignore_duplicates:
            return super()._load_records(data_list, update, ignore_duplicates)
        units = self.with_context(
            active_test=False, install_mode=True, wilayah_index_cleared_later=True
        )
        imd = self.env["ir.model.data"].sudo()

        xml_ids = {}  # external id: (its unit's id or None, noupdate)
        for d_id, module, name, model, _res_id, noupdate, unit_id in imd._lookup_xmlids(
            [data["xml_id"] for data in data_list if data.get("xml_id")], self
        ):
            xml_id = f"{module}.{name}"
            if model != self._name:
                raise ValidationError(
                    _(
                        "The external id %(xml_id)s is a record of %(model)s "
                        "(%(record_id)s), not of %(expected)s.",
                        xml_id=xml_id,
                        model=model,
                        record_id=d_id,
                        expected=self._name,
                    )
                )
            xml_ids[xml_id] = (unit_id, noupdate)
        codes = {data["values"].get("code") for data in data_list} - {None, False, ""}
        by_code = {
            unit.code: unit
            for unit in units.search_fetch([("code", "in", list(codes))], ["code"])
        }

        # units named by a database id (an ".id" column) that still exist
        existing_ids = set(
            units.browse(
                [data["values"]["id"] for data in data_list if data["values"].get("id")]
            )
            .exists()
            .ids
        )
        rows = []  # (data, values, unit or None)
        for data in data_list:
            values = self._normalize_vals(dict(data["values"]))
            xml_id = data.get("xml_id")
            named_id = values.pop("id", None)
            if named_id not in existing_ids:
                named_id = xml_ids.get(xml_id, (None,))[0]
            named = units.browse(named_id) if named_id else units
            code = values.get("code")
            if named and code and named.code != code:
                raise UserError(self._load_code_conflict(xml_id, named, code, by_code))
            rows.append((data, values, named or by_code.get(code)))

        fnames = {
            fname
            for _data, values, unit in rows
            if unit
            for fname in values
            if fname in self._fields
        }
        units.browse([unit.id for _d, _v, unit in rows if unit]).fetch(
            [*fnames, "active"]
        )
        to_create, changed = [], False
        for data, values, unit in rows:
            if not unit:
                to_create.append((data, values))
                continue
            data["record"] = unit
            if update and xml_ids.get(data.get("xml_id"), (None, False))[1]:
                continue  # a noupdate record of a module being upgraded
            changes = unit._load_changes(values)
            if changes:
                unit._load_records_write(changes)
                changed = True
        if to_create:
            created = units._load_records_create(
                [values for _data, values in to_create]
            )
            for (data, _values), unit in zip(to_create, created, strict=True):
                data["record"] = unit
        if changed or to_create:
            self.env.registry.clear_cache()

        new_xml_ids = [
            data
            for data in data_list
            if data.get("xml_id")
            and xml_ids.get(data["xml_id"], (None,))[0] != data["record"].id
        ]
        self._load_check_xml_id_modules(new_xml_ids)
        imd._update_xmlids(
            [
                {
                    "xml_id": data["xml_id"],
                    "record": data["record"],
                    "noupdate": data.get("noupdate", False),
                }
                for data in new_xml_ids
            ],
            update,
        )
        return self.browse([data["record"].id for data in data_list])

    def _load_changes(self, values):
        """The part of an import row's ``values`` that differs from this unit
        (empty: nothing to write); an archived unit is brought back."""
        self.ensure_one()
        changes = {}
        for fname, value in values.items():
            field = self._fields[fname]
            if field.type in ("one2many", "many2many"):
                changes[fname] = value  # commands: written as given
                continue
            current = field.convert_to_write(self[fname], self)
            if (current or False) != (value or False):
                changes[fname] = value
        if not self.active and "active" not in values:
            changes["active"] = True
        return changes

    @api.model
    def _load_code_conflict(self, xml_id, named, code, by_code):
        # plain variables as arguments of _(): Odoo's terms export drops a
        # message whose arguments hold another call or an f-string
        reference = xml_id or _("This row's database id")
        other = by_code.get(code)
        if other:
            return _(
                "%(reference)s is %(unit)s, but the code %(code)s is %(other)s: an "
                "import does not move a code from one unit to another.",
                reference=reference,
                unit=named.display_name,
                code=code,
                other=other.display_name,
            )
        return _(
            "%(reference)s is %(unit)s, not %(code)s: an import does not change "
            "codes. Give the unit's own code, or change it in the unit's form.",
            reference=reference,
            unit=named.display_name,
            code=code,
        )

    @api.model
    def _load_check_xml_id_modules(self, data_list):
        """As Odoo's own import: an external id under the name of an installed
        module would make that module's next upgrade delete the unit. Odoo
        checks created records only; an upsert attaches ids to existing units,
        so every new id is checked."""
        if not self.env.context.get("import_file"):
            return
        modules = set(self.env["ir.module.module"].sudo().search([]).mapped("name"))
        for data in data_list:
            xml_id = data["xml_id"]
            module, _dot, name = xml_id.partition(".")
            if module in modules and not data.get("noupdate"):
                raise UserError(
                    _(
                        "The record %(xml_id)s has the module prefix "
                        "%(module_name)s. This is the part before the '.' in the "
                        "external id. Because the prefix refers to an existing "
                        "module, the record would be deleted when the module is "
                        "upgraded. Use either no prefix and no dot or a prefix that "
                        "isn't an existing module. For example, __import__, "
                        "resulting in the external id __import__.%(record_id)s.",
                        xml_id=xml_id,
                        module_name=module,
                        record_id=name,
                    )
                )

    @api.model
    def _find_by_references(self, xmlids):
        """``{external id: unit id}`` for the references of an import, as
        ``_xmlid_to_record_id`` finds each: an external id of a unit of this
        level, else (without its module) a BPS code or the external id name
        of this data set. Dotted Kemendagri codes, and what is not found, are
        left to that method (one query each, and its error)."""
        cr = self.env.cr
        level = self._level()
        found = {}
        names_by_module = defaultdict(set)
        for xmlid in xmlids:
            module, _dot, name = xmlid.partition(".")
            if not module.isdigit():
                names_by_module[module].add(name)
        for module, names in names_by_module.items():
            for names_chunk in cr.split_for_in_conditions(names):
                cr.execute(
                    SQL(
                        """
                        SELECT d.name, d.res_id
                          FROM ir_model_data d JOIN %s t ON t.id = d.res_id
                         WHERE d.module = %s AND d.model = %s AND d.name IN %s
                        """,
                        SQL.identifier(level.table),
                        module,
                        self._name,
                        names_chunk,
                    )
                )
                found.update(
                    (f"{module}.{name}", res_id) for name, res_id in cr.fetchall()
                )
        by_code = defaultdict(list)
        for module, names in names_by_module.items():
            for name in names:
                if f"{module}.{name}" not in found:
                    by_code[self._reference_code(name)].append(f"{module}.{name}")
        for codes_chunk in cr.split_for_in_conditions(by_code):
            cr.execute(
                SQL(
                    "SELECT code, id FROM %s WHERE code IN %s",
                    SQL.identifier(level.table),
                    codes_chunk,
                )
            )
            for code, unit_id in cr.fetchall():
                found.update((xmlid, unit_id) for xmlid in by_code[code])
        return found

    @api.model
    def _reference_code(self, reference):
        """A reference without this data set's external id prefix:
        ``kota_3204`` -> ``3204``; a code stays as it is."""
        return (reference or "").strip().removeprefix(self._level().xmlid_prefix)

    @api.model
    def _find_by_reference(self, reference):
        """The unit a reference names: a BPS code, a dotted Kemendagri code,
        or an external id name such as ``kota_3204``."""
        reference = self._reference_code(reference)
        units = self.with_context(active_test=False)
        if "." in reference:
            return units.search([("kemendagri_code", "ilike", reference)]).filtered(
                lambda unit: reference in unit.kemendagri_code.split(",")
            )[:1]
        return units.search([("code", "=", reference)], limit=1)
