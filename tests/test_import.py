from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from ..models.base_import import _ReadFile
from ..wilayah import ADDON as MODULE
from ..wilayah.import_dialog import BATCH_ROWS, DIALOG_OPTIONS
from ..wilayah.levels import LEVELS
from .common import PAPUA_2022, WilayahCase

# Column names of the published module's import files.
PROVINSI_FIELDS = ["id", "name", "code"]
KOTA_FIELDS = ["id", "name", "code", "provinsi_id/id"]
KECAMATAN_FIELDS = ["id", "name", "code", "kota_id/id"]
KELURAHAN_FIELDS = ["id", "name", "code", "kecamatan_id/id", "postal_code"]


@tagged("post_install", "-at_install")
class TestWilayahImport(WilayahCase):
    """Importing the region files is an upsert by code (README, "Region data")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jabar = cls.env.ref(f"{MODULE}.provinsi_32")
        cls.bandung = cls.env.ref(f"{MODULE}.kota_3204")
        cls.kertasari = cls.env.ref(f"{MODULE}.kecamatan_3204050")
        cls.neglawangi = cls.env.ref(f"{MODULE}.kelurahan_3204050001")

    def _load(self, model, fields, rows, **context):
        """``load()`` as Actions > Import runs it (``import_file`` in context)."""
        result = model.with_context(import_file=True, **context).load(fields, rows)
        self.env.invalidate_all()
        return result

    def assertLoaded(self, result, expected_ids):
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertFalse(errors, "the import should succeed")
        self.assertEqual(result["ids"], expected_ids)

    def assertRejected(self, result):
        """The import failed as a whole; return its error messages."""
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors, "the import should report an error")
        self.assertIs(result["ids"], False)
        return errors

    def _count(self, model, code):
        return model.with_context(active_test=False).search_count([("code", "=", code)])

    def _xmlid_record(self, xmlid):
        return self.env.ref(xmlid, raise_if_not_found=False)

    # (a) this data set's files: ids ``provinsi_32``, parents ``provinsi_32``
    def test_this_data_set_format_updates_by_code(self):
        result = self._load(
            self.Provinsi, PROVINSI_FIELDS, [["provinsi_32", "JAWA BARAT X", "32"]]
        )
        self.assertLoaded(result, [self.jabar.id])
        self.assertEqual(self.jabar.name, "JAWA BARAT X")
        self.assertEqual(self._count(self.Provinsi, "32"), 1)
        self.assertEqual(self._xmlid_record("__import__.provinsi_32"), self.jabar)
        # the unit keeps the external id of the bundled data
        self.assertEqual(self._xmlid_record(f"{MODULE}.provinsi_32"), self.jabar)

        result = self._load(
            self.Kota, KOTA_FIELDS, [["kota_3204", "BANDUNG X", "3204", "provinsi_32"]]
        )
        self.assertLoaded(result, [self.bandung.id])
        self.assertEqual(self.bandung.name, "BANDUNG X")
        self.assertEqual(self.bandung.provinsi_id, self.jabar)
        self.assertEqual(self._count(self.Kota, "3204"), 1)
        self.assertEqual(self._xmlid_record("__import__.kota_3204"), self.bandung)

        result = self._load(
            self.Kecamatan,
            KECAMATAN_FIELDS,
            [["kecamatan_3204050", "KERTASARI X", "3204050", "kota_3204"]],
        )
        self.assertLoaded(result, [self.kertasari.id])
        self.assertEqual(self.kertasari.name, "KERTASARI X")
        self.assertEqual(self._count(self.Kecamatan, "3204050"), 1)
        self.assertEqual(
            self._xmlid_record("__import__.kecamatan_3204050"), self.kertasari
        )

        result = self._load(
            self.Kelurahan,
            KELURAHAN_FIELDS,
            [
                [
                    "kelurahan_3204050001",
                    "NEGLAWANGI X",
                    "3204050001",
                    "kecamatan_3204050",
                    "40386, 40385",
                ]
            ],
        )
        self.assertLoaded(result, [self.neglawangi.id])
        self.assertEqual(self.neglawangi.name, "NEGLAWANGI X")
        # (f) postal codes are imported, normalised (sorted, no blanks)
        self.assertEqual(self.neglawangi.postal_code, "40385,40386")
        self.assertEqual(self.neglawangi.kecamatan_id, self.kertasari)
        self.assertEqual(self._count(self.Kelurahan, "3204050001"), 1)
        self.assertEqual(
            self._xmlid_record("__import__.kelurahan_3204050001"), self.neglawangi
        )

    def test_reimport_is_idempotent(self):
        rows = [["kota_3204", "BANDUNG Y", "3204", "provinsi_32"]]
        first = self._load(self.Kota, KOTA_FIELDS, rows)
        second = self._load(self.Kota, KOTA_FIELDS, rows)
        self.assertLoaded(first, [self.bandung.id])
        self.assertLoaded(second, [self.bandung.id])
        self.assertEqual(self._count(self.Kota, "3204"), 1)
        self.assertEqual(
            self.env["ir.model.data"].search_count(
                [("model", "=", "wilayah.kota"), ("res_id", "=", self.bandung.id)]
            ),
            2,  # the bundled one and __import__.kota_3204
        )

    # (b) the published module's files: ids and parents are bare codes
    def test_published_module_format(self):
        self.assertLoaded(
            self._load(self.Provinsi, PROVINSI_FIELDS, [["32", "JAWA BARAT P", "32"]]),
            [self.jabar.id],
        )
        self.assertLoaded(
            self._load(self.Kota, KOTA_FIELDS, [["3204", "BANDUNG P", "3204", "32"]]),
            [self.bandung.id],
        )
        self.assertLoaded(
            self._load(
                self.Kecamatan,
                KECAMATAN_FIELDS,
                [["3204050", "KERTASARI P", "3204050", "3204"]],
            ),
            [self.kertasari.id],
        )
        self.assertLoaded(
            self._load(
                self.Kelurahan,
                KELURAHAN_FIELDS,
                [["3204050001", "NEGLAWANGI P", "3204050001", "3204050", "40386"]],
            ),
            [self.neglawangi.id],
        )
        self.assertEqual(
            (
                self.jabar.name,
                self.bandung.name,
                self.kertasari.name,
                self.neglawangi.name,
            ),
            ("JAWA BARAT P", "BANDUNG P", "KERTASARI P", "NEGLAWANGI P"),
        )
        self.assertEqual(self._xmlid_record("__import__.32"), self.jabar)
        self.assertEqual(self._xmlid_record("__import__.3204"), self.bandung)
        self.assertEqual(self._xmlid_record("__import__.3204050"), self.kertasari)
        self.assertEqual(self._xmlid_record("__import__.3204050001"), self.neglawangi)
        for model, code in (
            (self.Provinsi, "32"),
            (self.Kota, "3204"),
            (self.Kecamatan, "3204050"),
            (self.Kelurahan, "3204050001"),
        ):
            self.assertEqual(self._count(model, code), 1)

    def test_import_without_external_id_updates_by_code(self):
        result = self._load(
            self.Kelurahan,
            ["name", "code", "kecamatan_id/id", "postal_code"],
            [["NEGLAWANGI Z", "3204050001", "3204050", "40399"]],
        )
        self.assertLoaded(result, [self.neglawangi.id])
        self.assertEqual(self.neglawangi.name, "NEGLAWANGI Z")
        self.assertEqual(self.neglawangi.postal_code, "40399")
        self.assertEqual(self._count(self.Kelurahan, "3204050001"), 1)

    def test_import_brings_back_an_archived_unit(self):
        self.neglawangi.active = False
        result = self._load(
            self.Kelurahan,
            KELURAHAN_FIELDS,
            [["3204050001", "NEGLAWANGI", "3204050001", "3204050", "40386"]],
        )
        self.assertLoaded(result, [self.neglawangi.id])
        self.assertTrue(self.neglawangi.active)

    # (c) new codes are created under the parent found by code
    def test_new_codes_created_under_parent_resolved_by_code(self):
        result = self._load(
            self.Kota, KOTA_FIELDS, [["kota_3299", "KOTA BARU", "3299", "provinsi_32"]]
        )
        self.assertEqual(len(result["ids"] or []), 1)
        kota = self.Kota.browse(result["ids"])
        self.assertLoaded(result, kota.ids)
        self.assertEqual((kota.code, kota.name), ("3299", "KOTA BARU"))
        self.assertEqual(kota.provinsi_id, self.jabar)
        self.assertEqual(self._xmlid_record("__import__.kota_3299"), kota)

        # published format, parent a bare code; and a dotted Kemendagri parent
        result = self._load(
            self.Kecamatan,
            KECAMATAN_FIELDS,
            [
                ["3299010", "KECAMATAN BARU", "3299010", "3299"],
                ["3204999", "KECAMATAN LAIN", "3204999", "32.04"],
            ],
        )
        kecamatan = self.Kecamatan.browse(result["ids"] or [])
        self.assertLoaded(result, kecamatan.ids)
        self.assertEqual(kecamatan.mapped("code"), ["3299010", "3204999"])
        self.assertEqual(kecamatan[0].kota_id, kota)
        self.assertEqual(kecamatan[1].kota_id, self.bandung)

        result = self._load(
            self.Kelurahan,
            KELURAHAN_FIELDS,
            [
                ["3299010001", "DESA BARU", "3299010001", "3299010", "40999,40998"],
                ["3204050999", "DESA LAIN", "3204050999", "32.04.31", ""],
            ],
        )
        kelurahan = self.Kelurahan.browse(result["ids"] or [])
        self.assertLoaded(result, kelurahan.ids)
        self.assertEqual(kelurahan[0].kecamatan_id, kecamatan[0])
        self.assertEqual(kelurahan[0].postal_code, "40998,40999")
        self.assertEqual(kelurahan[0].provinsi_id, self.jabar)
        self.assertEqual(kelurahan[1].kecamatan_id, self.kertasari)
        self.assertFalse(kelurahan[1].postal_code)

    def test_new_province(self):
        result = self._load(
            self.Provinsi, PROVINSI_FIELDS, [["provinsi_99", "PROVINSI BARU", "99"]]
        )
        provinsi = self.Provinsi.browse(result["ids"] or [])
        self.assertLoaded(result, provinsi.ids)
        self.assertEqual((provinsi.code, provinsi.name), ("99", "PROVINSI BARU"))
        self.assertEqual(self.Provinsi.search_count([]), 39)

    # (d) an unknown parent fails the row, and nothing of the import is applied
    @mute_logger("odoo.sql_db")
    def test_unknown_parent_is_a_row_error_and_nothing_applied(self):
        kota_count = self.Kota.search_count([])
        result = self._load(
            self.Kota,
            KOTA_FIELDS,
            [
                ["kota_3204", "BANDUNG CHANGED", "3204", "provinsi_32"],
                ["kota_3298", "NEW ONE", "3298", "provinsi_32"],
                ["kota_9901", "NO PARENT", "9901", "provinsi_99"],
            ],
        )
        errors = self.assertRejected(result)
        # only the third row is in error (Odoo then also reports the missing
        # required value for that same row)
        self.assertEqual({error["record"] for error in errors}, {2})
        self.assertEqual(errors[0]["rows"], {"from": 2, "to": 2})
        self.assertEqual(errors[0]["field"], "provinsi_id")
        self.assertIn("provinsi_99", errors[0]["message"])
        self.assertEqual(self.bandung.name, "BANDUNG")
        self.assertEqual(self.Kota.search_count([]), kota_count)
        self.assertFalse(self._count(self.Kota, "3298"))
        self.assertFalse(self._xmlid_record("__import__.kota_3204"))

    @mute_logger("odoo.sql_db")
    def test_unknown_parent_each_level(self):
        cases = (
            (self.Kota, KOTA_FIELDS, ["9901", "X", "9901", "99"], "provinsi_id"),
            (
                self.Kecamatan,
                KECAMATAN_FIELDS,
                ["3297010", "X", "3297010", "kota_3297"],
                "kota_id",
            ),
            (
                self.Kelurahan,
                KELURAHAN_FIELDS,
                ["3204059001", "X", "3204059001", "3204059", "40386"],
                "kecamatan_id",
            ),
        )
        for model, fields, row, field in cases:
            with self.subTest(model=model._name):
                errors = self.assertRejected(self._load(model, fields, [row]))
                self.assertEqual(errors[0]["field"], field)
                self.assertIn(row[3], errors[0]["message"])
                self.assertFalse(self._count(model, row[2]))

    # (e) an invalid code fails the row, and nothing of the import is applied
    def test_invalid_code_is_an_error_and_nothing_applied(self):
        cases = (
            (self.Provinsi, PROVINSI_FIELDS, ["provinsi_320", "X", "320"]),
            (self.Kota, KOTA_FIELDS, ["kota_329", "X", "329", "provinsi_32"]),
            # a code that does not start with its parent's code
            (self.Kota, KOTA_FIELDS, ["kota_3390", "X", "3390", "provinsi_32"]),
            (self.Kota, KOTA_FIELDS, ["kota_32AB", "X", "32AB", "provinsi_32"]),
            (
                self.Kecamatan,
                KECAMATAN_FIELDS,
                ["kecamatan_3273999", "X", "3273999", "kota_3204"],
            ),
            (
                self.Kelurahan,
                KELURAHAN_FIELDS,
                ["kelurahan_320405001", "X", "320405001", "kecamatan_3204050", ""],
            ),
        )
        for model, fields, row in cases:
            with self.subTest(model=model._name, code=row[2]):
                valid = {
                    "wilayah.provinsi": ["provinsi_32", "CHANGED", "32"],
                    "wilayah.kota": ["kota_3204", "CHANGED", "3204", "provinsi_32"],
                    "wilayah.kecamatan": [
                        "kecamatan_3204050",
                        "CHANGED",
                        "3204050",
                        "kota_3204",
                    ],
                    "wilayah.kelurahan": [
                        "kelurahan_3204050001",
                        "CHANGED",
                        "3204050001",
                        "kecamatan_3204050",
                        "40386",
                    ],
                }[model._name]
                errors = self.assertRejected(self._load(model, fields, [valid, row]))
                self.assertIn(row[2], " ".join(e["message"] for e in errors))
                self.assertFalse(self._count(model, row[2]))
                self.assertFalse(model.search_count([("name", "=", "CHANGED")]))

    def test_existing_code_moved_to_a_wrong_parent_is_refused(self):
        # an update by code is checked like a create: 3204 cannot go to 33,
        # and 3301 (a kota of province 33) cannot be moved under 32
        errors = self.assertRejected(
            self._load(
                self.Kota,
                KOTA_FIELDS,
                [["3204", "BANDUNG", "3204", "33"], ["3301", "CILACAP", "3301", "32"]],
            )
        )
        self.assertEqual({error["record"] for error in errors}, {0, 1})
        self.assertIn("3204", errors[0]["message"])
        self.assertEqual(self.bandung.provinsi_id, self.jabar)
        cilacap = self.env.ref(f"{MODULE}.kota_3301")
        self.assertEqual(cilacap.provinsi_id.code, "33")

    def test_invalid_postal_code_is_refused(self):
        errors = self.assertRejected(
            self._load(
                self.Kelurahan,
                KELURAHAN_FIELDS,
                [["3204050001", "NEGLAWANGI", "3204050001", "3204050", "4038"]],
            )
        )
        self.assertIn("4038", errors[0]["message"])
        self.assertEqual(self.neglawangi.postal_code, "40386")

    def test_plain_load_without_import_context(self):
        """``load()`` called by code (RPC) behaves the same."""
        result = self.Kota.load(
            KOTA_FIELDS,
            [
                ["3204", "BANDUNG RPC", "3204", "32"],
                ["kota_3296", "KOTA RPC", "3296", "provinsi_32"],
            ],
        )
        self.assertEqual(len(result["ids"] or []), 2)
        self.assertLoaded(result, result["ids"])
        self.assertEqual(result["ids"][0], self.bandung.id)
        self.assertEqual(self.bandung.name, "BANDUNG RPC")
        new = self.Kota.browse(result["ids"][1])
        self.assertEqual((new.code, new.provinsi_id), ("3296", self.jabar))

    # -- one row, one unit: nothing silently rewrites a unit a row does not name
    def test_repeated_code_is_refused_naming_both_rows(self):
        # the published module's own province file gives 33 to DI YOGYAKARTA
        rows = [
            ["32", "JAWA BARAT", "32"],
            ["33", "JAWA TENGAH", "33"],
            ["34", "DI YOGYAKARTA", "33"],
        ]
        yogyakarta = self.env.ref(f"{MODULE}.provinsi_34")
        errors = self.assertRejected(self._load(self.Provinsi, PROVINSI_FIELDS, rows))
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["rows"], {"from": 1, "to": 2})
        message = errors[0]["message"]
        self.assertIn("2 (JAWA TENGAH) and 3 (DI YOGYAKARTA)", message)
        self.assertIn("Kode Provinsi 33", message)
        self.assertIn("nothing of this file was imported", message)
        self.assertEqual(self.env.ref(f"{MODULE}.provinsi_33").name, "JAWA TENGAH")
        self.assertEqual(yogyakarta.code, "34")
        self.assertFalse(self._xmlid_record("__import__.32"))
        self.assertFalse(self._xmlid_record("__import__.33"))

    def test_repeated_external_id_is_refused(self):
        # the second row would rewrite the unit the first one created
        rows = [
            ["kota_new", "KOTA BARU", "3297", "provinsi_32"],
            ["__import__.kota_new", "KOTA LAIN", "3298", "provinsi_32"],
        ]
        errors = self.assertRejected(self._load(self.Kota, KOTA_FIELDS, rows))
        self.assertIn("1 (KOTA BARU) and 2 (KOTA LAIN)", errors[0]["message"])
        self.assertIn("kota_new", errors[0]["message"])
        self.assertFalse(self._count(self.Kota, "3297"))
        self.assertFalse(self._count(self.Kota, "3298"))

    def test_external_id_of_another_unit_is_refused(self):
        # __import__.33 was given to JAWA TENGAH by an earlier import; a row
        # with that id and the code of another unit, or a new code, would move
        # or change a code: the row's error, nothing applied
        jateng = self.env.ref(f"{MODULE}.provinsi_33")
        self.assertLoaded(
            self._load(self.Provinsi, PROVINSI_FIELDS, [["33", "JAWA TENGAH", "33"]]),
            [jateng.id],
        )
        for code, expected in (("34", "DI YOGYAKARTA"), ("98", "not 98")):
            with self.subTest(code=code):
                errors = self.assertRejected(
                    self._load(
                        self.Provinsi,
                        PROVINSI_FIELDS,
                        [["32", "JAWA BARAT Q", "32"], ["33", "RENAMED", code]],
                    )
                )
                # the row's error (Odoo puts the batch's first before it)
                self.assertEqual(errors[-1]["record"], 1)
                self.assertIn("__import__.33 is 33 JAWA TENGAH", errors[-1]["message"])
                self.assertIn(expected, errors[-1]["message"])
                self.assertEqual((jateng.code, jateng.name), ("33", "JAWA TENGAH"))
                self.assertEqual(self.jabar.name, "JAWA BARAT")
                self.assertFalse(self._count(self.Provinsi, "98"))

    def test_external_id_under_a_module_name_is_refused(self):
        # Odoo refuses it for created records; attached by the update by code
        # to an existing unit, the next upgrade of `base` would delete the unit
        errors = self.assertRejected(
            self._load(
                self.Provinsi, PROVINSI_FIELDS, [["base.jabar", "JAWA BARAT", "32"]]
            )
        )
        self.assertIn("module prefix base", errors[0]["message"])
        self.assertFalse(self._xmlid_record("base.jabar"))


@tagged("post_install", "-at_install")
class TestWilayahImportDialog(WilayahCase):
    """Actions > Import records, through the dialog's own calls: ``parse_preview``,
    then ``execute_import`` batch after batch (base_import)."""

    def _wizard(self, model, content):
        return self.env["base_import.import"].create(
            {
                "res_model": model._name,
                "file": content,
                "file_name": "regions.csv",
                "file_type": "text/csv",
            }
        )

    def _dialog_import(self, model, content, limit=BATCH_ROWS):
        """Import ``content`` as the dialog does; return the results of its
        batches (the dialog stops at the first batch with messages)."""
        wizard = self._wizard(model, content)
        preview = wizard.parse_preview(dict(DIALOG_OPTIONS))
        self.assertFalse(preview.get("error"), preview.get("error"))
        headers = preview["headers"]
        fields = ["/".join(preview["matches"][index]) for index in range(len(headers))]
        options = {**DIALOG_OPTIONS, **preview["options"], "limit": limit}
        results, skip = [], 0
        while True:
            result = wizard.execute_import(
                fields, [h.lower() for h in headers], dict(options, skip=skip)
            )
            results.append(result)
            skip = result.get("nextrow")
            if result.get("messages") or not skip:
                break
        self.env.invalidate_all()
        return results

    def _snapshot(self):
        """Every unit as stored (with its write date), and the external ids."""
        cr = self.env.cr
        self.env.flush_all()
        snapshot = {}
        for level in LEVELS.values():
            cr.execute(
                f"""SELECT md5(string_agg(t::text, ',' ORDER BY id)), count(*)
                      FROM {level.table} t"""  # noqa: S608
            )
            snapshot[level.key] = cr.fetchone()
        cr.execute(
            "SELECT module, count(*) FROM ir_model_data "
            "WHERE model LIKE 'wilayah.%' GROUP BY module ORDER BY module"
        )
        snapshot["external ids"] = dict(cr.fetchall())
        return snapshot

    def test_published_columns_map_by_themselves(self):
        # the published module's columns, and the shipped files' (which add
        # kemendagri_code)
        for level in LEVELS.values():
            with file_open(f"{MODULE}/data/wilayah/{level.data_file}", "rb") as data:
                shipped = data.readline().decode().strip().split(",")
            published = [column for column in shipped if column != "kemendagri_code"]
            for header in (published, shipped):
                with self.subTest(level=level.key, header=header):
                    content = (",".join(header) + "\n").encode()
                    content += (",".join(["x"] * len(header)) + "\n").encode()
                    preview = self._wizard(
                        self.env[level.model], content
                    ).parse_preview(dict(DIALOG_OPTIONS))
                    self.assertEqual(
                        [
                            "/".join(preview["matches"].get(i, []))
                            for i in range(len(header))
                        ],
                        header,
                    )

    def test_reimport_of_every_shipped_file_changes_nothing(self):
        before = self._snapshot()
        rows = {}
        for level in LEVELS.values():
            with file_open(f"{MODULE}/data/wilayah/{level.data_file}", "rb") as data:
                content = data.read()
            results = self._dialog_import(self.env[level.model], content)
            with self.subTest(level=level.key):
                self.assertFalse([m for r in results for m in r.get("messages", [])])
                self.assertEqual(len(results), -(-level.shipped_units // BATCH_ROWS))
                ids = [unit_id for result in results for unit_id in result["ids"]]
                self.assertEqual(len(ids), level.shipped_units)
                self.assertEqual(len(set(ids)), level.shipped_units)
            rows[level.key] = content
        after = self._snapshot()
        # no unit changed (not even its write date), none was added; each row
        # gave its unit the file's external id (__import__.kelurahan_...)
        imported_ids = after.pop("external ids").pop("__import__")
        self.assertEqual(imported_ids, sum(lv.shipped_units for lv in LEVELS.values()))
        before.pop("external ids").pop("__import__", None)
        self.assertEqual(after, before)

        # a second time (the external ids exist): nothing at all changes
        again = self._snapshot()
        for level in list(LEVELS.values())[:3]:
            self._dialog_import(self.env[level.model], rows[level.key])
        self.assertEqual(self._snapshot(), again)

    def test_repeated_code_in_a_later_batch_applies_nothing(self):
        # batches of one row: the repeat is in the 3rd and 4th batches, and
        # the 1st batch already refuses the file
        content = (
            b"id,name,code\n"
            b"32,JAWA BARAT BARU,32\n"
            b"35,JAWA TIMUR,35\n"
            b"33,JAWA TENGAH,33\n"
            b"34,DI YOGYAKARTA,33\n"
        )
        results = self._dialog_import(self.Provinsi, content, limit=1)
        self.assertEqual(len(results), 1)
        messages = results[0]["messages"]
        self.assertEqual(len(messages), 1)
        self.assertIn("3 (JAWA TENGAH) and 4 (DI YOGYAKARTA)", messages[0]["message"])
        self.assertIn("nothing of this file was imported", messages[0]["message"])
        jabar = self.env.ref(f"{MODULE}.provinsi_32")
        self.assertEqual(jabar.name, "JAWA BARAT")
        self.assertEqual(self.env.ref(f"{MODULE}.provinsi_34").code, "34")
        self.assertFalse(self.env.ref("__import__.32", raise_if_not_found=False))

    def test_published_province_file_is_refused_naming_both_rows(self):
        # the published module's data_provinsi.csv: the 34 provinces before
        # 2022, DI YOGYAKARTA (id 34) with the code 33
        content = "id,name,code\n"
        for provinsi in self.Provinsi.search([("code", "not in", list(PAPUA_2022))]):
            code = "33" if provinsi.code == "34" else provinsi.code
            content += f"{provinsi.code},{provinsi.name},{code}\n"
        results = self._dialog_import(self.Provinsi, content.encode())
        message = results[0]["messages"][0]["message"]
        self.assertTrue(
            message.startswith(
                "Rows 13 (JAWA TENGAH) and 14 (DI YOGYAKARTA) have the same Kode "
                "Provinsi 33. Each row names one unit, so nothing of this file was "
                "imported"
            ),
            message,
        )
        self.assertFalse(results[0].get("ids"))
        self.assertEqual(self.env.ref(f"{MODULE}.provinsi_33").name, "JAWA TENGAH")

    def test_file_is_held_only_during_the_import(self):
        with file_open(f"{MODULE}/data/wilayah/data_kota.csv", "rb") as data:
            content = data.read()
        wizard = self._wizard(self.Kota, content)
        preview = wizard.parse_preview(dict(DIALOG_OPTIONS))
        fields = [
            "/".join(preview["matches"][i]) for i in range(len(preview["headers"]))
        ]
        options = {**DIALOG_OPTIONS, **preview["options"], "limit": 300}
        first = wizard.execute_import(fields, fields, dict(options))
        self.assertEqual(first["nextrow"], 300)
        # held for the next batch, with a timer that drops it when none comes
        self.assertEqual(len(_ReadFile.entry[1]), 514)
        self.assertTrue(_ReadFile.timer.is_alive())
        self.assertEqual(_ReadFile.timer.interval, _ReadFile.IDLE_SECONDS)
        last = wizard.execute_import(fields, fields, dict(options, skip=300))
        self.assertEqual(last["nextrow"], 0)
        self.assertEqual(len(first["ids"]) + len(last["ids"]), 514)
        self.assertIsNone(_ReadFile.entry, "dropped after the last batch")

    @mute_logger("odoo.sql_db")
    def test_row_errors_as_before(self):
        # batch after batch, a row error stops the import at its batch and
        # names the row (as Odoo's own import does)
        content = (
            b"id,name,code,provinsi_id/id\n"
            b"kota_3204,BANDUNG BARU,3204,provinsi_32\n"
            b"kota_9901,NO PARENT,9901,provinsi_99\n"
        )
        results = self._dialog_import(self.Kota, content, limit=1)
        self.assertEqual(len(results), 2)
        self.assertEqual(results[0]["messages"], [])
        errors = [m for m in results[1]["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        self.assertEqual(errors[0]["field"], "provinsi_id")
        self.assertIn("provinsi_99", errors[0]["message"])
        self.assertEqual(self.env.ref(f"{MODULE}.kota_3204").name, "BANDUNG BARU")
        self.assertFalse(self.Kota.search_count([("code", "=", "9901")]))
