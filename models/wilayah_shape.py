import hashlib
import io
import logging
import time

from odoo import api, models
from odoo.tools import SQL, file_open

from ..wilayah import ADDON as MODULE
from ..wilayah.geo import (
    GRID,
    LOCATE_SQL,
    LOOKUP_LEVEL,
    NEAREST_MAX_DEGREES,
    NEAREST_SQL,
    SHAPES_TABLE,
    ShapeSource,
    read_shapes_file,
    shapes_file,
)
from ..wilayah.levels import LEVELS
from .wilayah_data import DATA_CHECKSUM_PARAM

_logger = logging.getLogger(__name__)

SHAPES_CHECKSUM_PARAM = "wilayah.shapes.checksum"
# Outside the ORM: PostgreSQL's own geometric types, not PostGIS, which most
# hosts lack (the rows: wilayah/geo.py, SHAPES_TABLE).
CREATE_SHAPES_TABLE = f"""
    CREATE TABLE IF NOT EXISTS {SHAPES_TABLE} (
        level varchar NOT NULL,
        code varchar NOT NULL,
        part integer NOT NULL,
        position integer NOT NULL,
        bounds box NOT NULL,
        ring polygon NOT NULL
    );
    CREATE INDEX IF NOT EXISTS {SHAPES_TABLE}_code_idx
        ON {SHAPES_TABLE} (level, code);
"""
# One GiST index of the boxes per level: a lookup at one level never reads
# (nor tests) the rings of the others (a province's has thousands of points).
CREATE_SHAPES_INDEXES = "".join(
    f"""
    CREATE INDEX IF NOT EXISTS {SHAPES_TABLE}_{level}_bounds_idx
        ON {SHAPES_TABLE} USING gist (bounds) WHERE level = '{level}';
    """
    for level in LEVELS
)


class WilayahShape(models.AbstractModel):
    """Boundaries of the units (data/shapes/, see its PROVENANCE.md): loaded
    into the ``wilayah_shape`` table and the units' ``latitude``/``longitude``
    at install and upgrade, and the point lookup and boundaries the API
    answers from them."""

    _name = "wilayah.shape"
    _description = "Wilayah Indonesia boundaries"

    @api.model
    def _bundled_files(self):
        """Paths of the shipped shape files, one per province that has one."""
        paths = []
        for code in (
            self.env["wilayah.provinsi"]
            .with_context(active_test=False)
            .search([])
            .mapped("code")
        ):
            path = shapes_file(code)
            try:
                file_open(f"{MODULE}/{path}", "rb").close()
            except FileNotFoundError:
                continue
            paths.append(path)
        return sorted(paths)

    @api.model
    def _shapes_present(self):
        """Whether the table has shapes and every unit with one its
        coordinates (a reload of the regions re-inserts units without them)."""
        cr = self.env.cr
        cr.execute(SQL("SELECT 1 FROM %s LIMIT 1", SQL.identifier(SHAPES_TABLE)))
        if not cr.rowcount:
            return False
        for level in LEVELS.values():
            cr.execute(
                SQL(
                    """
                    SELECT 1
                      FROM %(table)s t
                     WHERE t.latitude IS NULL
                       AND EXISTS (SELECT 1 FROM %(shapes)s s
                                    WHERE s.level = %(level)s AND s.code = t.code)
                     LIMIT 1
                    """,
                    table=SQL.identifier(level.table),
                    shapes=SQL.identifier(SHAPES_TABLE),
                    level=level.key,
                )
            )
            if cr.rowcount:
                return False
        return True

    @api.model
    def _sync_bundled_shapes(self, force=False):
        """Load the shipped shapes, like the regions (``wilayah.data``): only
        when the files, or the regions they were loaded onto, changed."""
        params = self.env["ir.config_parameter"].sudo()
        paths = self._bundled_files()
        digest = hashlib.sha256((params.get_param(DATA_CHECKSUM_PARAM) or "").encode())
        for path in paths:
            with file_open(f"{MODULE}/{path}", "rb") as shapes:
                digest.update(shapes.read())
        checksum = digest.hexdigest()
        cr = self.env.cr
        cr.execute(CREATE_SHAPES_TABLE)
        cr.execute(CREATE_SHAPES_INDEXES)
        if (
            not force
            and params.get_param(SHAPES_CHECKSUM_PARAM) == checksum
            and self._shapes_present()
        ):
            _logger.info("Wilayah shapes are up to date, nothing to load.")
            return
        started = time.perf_counter()
        self.env.flush_all()
        cr.execute(SQL("TRUNCATE %s", SQL.identifier(SHAPES_TABLE)))
        centroids = io.StringIO()
        for path in paths:  # one COPY per province: a few MB of text at a time
            rings = io.StringIO()
            with file_open(f"{MODULE}/{path}", "rb") as shapes:
                for level_key, code, lat, lng, shape in read_shapes_file(shapes):
                    centroids.write(f"{level_key}\t{code}\t{lat}\t{lng}\n")
                    for part, polygon in enumerate(shape):
                        for position, ring in enumerate(polygon):
                            xs, ys = zip(*ring, strict=True)
                            bounds = (
                                f"({min(xs) / GRID},{min(ys) / GRID}),"
                                f"({max(xs) / GRID},{max(ys) / GRID})"
                            )
                            points = ",".join(
                                f"({x / GRID},{y / GRID})" for x, y in ring
                            )
                            rings.write(
                                f"{level_key}\t{code}\t{part}\t{position}\t"
                                f"{bounds}\t({points})\n"
                            )
            rings.seek(0)
            cr.copy_expert(
                f"COPY {SHAPES_TABLE} (level, code, part, position, bounds, ring)"
                " FROM STDIN",
                rings,
            )
        cr.execute(
            """
            CREATE TEMPORARY TABLE wilayah_centroid (
                level varchar, code varchar, latitude float8, longitude float8
            ) ON COMMIT DROP
            """
        )
        centroids.seek(0)
        cr.copy_expert("COPY wilayah_centroid FROM STDIN", centroids)
        for level in LEVELS.values():
            # Every unit of the level: those without a shape lose a former one.
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s t
                       SET latitude = c.latitude, longitude = c.longitude
                      FROM %(table)s u
                      LEFT JOIN wilayah_centroid c
                             ON c.level = %(level)s AND c.code = u.code
                     WHERE u.id = t.id
                       AND (t.latitude IS DISTINCT FROM c.latitude
                            OR t.longitude IS DISTINCT FROM c.longitude)
                    """,
                    table=SQL.identifier(level.table),
                    level=level.key,
                )
            )
        cr.execute("DROP TABLE wilayah_centroid")
        cr.execute(SQL("ANALYZE %s", SQL.identifier(SHAPES_TABLE)))
        params.set_param(SHAPES_CHECKSUM_PARAM, checksum)
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        _logger.info("Wilayah shapes loaded in %.1f s.", time.perf_counter() - started)

    # --- what the API asks (wilayah/index.py, through ShapeSource) ----------

    @api.model
    def _shape_source(self):
        return ShapeSource(self._locate, self._boundary)

    @api.model
    def _locate(self, level_key, lng, lat):
        """The BPS code of the unit of ``level_key`` at a point, or None.

        The village whose shape holds the point (the smallest, where shapes
        overlap or one lies in another's hole); for a higher level, that
        village's parent. Else the unit of that level whose own shape holds
        it (where no village is known); else the nearest village, else the
        nearest unit of that level, within NEAREST_MAX_DEGREES.
        """
        keys = tuple(dict.fromkeys((LOOKUP_LEVEL, level_key)))
        for sql in (LOCATE_SQL, NEAREST_SQL):
            for key in keys:
                code = self._locate_in(sql, key, lng, lat)
                if code:
                    # BPS codes start with their parents' (wilayah.unit.mixin)
                    return code[: LEVELS[level_key].code_length]
        return None

    @api.model
    def _locate_in(self, sql, level_key, lng, lat):
        """The code ``sql`` (LOCATE_SQL or NEAREST_SQL) finds, or None."""
        args = {
            "level": level_key,
            "lng": lng,
            "lat": lat,
            "reach": NEAREST_MAX_DEGREES,
        }
        self.env.cr.execute(sql, args)
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @api.model
    def _boundary(self, level_key, code):
        """The unit's shape (wilayah/geo.py), or None."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT part, ring::text FROM %s WHERE level = %s AND code = %s"
                " ORDER BY part, position",
                SQL.identifier(SHAPES_TABLE),
                level_key,
                code,
            )
        )
        shape = []
        for part, ring_text in cr.fetchall():
            if part >= len(shape):
                shape.append([])
            numbers = ring_text.replace("(", "").replace(")", "").split(",")
            shape[part].append(
                [
                    (float(numbers[index]), float(numbers[index + 1]))
                    for index in range(0, len(numbers), 2)
                ]
            )
        return shape or None

    @api.model
    def _drop_shapes(self):
        """At uninstall (hooks.py): the table, and its checksum so that a
        reinstall loads the shapes again."""
        table = SQL.identifier(SHAPES_TABLE)
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=", SHAPES_CHECKSUM_PARAM)]
        ).unlink()
