import csv
import logging
import os
import tempfile
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open

from ..models import wilayah_data
from ..models.wilayah_data import DATA_CHECKSUM_PARAM, DATA_DIR, MODULE
from ..wilayah.levels import LEVELS
from ..wilayah.settings import API_KEY_PARAM, API_KEY_PLACEHOLDER
from .common import PAPUA_2022

SYNC_LOGGER = "odoo.addons.infinys_wilayah_indonesia_api.models.wilayah_data"

ADMIN_KEY = "admin-own-secret-key-0123456789abcdef"


def read_shipped(filename):
    with file_open(f"{DATA_DIR}/{filename}") as data_file:
        return list(csv.DictReader(data_file))


@tagged("post_install", "-at_install")
class TestWilayahDataSync(TransactionCase):
    """The bundled data at install, at upgrade and when replacing the published
    module (issue: fast install, upgrades, drop-in, both code systems)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.WilayahData = cls.env["wilayah.data"]
        cls.params = cls.env["ir.config_parameter"].sudo()

    # -- helpers -----------------------------------------------------------
    def _query(self, query, params=None):
        self.env.flush_all()
        self.env.cr.execute(query, params)
        return self.env.cr.fetchall()

    def _scalar(self, query, params=None):
        return self._query(query, params)[0][0]

    def _ids_by_code(self, table):
        return dict(self._query(f"SELECT code, id FROM {table}"))  # noqa: S608

    def _our_xmlid_count(self, model):
        return self._scalar(
            "SELECT count(*) FROM ir_model_data WHERE module = %s AND model = %s",
            [MODULE, model],
        )

    def _snapshot(self):
        """Everything a sync may change, in comparable form."""
        state = {}
        for level in LEVELS.values():
            state[level.table] = self._query(
                f"SELECT count(*), count(*) FILTER (WHERE active), "  # noqa: S608
                f"max(write_date), max(id) FROM {level.table}"
            )
        state["ir_model_data"] = self._query(
            "SELECT count(*), max(id) FROM ir_model_data"
        )
        state["key"] = self.params.get_param(API_KEY_PARAM)
        return state

    def _drop_type_columns(self):
        """The ``type`` columns, as a database of the published module or of
        an older release of this addon lacks them."""
        self.env.flush_all()
        for level in LEVELS.values():
            if level.types:
                self.env.cr.execute(
                    f"ALTER TABLE {level.table} DROP COLUMN type"  # noqa: S608
                )
        self.env.invalidate_all()

    def _upgrade_models(self):
        """What ``-u`` runs before the data, for the models that have a type:
        their tables brought to their fields (a new stored computed column is
        added and computed for every row)."""
        self.env.registry.init_models(
            self.env.cr,
            [level.model for level in LEVELS.values() if level.types],
            {"module": MODULE},
            install=False,
        )
        self.env.invalidate_all()

    def _sync(self):
        """What ``-u`` runs: the functions of data/wilayah_data.xml."""
        self.env["res.config.settings"]._wilayah_ensure_api_key()
        self.WilayahData._sync_bundled_data()
        self.env.invalidate_all()

    def _assert_matches_shipped_data(self):
        """Every active unit is exactly the shipped data: one unit per code,
        names, parents, postal and Kemendagri codes, types."""
        for level in LEVELS.values():
            with self.subTest(table=level.table):
                self.assertEqual(
                    self._query(
                        f"SELECT count(*), count(DISTINCT code) FROM {level.table}"  # noqa: S608
                        " WHERE active"
                    ),
                    [(level.shipped_units, level.shipped_units)],
                )
                columns = ["t.code", "t.name", "COALESCE(t.kemendagri_code, '')"]
                join = ""
                if level.parent_field:
                    columns.append("p.code")
                    parent_table = LEVELS[level.parent].table
                    join = f"JOIN {parent_table} p ON p.id = t.{level.parent_field}"
                if level.has_postal_code:
                    columns.append("COALESCE(t.postal_code, '')")
                if level.types:
                    columns.append("COALESCE(t.type, '')")
                in_db = {
                    row[0]: row[1:]
                    for row in self._query(
                        f"SELECT {', '.join(columns)} FROM {level.table} t {join}"  # noqa: S608
                        " WHERE t.active"
                    )
                }
                shipped = {}
                for row in read_shipped(level.data_file):
                    values = [row["name"], row["kemendagri_code"]]
                    if level.parent_field:
                        values.append(row[f"{level.parent_field}/id"].split("_")[-1])
                    if level.has_postal_code:
                        values.append(row["postal_code"])
                    if level.types:
                        values.append(
                            level.unit_type(row["code"], row["kemendagri_code"]) or ""
                        )
                    shipped[row["code"]] = tuple(values)
                self.assertEqual(len(in_db), level.shipped_units)
                self.assertEqual(in_db, shipped)

    # -- install -----------------------------------------------------------
    def test_install_loaded_all_units_with_external_ids(self):
        for level in LEVELS.values():
            with self.subTest(model=level.model):
                units = self.env[level.model].with_context(active_test=False)
                self.assertEqual(units.search_count([]), level.shipped_units)
                self.assertEqual(
                    units.search_count([("active", "=", True)]), level.shipped_units
                )
                # one external id `<module>.<level>_<code>` per unit, noupdate
                self.assertEqual(
                    self._query(
                        f"""
                        SELECT count(*), count(*) FILTER (WHERE d.noupdate)
                          FROM {level.table} t
                          JOIN ir_model_data d
                            ON d.module = %s AND d.model = %s
                           AND d.name = %s || t.code AND d.res_id = t.id
                        """,  # noqa: S608
                        [MODULE, level.model, level.xmlid_prefix],
                    ),
                    [(level.shipped_units, level.shipped_units)],
                )
                self.assertEqual(
                    self._our_xmlid_count(level.model), level.shipped_units
                )
                if level.parent_field:
                    # every code starts with its parent's code
                    parent_table = LEVELS[level.parent].table
                    self.assertFalse(
                        self._scalar(
                            f"SELECT count(*) FROM {level.table} t "  # noqa: S608
                            f"JOIN {parent_table} p ON p.id = t.{level.parent_field} "
                            "WHERE left(t.code, length(p.code)) != p.code"
                        )
                    )
        self.assertEqual(
            self.env.ref(f"{MODULE}.kelurahan_3204050001").kecamatan_id,
            self.env.ref(f"{MODULE}.kecamatan_3204050"),
        )
        self.assertEqual(
            self.params.get_param(DATA_CHECKSUM_PARAM),
            self.WilayahData._bundled_checksum(),
        )
        self._assert_matches_shipped_data()

    def test_kemendagri_codes(self):
        ref = self.env.ref
        self.assertEqual(ref(f"{MODULE}.kecamatan_3204050").kemendagri_code, "32.04.31")
        self.assertEqual(ref(f"{MODULE}.kota_3204").kemendagri_code, "32.04")
        # BPS 94 PAPUA is Kemendagri 91
        self.assertEqual(ref(f"{MODULE}.provinsi_94").kemendagri_code, "91")
        # one BPS unit, several Kemendagri units: sorted, comma-separated
        self.assertEqual(
            ref(f"{MODULE}.kelurahan_8108070005").kemendagri_code,
            "81.08.04.2005,81.08.05.2010",
        )
        # no Kemendagri unit: empty
        self.assertFalse(ref(f"{MODULE}.kelurahan_1102033012").kemendagri_code)
        several = none = 0
        for level in LEVELS.values():
            several += self._scalar(
                f"SELECT count(*) FROM {level.table} WHERE kemendagri_code LIKE %s",  # noqa: S608
                ["%,%"],
            )
            none += self._scalar(
                f"SELECT count(*) FROM {level.table} "  # noqa: S608
                "WHERE COALESCE(kemendagri_code, '') = ''"
            )
        # PROVENANCE.md: 18 BPS units map to several, 578 to none
        self.assertEqual((several, none), (18, 578))

    def test_postal_codes(self):
        Kelurahan = self.env["wilayah.kelurahan"]
        self.assertEqual(
            self.env.ref(f"{MODULE}.kelurahan_1101010001").postal_code, "23895,23898"
        )
        self.assertEqual(
            self.env.ref(f"{MODULE}.kelurahan_3204050001").postal_code, "40386"
        )
        # PROVENANCE.md: 549 villages have no postal code
        self.assertEqual(Kelurahan.search_count([("postal_code", "=", False)]), 549)

    # -- upgrade with the same data ------------------------------------------
    def test_sync_with_unchanged_data_changes_nothing(self):
        key = self.params.get_param(API_KEY_PARAM)
        self.assertGreaterEqual(len(key or ""), 32)
        before = self._snapshot()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self._sync()
        self.assertIn("up to date", "\n".join(logs.output))
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(self.params.get_param(API_KEY_PARAM), key)

    def test_forced_sync_of_same_data_writes_nothing(self):
        before = self._snapshot()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self.WilayahData._sync_bundled_data(force=True)
        output = "\n".join(logs.output)
        for level in LEVELS.values():
            self.assertIn(
                f"{level.model}: {level.shipped_units} rows, "
                "0 inserted, 0 updated, 0 archived",
                output,
            )
        self.assertEqual(self._snapshot(), before)

    def test_upgrade_adds_the_types(self):
        """From a release without types, with the same data: the upgrade
        reloads nothing, and the ORM computes every unit's type as the loader
        sets it (a forced load then finds nothing to update)."""
        self._drop_type_columns()
        self._upgrade_models()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self._sync()
        self.assertIn("up to date", "\n".join(logs.output))
        self._assert_matches_shipped_data()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self.WilayahData._sync_bundled_data(force=True)
        output = "\n".join(logs.output)
        for level in LEVELS.values():
            self.assertIn(
                f"{level.model}: {level.shipped_units} rows, 0 inserted, 0 updated",
                output,
            )

    def test_api_key_created_once_and_kept(self):
        params = self.params
        params.search([("key", "=", API_KEY_PARAM)]).unlink()
        self.env["res.config.settings"]._wilayah_ensure_api_key()
        key = params.get_param(API_KEY_PARAM)
        self.assertGreaterEqual(len(key), 32)
        self.assertNotEqual(key, API_KEY_PLACEHOLDER)
        self.env["res.config.settings"]._wilayah_ensure_api_key()
        self.assertEqual(params.get_param(API_KEY_PARAM), key)
        # a fresh secret each time one is created
        params.search([("key", "=", API_KEY_PARAM)]).unlink()
        self.env["res.config.settings"]._wilayah_ensure_api_key()
        self.assertNotEqual(params.get_param(API_KEY_PARAM), key)
        for value in (ADMIN_KEY, API_KEY_PLACEHOLDER):
            params.set_param(API_KEY_PARAM, value)
            self.env["res.config.settings"]._wilayah_ensure_api_key()
            self.assertEqual(params.get_param(API_KEY_PARAM), value)

    # -- upgrade to a new data release ---------------------------------------
    def _write_release(self, directory, edit):
        """Copy the shipped files to ``directory``, passing each level's rows
        through ``edit(filename, rows) -> rows``."""
        for level in LEVELS.values():
            with file_open(f"{DATA_DIR}/{level.data_file}") as source:
                reader = csv.DictReader(source)
                fieldnames = reader.fieldnames
                rows = edit(level.data_file, list(reader))
            path = os.path.join(directory, level.data_file)
            with open(path, "w", newline="", encoding="utf-8") as target:
                writer = csv.DictWriter(target, fieldnames, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)

    def _shipping(self, directory):
        """Make the addon read its data files from ``directory``."""

        def fake_file_open(name, mode="r", *args, **kwargs):
            self.assertTrue(name.startswith(f"{DATA_DIR}/"))
            path = os.path.join(directory, os.path.basename(name))
            return open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"}))  # noqa: SIM115

        return patch.object(wilayah_data, "file_open", fake_file_open)

    def test_new_release_is_applied_by_code(self):
        ref = self.env.ref
        bandung = ref(f"{MODULE}.kota_3204")
        kertasari = ref(f"{MODULE}.kecamatan_3204050")
        neglawangi = ref(f"{MODULE}.kelurahan_3204050001")
        santosa = ref(f"{MODULE}.kelurahan_3204050002")
        ids_before = self._ids_by_code("wilayah_kelurahan")

        def edit(filename, rows):
            for row in rows:
                if row["code"] == "3204050":
                    row.update(
                        name="KERTASARI BARU", kemendagri_code="32.04.31,32.04.99"
                    )
                elif row["code"] == "3204050001":
                    row.update(name="NEGLAWANGI BARU", postal_code="40387,40386")
            if filename == "data_kecamatan.csv":
                rows.append(
                    {
                        "id": "kecamatan_3204051",
                        "name": "KERTASARI UTARA",
                        "code": "3204051",
                        "kota_id/id": "kota_3204",
                        "kemendagri_code": "",
                    }
                )
            if filename == "data_kelurahan.csv":
                rows = [row for row in rows if row["code"] != "3204050002"]
                rows.append(
                    {
                        "id": "kelurahan_3204051001",
                        "name": "DESA BARU",
                        "code": "3204051001",
                        "kecamatan_id/id": "kecamatan_3204051",
                        "postal_code": "40388",
                        "kemendagri_code": "32.04.32.2001",
                    }
                )
            return rows

        with tempfile.TemporaryDirectory() as directory:
            self._write_release(directory, edit)
            with self._shipping(directory):
                checksum = self.WilayahData._bundled_checksum()
                self.assertNotEqual(
                    checksum, self.params.get_param(DATA_CHECKSUM_PARAM)
                )
                with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
                    self._sync()
                # a second upgrade with that release does nothing
                with self.assertLogs(SYNC_LOGGER, logging.INFO) as again:
                    self._sync()
        output = "\n".join(logs.output)
        self.assertIn("wilayah.kecamatan: 7278 rows, 1 inserted, 1 updated", output)
        self.assertIn(
            "wilayah.kelurahan: 84197 rows, 1 inserted, 1 updated, 1 archived", output
        )
        self.assertIn("up to date", "\n".join(again.output))
        self.assertEqual(self.params.get_param(DATA_CHECKSUM_PARAM), checksum)

        # updated by code, same records
        self.assertEqual(kertasari.name, "KERTASARI BARU")
        self.assertEqual(kertasari.kemendagri_code, "32.04.31,32.04.99")
        self.assertEqual(neglawangi.name, "NEGLAWANGI BARU")
        self.assertEqual(neglawangi.postal_code, "40386,40387")
        self.assertEqual(ref(f"{MODULE}.kelurahan_3204050001"), neglawangi)
        # gone from the data: archived, never deleted
        self.assertTrue(santosa.exists())
        self.assertFalse(santosa.active)
        self.assertEqual(ref(f"{MODULE}.kelurahan_3204050002"), santosa)
        # new units, with their external ids
        kecamatan = ref(f"{MODULE}.kecamatan_3204051")
        desa = ref(f"{MODULE}.kelurahan_3204051001")
        self.assertEqual(
            (kecamatan.name, kecamatan.kota_id), ("KERTASARI UTARA", bandung)
        )
        self.assertFalse(kecamatan.kemendagri_code)
        self.assertEqual((desa.name, desa.postal_code), ("DESA BARU", "40388"))
        self.assertEqual(desa.kecamatan_id, kecamatan)
        # every other village kept its record
        ids_after = self._ids_by_code("wilayah_kelurahan")
        self.assertEqual({code: ids_after[code] for code in ids_before}, ids_before)
        self.assertEqual(len(ids_after), 84198)
        self.assertEqual(
            self._scalar("SELECT count(*) FROM wilayah_kelurahan WHERE active"), 84197
        )
        # only the units that changed were written
        self.assertEqual(
            self._scalar(
                "SELECT count(*) FROM wilayah_kelurahan "
                "WHERE write_date = now() AT TIME ZONE 'UTC'"
            ),
            3,
        )

        # the next release is the current data again: the archived village
        # comes back (same record), the units it no longer has are archived
        with self.assertLogs(SYNC_LOGGER, logging.INFO):
            self._sync()
        self.assertTrue(santosa.active)
        self.assertEqual(santosa.name, "SANTOSA")
        self.assertEqual(neglawangi.name, "NEGLAWANGI")
        self.assertFalse(kecamatan.active)
        self.assertFalse(desa.active)
        self._assert_matches_shipped_data()

    def test_units_deleted_through_sql_are_added_back(self):
        cr = self.env.cr
        santosa_id = self.env.ref(f"{MODULE}.kelurahan_3204050002").id
        self.env.flush_all()
        cr.execute("DELETE FROM wilayah_kelurahan WHERE code = '3204050002'")
        self.env.invalidate_all()
        # the checksum of the loaded files is unchanged: what is missing from
        # the table decides (a reinstall leaves empty tables, test_reinstall)
        self.assertTrue(self.env["ir.config_parameter"].get_param(DATA_CHECKSUM_PARAM))
        self._sync()
        santosa = self.env.ref(f"{MODULE}.kelurahan_3204050002")
        self.assertNotEqual(santosa.id, santosa_id)
        self.assertEqual((santosa.code, santosa.name), ("3204050002", "SANTOSA"))
        self._assert_matches_shipped_data()

    # -- replacing the published module (drop-in) -------------------------------
    def _make_published_module_state(self, api_key):
        """Turn the database into what the published module left: the units of
        its 34-province CSVs imported with bare codes as external ids
        (``__import__.32``), no data of this addon, an admin's API key."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            "DELETE FROM ir_model_data WHERE module = %s AND model LIKE 'wilayah.%%'",
            [MODULE],
        )
        cr.execute(
            "DELETE FROM ir_config_parameter WHERE key = %s", [DATA_CHECKSUM_PARAM]
        )
        # the provinces created in 2022 did not exist yet
        for level in reversed(LEVELS.values()):
            cr.execute(
                f"DELETE FROM {level.table} WHERE left(code, 2) IN %s",  # noqa: S608
                [PAPUA_2022],
            )
        # older names and postal codes, no Kemendagri codes
        cr.execute("UPDATE wilayah_kota SET name = 'KAB. BANDUNG' WHERE code = '3204'")
        cr.execute(
            "UPDATE wilayah_kecamatan SET name = initcap(name) "
            "WHERE left(code, 2) = '32'"
        )
        cr.execute(
            "UPDATE wilayah_kelurahan SET name = 'Neglawangi', postal_code = '40385' "
            "WHERE code = '3204050001'"
        )
        cr.execute(
            "UPDATE wilayah_kelurahan SET postal_code = NULL "
            "WHERE left(code, 4) = '1101'"
        )
        for level in LEVELS.values():
            cr.execute(f"UPDATE {level.table} SET kemendagri_code = NULL")  # noqa: S608
        # units under codes that the current data no longer has
        cr.execute(
            """
            WITH kota AS (
                INSERT INTO wilayah_kota (code, name, provinsi_id, active)
                SELECT '9171', 'SORONG', id, true FROM wilayah_provinsi
                 WHERE code = '91' RETURNING id
            ), kecamatan AS (
                INSERT INTO wilayah_kecamatan (code, name, kota_id, active)
                SELECT '9171010', 'SORONG BARAT', id, true FROM kota RETURNING id
            )
            INSERT INTO wilayah_kelurahan
                   (code, name, kecamatan_id, postal_code, active)
            SELECT '9171010001', 'REMU UTARA', id, '98416', true FROM kecamatan
            """
        )
        # the import's external ids: bare codes
        for level in LEVELS.values():
            cr.execute(
                f"""
                INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
                SELECT '__import__', code, %s, id, false FROM {level.table}
                """,  # noqa: S608
                [level.model],
            )
        # the published module had no unique code, and its province file
        # gives DI YOGYAKARTA (id 34) the code 33
        cr.execute(
            "ALTER TABLE wilayah_provinsi DROP CONSTRAINT wilayah_provinsi_code_unique"
        )
        cr.execute("UPDATE wilayah_provinsi SET code = '33' WHERE code = '34'")
        # nor types
        self._drop_type_columns()
        # the published module's own parameter record (noupdate)
        cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [API_KEY_PARAM])
        cr.execute(
            """
            WITH param AS (
                INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)
                RETURNING id
            )
            INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
            SELECT %s, 'wilayah_api_key_parameter', 'ir.config_parameter', id, true
              FROM param
            """,
            [API_KEY_PARAM, api_key, MODULE],
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertEqual(self.env["wilayah.provinsi"].search_count([]), 34)

    def test_drop_in_replacement_of_the_published_module(self):
        yogyakarta = self.env.ref(f"{MODULE}.provinsi_34")
        jawa_tengah = self.env.ref(f"{MODULE}.provinsi_33")
        self._make_published_module_state(ADMIN_KEY)
        self.assertEqual(
            self._scalar("SELECT count(*) FROM wilayah_provinsi WHERE code = '33'"), 2
        )
        ids_before = {
            level.table: self._ids_by_code(level.table) for level in LEVELS.values()
        }
        ids_before["wilayah_provinsi"]["33"] = jawa_tengah.id
        imported_xmlids = self._query(
            "SELECT name, res_id FROM ir_model_data WHERE module = '__import__' "
            "AND model LIKE %s ORDER BY name",
            ["wilayah.%"],
        )

        self._upgrade_models()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self._sync()
        output = "\n".join(logs.output)
        self.assertIn(
            "wilayah.provinsi: 38 rows, 4 inserted, 34 updated, 0 archived", output
        )
        self.assertIn("wilayah.kota: 514 rows", output)

        for level in LEVELS.values():
            with self.subTest(model=level.model):
                ids_after = self._ids_by_code(level.table)
                # every record of the published module kept its database id
                self.assertEqual(
                    {code: ids_after[code] for code in ids_before[level.table]},
                    ids_before[level.table],
                )
                # nothing duplicated: one record per code
                self.assertEqual(
                    self._query(
                        f"SELECT count(*) - count(DISTINCT code) FROM {level.table}"  # noqa: S608
                    ),
                    [(0,)],
                )
                # current units: all active ones, the obsolete one archived
                self.assertEqual(
                    len(ids_after),
                    level.shipped_units + (level.model != "wilayah.provinsi"),
                )
                # this addon's external ids on every unit
                self.assertEqual(self._our_xmlid_count(level.model), len(ids_after))
        self._assert_matches_shipped_data()

        ref = self.env.ref
        self.assertEqual(ref(f"{MODULE}.kota_3204").name, "BANDUNG")
        neglawangi = ref(f"{MODULE}.kelurahan_3204050001")
        self.assertEqual(
            (neglawangi.name, neglawangi.postal_code), ("NEGLAWANGI", "40386")
        )
        self.assertEqual(ref(f"{MODULE}.kecamatan_3204050").kemendagri_code, "32.04.31")
        # the Papua provinces of 2022 and everything under them were added
        for code in ("92", "95", "96", "97"):
            provinsi = ref(f"{MODULE}.provinsi_{code}")
            self.assertTrue(provinsi.active)
            self.assertTrue(provinsi.kota_ids)
        self.assertEqual(
            self.env["wilayah.kelurahan"].search_count(
                [("provinsi_id.code", "in", ["92", "95", "96", "97"])]
            ),
            sum(
                row["code"][:2] in ("92", "95", "96", "97")
                for row in read_shipped("data_kelurahan.csv")
            ),
        )
        # the unit under the old code is archived, not deleted
        for xmlid in ("kota_9171", "kecamatan_9171010", "kelurahan_9171010001"):
            unit = ref(f"{MODULE}.{xmlid}")
            self.assertFalse(unit.active)
        # the import's external ids still point to the same records
        self.assertEqual(
            self._query(
                "SELECT name, res_id FROM ir_model_data WHERE module = '__import__' "
                "AND model LIKE %s ORDER BY name",
                ["wilayah.%"],
            ),
            imported_xmlids,
        )
        self.assertEqual(ref("__import__.3204050001"), neglawangi)
        # the unit that had another's code got its own back, and its children
        self.assertEqual(ref(f"{MODULE}.provinsi_34"), yogyakarta)
        self.assertEqual(ref("__import__.34"), yogyakarta)
        self.assertEqual((yogyakarta.code, yogyakarta.name), ("34", "DI YOGYAKARTA"))
        self.assertEqual(ref(f"{MODULE}.kota_3471").provinsi_id, yogyakarta)
        self.assertEqual(ref(f"{MODULE}.provinsi_33"), jawa_tengah)
        self.assertEqual(jawa_tengah.name, "JAWA TENGAH")
        # the admin's key is untouched
        self.assertEqual(self.params.get_param(API_KEY_PARAM), ADMIN_KEY)
        self.assertEqual(ref(f"{MODULE}.wilayah_api_key_parameter").value, ADMIN_KEY)

        # importing the published module's files again afterwards updates
        result = (
            self.env["wilayah.kelurahan"]
            .with_context(import_file=True)
            .load(
                ["id", "name", "code", "kecamatan_id/id", "postal_code"],
                [["3204050001", "NEGLAWANGI", "3204050001", "3204050", "40386"]],
            )
        )
        self.assertEqual(result["ids"], [neglawangi.id])

        # the next upgrade has nothing to do
        before = self._snapshot()
        with self.assertLogs(SYNC_LOGGER, logging.INFO) as logs:
            self._sync()
        self.assertIn("up to date", "\n".join(logs.output))
        self.assertEqual(self._snapshot(), before)

    def test_units_sharing_a_code_without_a_way_out(self):
        """Two villages with one code and nothing telling them apart: the sync
        completes, reports it, and the external id stays where it was."""
        neglawangi = self.env.ref(f"{MODULE}.kelurahan_3204050001")
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            "ALTER TABLE wilayah_kelurahan "
            "DROP CONSTRAINT wilayah_kelurahan_code_unique"
        )
        cr.execute(
            """
            INSERT INTO wilayah_kelurahan (code, name, kecamatan_id, active)
            SELECT code, 'NEGLAWANGI LAMA', kecamatan_id, true
              FROM wilayah_kelurahan WHERE id = %s
            RETURNING id
            """,
            [neglawangi.id],
        )
        twin = self.env["wilayah.kelurahan"].browse(cr.fetchone()[0])
        with self.assertLogs(SYNC_LOGGER, logging.WARNING) as logs:
            self.WilayahData._sync_bundled_data(force=True)
        self.assertIn("could not be given a code of its own", "\n".join(logs.output))
        self.assertEqual(self.env.ref(f"{MODULE}.kelurahan_3204050001"), neglawangi)
        self.assertEqual(neglawangi.name, "NEGLAWANGI")
        self.assertTrue(twin.exists())

    def test_drop_in_keeps_the_placeholder_key(self):
        self._make_published_module_state(API_KEY_PLACEHOLDER)
        self._upgrade_models()
        self._sync()
        self.assertEqual(self.params.get_param(API_KEY_PARAM), API_KEY_PLACEHOLDER)
        self.assertEqual(self.env["wilayah.provinsi"].search_count([]), 38)
