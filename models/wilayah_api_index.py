import hashlib

from odoo import api, models, tools
from odoo.tools import SQL

from ..wilayah.index import RegionIndex, Unit
from ..wilayah.levels import LEVELS


class WilayahApiIndex(models.AbstractModel):
    """Reads the regions into the API's in-memory index (``wilayah/index.py``).

    The index is kept in the registry's ormcache: any change of the data clears
    the registry cache (see ``wilayah.unit.mixin``), and registry signaling
    makes every worker drop its copy and rebuild it on its next request.
    """

    _name = "wilayah.api.index"
    _description = "Wilayah Indonesia API index"

    @api.model
    @tools.ormcache()
    def _get_index(self):
        cr = self.env.cr
        rows_by_level, fingerprint = {}, hashlib.sha256()
        for level in LEVELS.values():
            table = SQL.identifier(level.table)
            parent_code, parent_join = SQL("''"), SQL("")
            if level.parent:
                parent_code = SQL("p.code")
                parent_join = SQL(
                    "LEFT JOIN %s p ON p.id = t.%s",
                    SQL.identifier(LEVELS[level.parent].table),
                    SQL.identifier(level.parent_field),
                )
            postal_code = SQL("t.postal_code" if level.has_postal_code else "''")
            unit_type = SQL("t.type" if level.types else "''")
            cr.execute(
                SQL(
                    """
                    SELECT t.code, t.name, COALESCE(%s, ''), COALESCE(%s, ''),
                           COALESCE(t.kemendagri_code, ''), COALESCE(t.active, true),
                           COALESCE(%s, ''), t.latitude, t.longitude
                      FROM %s t %s
                     WHERE t.code IS NOT NULL AND t.name IS NOT NULL
                    """,
                    parent_code,
                    postal_code,
                    unit_type,
                    table,
                    parent_join,
                )
            )
            rows_by_level[level.key] = [Unit(*row) for row in cr.fetchall()]
            cr.execute(
                SQL("SELECT count(*), max(id), max(write_date)::text FROM %s", table)
            )
            fingerprint.update(repr(cr.fetchone()).encode())
        return RegionIndex(rows_by_level, fingerprint.hexdigest())
