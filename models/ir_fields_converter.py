from odoo import models

from ..wilayah.levels import by_model


class IrFieldsConverter(models.AbstractModel):
    _inherit = "ir.fields.converter"

    def db_id_for(self, model, field, subfield, value):
        """A parent reference of a region import found in the batch's
        references, resolved in bulk by ``load()`` (wilayah_unit_mixin.py):
        two queries per batch instead of two per distinct parent."""
        references = self.env.context.get("wilayah_references", {}).get(
            field.comodel_name
        )
        if references and subfield == "id" and value:
            record_id = references.get(self._import_xmlid(value))
            if record_id:
                return record_id, "external id", []
        return super().db_id_for(model, field, subfield, value)

    def _import_xmlid(self, value):
        """The external id an import's reference stands for, as db_id_for
        builds it: ``kota_3204`` is ``__import__.kota_3204``."""
        if "." in value:
            return value
        return f"{self.env.context.get('_import_current_module', '')}.{value}"

    def _xmlid_to_record_id(self, xmlid, model):
        """Resolve an import's parent reference by code when no such external id
        exists (README, "Region data"): ``provinsi_id/id`` may hold
        ``provinsi_32`` from this data set, a bare ``32`` from the published
        module's files, a dotted Kemendagri code such as ``32.04``, or an id
        that only a database of the other origin has."""
        result = super()._xmlid_to_record_id(xmlid, model)
        if result is None and by_model(model._name):
            # The import prefixes a reference without a dot with its module
            # (``__import__.32``); a dotted Kemendagri code (``32.04``) arrives
            # as it is, its first part being digits, not a module name.
            module, _dot, name = xmlid.partition(".")
            reference = xmlid if module.isdigit() else name
            unit = model._find_by_reference(reference)
            if unit:
                self.env.context.get("import_cache", {})[xmlid] = (model._name, unit.id)
                return unit.id
        return result
