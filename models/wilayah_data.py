import csv
import hashlib
import io
import logging
import time

from odoo import api, models
from odoo.tools import SQL, file_open

from ..wilayah import ADDON as MODULE
from ..wilayah.levels import LEVELS, normalize_postal_codes

_logger = logging.getLogger(__name__)

DATA_DIR = f"{MODULE}/data/wilayah"
DATA_CHECKSUM_PARAM = "wilayah.data.checksum"


class WilayahData(models.AbstractModel):
    """Install and upgrade life cycle of the bundled region data."""

    _name = "wilayah.data"
    _description = "Wilayah Indonesia bundled data"

    @api.model
    def _bundled_checksum(self):
        digest = hashlib.sha256()
        for level in LEVELS.values():
            with file_open(f"{DATA_DIR}/{level.data_file}", "rb") as data_file:
                digest.update(data_file.read())
        return digest.hexdigest()

    @api.model
    def _sync_bundled_data(self, force=False):
        """Bring the regions to the data this version of the addon ships.

        Runs at install and at every upgrade (from a ``<function>`` of the
        module's data), and does nothing when the shipped files have not changed
        since the last run. Units are matched by code, so a database that ran the
        published module, or an older release of this one, keeps its records (and
        their database ids): names, parents, postal and Kemendagri codes are
        updated, new units inserted, units no longer in the data archived.
        Bulk SQL (``COPY`` into a staging table) loads the 92k rows in seconds,
        as ``product_unspsc`` does.
        """
        params = self.env["ir.config_parameter"].sudo()
        checksum = self._bundled_checksum()
        if (
            not force
            and params.get_param(DATA_CHECKSUM_PARAM) == checksum
            and self._bundled_units_present()
        ):
            _logger.info("Wilayah data is up to date, nothing to load.")
            return
        self.env.flush_all()
        started = time.perf_counter()
        for level in LEVELS.values():
            self._sync_level(level)
        params.set_param(DATA_CHECKSUM_PARAM, checksum)
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        _logger.info("Wilayah data loaded in %.1f s.", time.perf_counter() - started)

    @api.model
    def _bundled_units_present(self):
        """Whether every unit the addon ships is in its table, under its
        bundled external id (``<module>.<level>_<code>``).

        The checksum alone only says which files were loaded last, not that
        their units are still there: a reinstall, or rows deleted through SQL,
        leave it behind with the tables emptied.
        """
        for level in LEVELS.values():
            self.env.cr.execute(
                SQL(
                    """
                    SELECT count(*)
                      FROM ir_model_data d
                      JOIN %(table)s t ON t.id = d.res_id
                                      AND d.name = %(prefix)s || t.code
                     WHERE d.module = %(module)s AND d.model = %(model)s
                    """,
                    table=SQL.identifier(level.table),
                    prefix=level.xmlid_prefix,
                    module=MODULE,
                    model=level.model,
                )
            )
            if self.env.cr.fetchone()[0] < level.shipped_units:
                return False
        return True

    @api.model
    def _fix_duplicate_codes(self, level):
        """Give back their own code to units that share one, before matching
        by code.

        The published module had no unique code, and its own province file
        imports DI YOGYAKARTA (id ``34``) with code ``33``. For each group of
        units with the same code, the one with the shipped name (else the
        oldest) keeps it; each other one takes the code its external ids or
        its children give it (``__import__.34``; ``3401``, ``3402``... below
        it), if no unit has that code yet. Any unit left over stays as it is
        and is reported.
        """
        cr = self.env.cr
        table = SQL.identifier(level.table)
        cr.execute(
            SQL(
                """
                SELECT t.code,
                       array_agg(t.id ORDER BY (t.name = s.name) IS TRUE DESC, t.id)
                  FROM %(table)s t LEFT JOIN wilayah_stage s ON s.code = t.code
                 GROUP BY t.code HAVING count(*) > 1
                """,
                table=table,
            )
        )
        groups = cr.fetchall()
        if not groups:
            return
        child = LEVELS[level.child] if level.child else None
        for code, unit_ids in groups:
            for unit_id in unit_ids[1:]:
                candidates = []
                cr.execute(
                    "SELECT name FROM ir_model_data WHERE model = %s AND res_id = %s"
                    " ORDER BY id",
                    [level.model, unit_id],
                )
                for (name,) in cr.fetchall():
                    name = name.removeprefix(level.xmlid_prefix)
                    if level.is_code(name):
                        candidates.append(name)
                if child:
                    cr.execute(
                        SQL(
                            "SELECT DISTINCT left(code, %(length)s) FROM %(table)s"
                            " WHERE %(parent)s = %(id)s",
                            length=level.code_length,
                            table=SQL.identifier(child.table),
                            parent=SQL.identifier(child.parent_field),
                            id=unit_id,
                        )
                    )
                    children_codes = cr.fetchall()
                    if len(children_codes) == 1:
                        candidates.append(children_codes[0][0])
                for candidate in candidates:
                    if candidate == code:
                        continue
                    cr.execute(
                        SQL("SELECT 1 FROM %s WHERE code = %s", table, candidate)
                    )
                    if not cr.rowcount:
                        cr.execute(
                            SQL(
                                "UPDATE %s SET code = %s WHERE id = %s",
                                table,
                                candidate,
                                unit_id,
                            )
                        )
                        _logger.info(
                            "Wilayah data %s: unit %s had the code %s of another "
                            "unit, its code is now %s.",
                            level.model,
                            unit_id,
                            code,
                            candidate,
                        )
                        break
                else:
                    _logger.warning(
                        "Wilayah data %s: units %s share the code %s; unit %s "
                        "could not be given a code of its own: fix it by hand.",
                        level.model,
                        unit_ids,
                        code,
                        unit_id,
                    )

    @api.model
    def _sync_level(self, level):
        started = time.perf_counter()
        cr = self.env.cr
        table = SQL.identifier(level.table)
        parent = LEVELS[level.parent] if level.parent else None

        cr.execute(
            """
            CREATE TEMPORARY TABLE wilayah_stage (
                code varchar PRIMARY KEY,
                name varchar NOT NULL,
                parent_code varchar,
                postal_code varchar,
                kemendagri_code varchar,
                type varchar
            ) ON COMMIT DROP
            """
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with file_open(f"{DATA_DIR}/{level.data_file}", "r") as data_file:
            for row in csv.DictReader(data_file):
                parent_ref = row[f"{level.parent_field}/id"] if parent else ""
                kemendagri_code = row.get("kemendagri_code", "")
                writer.writerow(
                    (
                        row["code"],
                        row["name"],
                        parent_ref.removeprefix(parent.xmlid_prefix) if parent else "",
                        # as the ORM stores them: sorted, no blanks, no repeats
                        normalize_postal_codes(row.get("postal_code")) or "",
                        kemendagri_code,
                        # as the model computes it (_compute_type)
                        level.unit_type(row["code"], kemendagri_code) or "",
                    )
                )
        buffer.seek(0)
        cr.copy_expert("COPY wilayah_stage FROM STDIN WITH (FORMAT csv)", buffer)
        self._fix_duplicate_codes(level)

        # Values of the target columns, as SQL expressions over the staging row
        # `s` and its parent `p`.
        values = {"name": SQL("s.name"), "kemendagri_code": SQL("s.kemendagri_code")}
        if level.has_postal_code:
            values["postal_code"] = SQL("s.postal_code")
        if level.types:
            values["type"] = SQL("s.type")
        if parent:
            values[level.parent_field] = SQL("p.id")
            parent_join = SQL(
                "JOIN %s p ON p.code = s.parent_code", SQL.identifier(parent.table)
            )
        else:
            parent_join = SQL("")

        def column_list(names):
            return SQL(", ").join(SQL.identifier(name) for name in names)

        cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET %(assignments)s, active = true,
                       write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                  FROM wilayah_stage s %(parent_join)s
                 WHERE t.code = s.code
                   AND (NOT t.active OR %(changed)s)
                """,
                table=table,
                assignments=SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(column), expr)
                    for column, expr in values.items()
                ),
                uid=self.env.uid,
                parent_join=parent_join,
                changed=SQL(" OR ").join(
                    SQL("t.%s IS DISTINCT FROM %s", SQL.identifier(column), expr)
                    for column, expr in values.items()
                ),
            )
        )
        updated = cr.rowcount
        cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (code, %(columns)s, active,
                                       create_uid, create_date, write_uid, write_date)
                SELECT s.code, %(exprs)s, true, %(uid)s, now() AT TIME ZONE 'UTC',
                       %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM wilayah_stage s %(parent_join)s
                 WHERE NOT EXISTS (SELECT 1 FROM %(table)s t WHERE t.code = s.code)
                 ORDER BY s.code
                """,
                table=table,
                columns=column_list(values),
                exprs=SQL(", ").join(values.values()),
                uid=self.env.uid,
                parent_join=parent_join,
            )
        )
        inserted = cr.rowcount
        cr.execute(
            SQL(
                """
                UPDATE %(table)s t
                   SET active = false,
                       write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                 WHERE t.active
                   AND NOT EXISTS (SELECT 1 FROM wilayah_stage s WHERE s.code = t.code)
                """,
                table=table,
                uid=self.env.uid,
            )
        )
        archived = cr.rowcount
        # One external id per unit, `<module>.<level>_<code>`; noupdate so that
        # the end-of-upgrade cleanup never deletes units no XML file mentions.
        cr.execute(
            SQL(
                """
                INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
                SELECT DISTINCT ON (t.code)
                       %(module)s, %(prefix)s || t.code, %(model)s, t.id, true
                  FROM %(table)s t
                 WHERE NOT EXISTS (
                        SELECT 1 FROM ir_model_data d
                         WHERE d.module = %(module)s AND d.name = %(prefix)s || t.code)
                 ORDER BY t.code, t.id
                """,
                module=MODULE,
                prefix=level.xmlid_prefix,
                model=level.model,
                table=table,
            )
        )
        # Repair such ids that point elsewhere (their unit was deleted through
        # SQL and the code came back) or lost noupdate (the cleanup at the end
        # of an upgrade would then delete the unit).
        cr.execute(
            SQL(
                """
                UPDATE ir_model_data d
                   SET res_id = t.id, model = %(model)s, noupdate = true
                  FROM %(table)s t
                 WHERE d.module = %(module)s AND d.name = %(prefix)s || t.code
                   AND (d.model != %(model)s OR NOT COALESCE(d.noupdate, false)
                        OR NOT EXISTS (SELECT 1 FROM %(table)s x
                                        WHERE x.id = d.res_id AND x.code = t.code))
                """,
                module=MODULE,
                prefix=level.xmlid_prefix,
                model=level.model,
                table=table,
            )
        )
        cr.execute("SELECT count(*) FROM wilayah_stage")
        rows = cr.fetchone()[0]
        cr.execute("DROP TABLE wilayah_stage")
        _logger.info(
            "Wilayah data %s: %d rows, %d inserted, %d updated, %d archived in %.2f s",
            level.model,
            rows,
            inserted,
            updated,
            archived,
            time.perf_counter() - started,
        )
