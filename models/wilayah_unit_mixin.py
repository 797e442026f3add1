import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

POSTAL_CODE_RE = re.compile(r"^\d{5}$")


class WilayahUnitMixin(models.AbstractModel):
    """Behaviour shared by the four levels of administrative units.

    Each level sets ``_code_length`` (BPS code digits), ``_parent_field`` (the
    Many2one to the level above, if any), ``_child_field`` (the One2many to the
    level below, if any) and ``_xmlid_prefix`` (``provinsi_``, ``kota_``, ...).
    """

    _name = "wilayah.unit.mixin"
    _description = "Wilayah Administrative Unit"
    _order = "code"
    _rec_names_search = ["code", "name"]

    _code_length = 0
    _parent_field = None
    _child_field = None
    _xmlid_prefix = ""

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

    @api.depends("code", "name")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = (
                f"{unit.code} {unit.name}" if unit.code else (unit.name or "")
            )

    @api.constrains(
        lambda self: ["code", self._parent_field] if self._parent_field else ["code"]
    )
    def _check_code(self):
        for unit in self:
            code = unit.code or ""
            if not (
                code.isascii() and code.isdigit() and len(code) == self._code_length
            ):
                raise ValidationError(
                    _(
                        "%(field)s '%(code)s' must be exactly %(length)s digits.",
                        field=self._fields["code"].string,
                        code=code,
                        length=self._code_length,
                    )
                )
            parent = unit[self._parent_field] if self._parent_field else None
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
        if not self._child_field:
            return
        for unit in self:
            children = unit.with_context(active_test=False)[self._child_field]
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
        """Import is an upsert by code (API.md B.11).

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
        reference = (reference or "").strip()
        if reference.startswith(self._xmlid_prefix):
            reference = reference[len(self._xmlid_prefix) :]
        units = self.with_context(active_test=False)
        if "." in reference:
            return units.search([("kemendagri_code", "ilike", reference)]).filtered(
                lambda unit: reference in unit.kemendagri_code.split(",")
            )[:1]
        return units.search([("code", "=", reference)], limit=1)
