from odoo.tests import tagged
from odoo.tools import mute_logger

from ..wilayah import ADDON as MODULE
from .common import WilayahCase

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
