from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..wilayah.levels import LEVELS


def unit_fields(level_key):
    """The fields of a level's model, from the level table, in this order:
    ``name``, ``code``, the Many2one to its parent (required, indexed,
    restrict), the further ancestors as related fields (nearest first), the
    One2many to its children."""
    level = LEVELS[level_key]
    result = {
        "name": fields.Char(string=level.name_string, required=True, index="trigram"),
        "code": fields.Char(string=level.code_string, required=True),
    }
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

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code must be unique at each level."),
    ]

    @classmethod
    def _level(cls):
        return LEVELS[cls._wilayah_level]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = (
                f"{unit.code} {unit.name}" if unit.code else (unit.name or "")
            )

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
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _load_records_create(self, vals_list):
        """Import is an upsert by code (README, "Region data").

        A row whose code already exists updates that unit (archived ones are
        brought back), whatever external id the file gives it; the import then
        attaches that external id to the existing unit.
        """
        codes = [vals["code"] for vals in vals_list if vals.get("code")]
        existing = {
            unit.code: unit
            for unit in self.with_context(active_test=False).search(
                [("code", "in", codes)]
            )
        }
        to_create = []
        for vals in vals_list:
            unit = existing.get(vals.get("code"))
            if unit:
                unit._load_records_write(dict(vals, active=vals.get("active", True)))
            else:
                to_create.append(vals)
        created = iter(super()._load_records_create(to_create).ids if to_create else [])
        return self.browse(
            [
                existing[vals["code"]].id
                if vals.get("code") in existing
                else next(created)
                for vals in vals_list
            ]
        )

    @api.model
    def _find_by_reference(self, reference):
        """The unit a reference names: a BPS code, a dotted Kemendagri code,
        or an external id name such as ``kota_3204``."""
        reference = (reference or "").strip().removeprefix(self._level().xmlid_prefix)
        units = self.with_context(active_test=False)
        if "." in reference:
            return units.search([("kemendagri_code", "ilike", reference)]).filtered(
                lambda unit: reference in unit.kemendagri_code.split(",")
            )[:1]
        return units.search([("code", "=", reference)], limit=1)
