import csv
import hashlib
import io
import logging
import secrets
import time

from odoo import api, models
from odoo.tools import SQL, file_open

_logger = logging.getLogger(__name__)

MODULE = "infinys_wilayah_indonesia_api"
DATA_DIR = f"{MODULE}/data/wilayah"
API_KEY_PARAM = "wilayah.api.key"
API_KEY_PLACEHOLDER = "change_this_to_your_secret_api_key"
CORS_ORIGINS_PARAM = "wilayah.api.cors_origins"
DATA_CHECKSUM_PARAM = "wilayah.data.checksum"

# (model, shipped file, parent model, parent column, has postal codes)
LEVELS = (
    ("wilayah.provinsi", "data_provinsi.csv", None, None, False),
    ("wilayah.kota", "data_kota.csv", "wilayah.provinsi", "provinsi_id", False),
    ("wilayah.kecamatan", "data_kecamatan.csv", "wilayah.kota", "kota_id", False),
    (
        "wilayah.kelurahan",
        "data_kelurahan.csv",
        "wilayah.kecamatan",
        "kecamatan_id",
        True,
    ),
)


class WilayahData(models.AbstractModel):
    """Install and upgrade life cycle of the bundled region data and the API key."""

    _name = "wilayah.data"
    _description = "Wilayah Indonesia bundled data"

    @api.model
    def _ensure_api_key(self):
        """Create the API key with a fresh secret, once (API.md B.10).

        An existing parameter is never touched, not even the published module's
        placeholder: the API refuses that one until the admin sets a real key.
        """
        params = self.env["ir.config_parameter"].sudo()
        if not params.search_count([("key", "=", API_KEY_PARAM)]):
            params.set_param(API_KEY_PARAM, secrets.token_urlsafe(32))
            _logger.info(
                "Created the system parameter %s with a random key; an administrator "
                "can read it in Settings > Technical > System Parameters.",
                API_KEY_PARAM,
            )

    @api.model
    def _bundled_checksum(self):
        digest = hashlib.sha256()
        for _model, filename, *_rest in LEVELS:
            with file_open(f"{DATA_DIR}/{filename}", "rb") as data_file:
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
        if not force and params.get_param(DATA_CHECKSUM_PARAM) == checksum:
            _logger.info("Wilayah data is up to date, nothing to load.")
            return
        self.env.flush_all()
        started = time.perf_counter()
        for level in LEVELS:
            self._sync_level(*level)
        params.set_param(DATA_CHECKSUM_PARAM, checksum)
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        _logger.info("Wilayah data loaded in %.1f s.", time.perf_counter() - started)

    @api.model
    def _fix_duplicate_codes(self, model):
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
        table = SQL.identifier(model._table)
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
        length = model._code_length
        child = next((level for level in LEVELS if level[2] == model._name), None)
        for code, unit_ids in groups:
            for unit_id in unit_ids[1:]:
                candidates = []
                cr.execute(
                    "SELECT name FROM ir_model_data WHERE model = %s AND res_id = %s"
                    " ORDER BY id",
                    [model._name, unit_id],
                )
                for (name,) in cr.fetchall():
                    name = name.removeprefix(model._xmlid_prefix)
                    if name.isdigit() and len(name) == length:
                        candidates.append(name)
                if child:
                    cr.execute(
                        SQL(
                            "SELECT DISTINCT left(code, %(length)s) FROM %(table)s"
                            " WHERE %(parent)s = %(id)s",
                            length=length,
                            table=SQL.identifier(self.env[child[0]]._table),
                            parent=SQL.identifier(child[3]),
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
                            model._name,
                            unit_id,
                            code,
                            candidate,
                        )
                        break
                else:
                    _logger.warning(
                        "Wilayah data %s: units %s share the code %s; unit %s "
                        "could not be given a code of its own: fix it by hand.",
                        model._name,
                        unit_ids,
                        code,
                        unit_id,
                    )

    @api.model
    def _sync_level(
        self, model_name, filename, parent_model_name, parent_column, has_postal
    ):
        started = time.perf_counter()
        cr = self.env.cr
        model = self.env[model_name]
        table = SQL.identifier(model._table)
        prefix = model._xmlid_prefix

        cr.execute(
            """
            CREATE TEMPORARY TABLE wilayah_stage (
                code varchar PRIMARY KEY,
                name varchar NOT NULL,
                parent_code varchar,
                postal_code varchar,
                kemendagri_code varchar
            ) ON COMMIT DROP
            """
        )
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with file_open(f"{DATA_DIR}/{filename}", "r") as data_file:
            for row in csv.DictReader(data_file):
                parent_ref = row.get(f"{parent_column}/id", "") if parent_column else ""
                writer.writerow(
                    (
                        row["code"],
                        row["name"],
                        parent_ref.removeprefix(
                            self.env[parent_model_name]._xmlid_prefix
                        )
                        if parent_model_name
                        else "",
                        # as the ORM stores them: sorted, no blanks, no repeats
                        model._normalize_postal_code(row.get("postal_code"))
                        if has_postal
                        else "",
                        row.get("kemendagri_code", ""),
                    )
                )
        buffer.seek(0)
        cr.copy_expert("COPY wilayah_stage FROM STDIN WITH (FORMAT csv)", buffer)
        self._fix_duplicate_codes(model)

        # Values of the target columns, as SQL expressions over the staging row
        # `s` and its parent `p`.
        values = {"name": SQL("s.name"), "kemendagri_code": SQL("s.kemendagri_code")}
        if has_postal:
            values["postal_code"] = SQL("s.postal_code")
        if parent_column:
            parent_table = SQL.identifier(self.env[parent_model_name]._table)
            values[parent_column] = SQL("p.id")
            parent_join = SQL("JOIN %s p ON p.code = s.parent_code", parent_table)
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
                prefix=prefix,
                model=model_name,
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
                prefix=prefix,
                model=model_name,
                table=table,
            )
        )
        cr.execute("SELECT count(*) FROM wilayah_stage")
        rows = cr.fetchone()[0]
        cr.execute("DROP TABLE wilayah_stage")
        _logger.info(
            "Wilayah data %s: %d rows, %d inserted, %d updated, %d archived in %.2f s",
            model_name,
            rows,
            inserted,
            updated,
            archived,
            time.perf_counter() - started,
        )
