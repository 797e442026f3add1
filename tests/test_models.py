from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..wilayah.levels import LEVELS
from .common import WilayahCase

WILAYAH_MODELS = tuple(level.model for level in LEVELS.values())


@tagged("post_install", "-at_install")
class TestWilayahModels(WilayahCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Code 99 is not used by the bundled data.
        cls.provinsi = cls.Provinsi.create({"name": "PROVINSI UJI", "code": "99"})
        cls.kota = cls.Kota.create(
            {"name": "KOTA UJI", "code": "9901", "provinsi_id": cls.provinsi.id}
        )
        cls.kecamatan = cls.Kecamatan.create(
            {"name": "KECAMATAN UJI", "code": "9901010", "kota_id": cls.kota.id}
        )
        cls.kelurahan = cls.Kelurahan.create(
            {
                "name": "KELURAHAN UJI",
                "code": "9901010001",
                "kecamatan_id": cls.kecamatan.id,
                "postal_code": "40386",
            }
        )

    def _by_code(self, model, code):
        record = self.env[model].search([("code", "=", code)])
        self.assertEqual(len(record), 1, f"{model} {code} should exist once")
        return record

    # -- codes -------------------------------------------------------------

    def test_code_validation_on_create(self):
        parents = {
            "provinsi": self.env["wilayah.provinsi"],
            "kota": self.provinsi,
            "kecamatan": self.kota,
            "kelurahan": self.kecamatan,
        }
        cases = [
            ("provinsi", "9"),
            ("provinsi", "989"),
            ("provinsi", "9A"),
            ("provinsi", "٩٨"),  # non-ASCII digits
            ("kota", "990"),
            ("kota", "99x2"),
            ("kota", "9801"),  # not below its provinsi 99
            ("kecamatan", "990102"),
            ("kecamatan", "9902010"),
            ("kelurahan", "990101000"),
            ("kelurahan", "9901020001"),
        ]
        for level_key, code in cases:
            level = LEVELS[level_key]
            vals = {"name": "X", "code": code}
            if level.parent:
                vals[level.parent_field] = parents[level_key].id
            with self.subTest(level=level_key, code=code):
                with self.assertRaises(ValidationError):
                    self.env[level.model].create(vals)
        # The same shapes with right codes are accepted.
        self.assertTrue(
            self.Kota.create(
                {"name": "X", "code": "9902", "provinsi_id": self.provinsi.id}
            )
        )

    def test_code_validation_on_write(self):
        with self.assertRaises(ValidationError):
            self.provinsi.write({"code": "999"})
        with self.assertRaises(ValidationError):
            self.kota.write({"code": "99AB"})
        with self.assertRaises(ValidationError):
            self.kecamatan.write({"code": "9801010"})
        with self.assertRaises(ValidationError):
            self.kelurahan.write({"code": "99010100011"})
        # Moving a unit under a parent whose code it does not extend.
        jawa_barat = self._by_code("wilayah.provinsi", "32")
        with self.assertRaises(ValidationError):
            self.kota.write({"provinsi_id": jawa_barat.id})
        self.kota.write({"code": "9909"})
        self.assertEqual(self.kota.code, "9909")

    def test_code_unique_per_level(self):
        for model, vals in [
            ("wilayah.provinsi", {"name": "DUPLIKAT", "code": "32"}),
            (
                "wilayah.kota",
                {"name": "DUPLIKAT", "code": "9901", "provinsi_id": self.provinsi.id},
            ),
            (
                "wilayah.kecamatan",
                {"name": "DUPLIKAT", "code": "9901010", "kota_id": self.kota.id},
            ),
            (
                "wilayah.kelurahan",
                {
                    "name": "DUPLIKAT",
                    "code": "9901010001",
                    "kecamatan_id": self.kecamatan.id,
                },
            ),
        ]:
            with self.subTest(model=model):
                with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                    self.env[model].create(vals)
                    self.env.flush_all()

    def test_fields_of_each_level(self):
        """The fields the level table gives each model: the published module's
        names and labels, each Many2one to the right model."""
        expected = {
            # model: {field: (comodel, related path, label)}
            "wilayah.provinsi": {"kota_ids": ("wilayah.kota", None, "Kota/Kabupaten")},
            "wilayah.kota": {
                "provinsi_id": ("wilayah.provinsi", None, "Provinsi"),
                "kecamatan_ids": ("wilayah.kecamatan", None, "Kecamatan"),
            },
            "wilayah.kecamatan": {
                "kota_id": ("wilayah.kota", None, "Kota"),
                "provinsi_id": ("wilayah.provinsi", "kota_id.provinsi_id", "Provinsi"),
                "kelurahan_ids": ("wilayah.kelurahan", None, "Kelurahan/Desa"),
            },
            "wilayah.kelurahan": {
                "kecamatan_id": ("wilayah.kecamatan", None, "Kecamatan"),
                "kota_id": ("wilayah.kota", "kecamatan_id.kota_id", "Kota"),
                "provinsi_id": (
                    "wilayah.provinsi",
                    "kecamatan_id.kota_id.provinsi_id",
                    "Provinsi",
                ),
            },
        }
        for model, model_fields in expected.items():
            fields = self.env[model]._fields
            self.assertTrue(fields["code"].required)
            for name, (comodel, related, label) in model_fields.items():
                with self.subTest(model=model, field=name):
                    self.assertEqual(fields[name].comodel_name, comodel)
                    self.assertEqual(fields[name].related or None, related)
                    self.assertEqual(fields[name].string, label)

    def test_parent_required(self):
        for model, vals in [
            ("wilayah.kota", {"name": "YATIM", "code": "9903"}),
            ("wilayah.kecamatan", {"name": "YATIM", "code": "9901030"}),
            ("wilayah.kelurahan", {"name": "YATIM", "code": "9901010009"}),
        ]:
            with self.subTest(model=model):
                self.assertTrue(
                    self.env[model]
                    ._fields[self.env[model]._level().parent_field]
                    .required
                )
                with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                    self.env[model].create(vals)
                    self.env.flush_all()

    # -- deletion ------------------------------------------------------------

    def test_unlink_parent_with_children_refused(self):
        for unit in (self.provinsi, self.kota, self.kecamatan):
            with self.subTest(unit=unit.display_name):
                with self.assertRaises(UserError):
                    unit.unlink()
                self.assertTrue(unit.exists())
        with self.assertRaises(UserError):
            self._by_code("wilayah.provinsi", "32").unlink()

    def test_unlink_parent_with_archived_children_refused(self):
        self.kelurahan.active = False
        self.assertFalse(self.kecamatan.kelurahan_ids)
        with self.assertRaises(UserError):
            self.kecamatan.unlink()

    def test_unlink_childless_units(self):
        self.kelurahan.unlink()
        self.kecamatan.unlink()
        self.kota.unlink()
        self.provinsi.unlink()
        for unit in (self.kelurahan, self.kecamatan, self.kota, self.provinsi):
            self.assertFalse(unit.exists())

    # -- postal codes ----------------------------------------------------------

    def test_postal_code_normalized(self):
        kelurahan = self.Kelurahan.create(
            {
                "name": "DUA KODE POS",
                "code": "9901010002",
                "kecamatan_id": self.kecamatan.id,
                "postal_code": "23898, 23895",
            }
        )
        self.assertEqual(kelurahan.postal_code, "23895,23898")
        kelurahan.write({"postal_code": " 40386 ,40385,40386 "})
        self.assertEqual(kelurahan.postal_code, "40385,40386")
        kelurahan.write({"postal_code": False})
        self.assertFalse(kelurahan.postal_code)

    def test_postal_code_validation(self):
        for postal_code in ("2389", "238955", "ABCDE", "23895;23898", "23895,2389"):
            with self.subTest(postal_code=postal_code):
                with self.assertRaises(ValidationError):
                    self.kelurahan.write({"postal_code": postal_code})
                with self.assertRaises(ValidationError):
                    self.Kelurahan.create(
                        {
                            "name": "SALAH",
                            "code": "9901010003",
                            "kecamatan_id": self.kecamatan.id,
                            "postal_code": postal_code,
                        }
                    )

    # -- names and search ------------------------------------------------------

    def test_display_name(self):
        self.assertEqual(
            self._by_code("wilayah.kota", "3204").display_name, "3204 BANDUNG"
        )
        self.assertEqual(
            self._by_code("wilayah.provinsi", "32").display_name, "32 JAWA BARAT"
        )
        self.assertEqual(self.kelurahan.display_name, "9901010001 KELURAHAN UJI")

    def test_name_search_by_code_and_name(self):
        bandung = self._by_code("wilayah.kota", "3204")
        # a dropdown shows the address search's label (test_alamat.py)
        result = self.Kota.name_search("3204")
        self.assertEqual(result[0], (bandung.id, "KAB. BANDUNG, JAWA BARAT"))
        self.assertLessEqual(
            {"3204", "3217", "3273"},
            {
                self.Kota.browse(rid).code
                for rid, _name in self.Kota.name_search("bandung")
            },
        )
        kertasari = self._by_code("wilayah.kecamatan", "3204050")
        self.assertIn(
            kertasari, self.Kecamatan.search([("display_name", "ilike", "kertasari")])
        )
        self.assertIn(
            kertasari, self.Kecamatan.search([("display_name", "ilike", "3204050")])
        )
        self.assertFalse(self.Provinsi.name_search("no such province"))

    def test_display_name_search_of_a_text_without_digits(self):
        """It skips the codes (all digits) without changing the answer."""
        total = self.Kota.search_count([])
        bandung = self.Kota.search_count([("display_name", "ilike", "bandung")])
        self.assertGreaterEqual(bandung, 3)
        self.assertEqual(
            self.Kota.search_count([("display_name", "not ilike", "bandung")]),
            total - bandung,
        )
        # a LIKE pattern still reaches the codes
        self.assertEqual(
            self.Provinsi.search_count([("display_name", "=like", "__")]),
            self.Provinsi.search_count([]),
        )

    def test_order_by_code(self):
        for model in WILAYAH_MODELS:
            self.assertEqual(self.env[model]._order, "code")
        codes = self.Kota.search([("provinsi_id.code", "=", "32")]).mapped("code")
        self.assertGreater(len(codes), 10)
        self.assertEqual(codes, sorted(codes))
        codes = self.Kelurahan.search([("code", "=like", "3204%")], limit=500).mapped(
            "code"
        )
        self.assertEqual(codes, sorted(codes))

    # -- bundled data ----------------------------------------------------------

    def test_bundled_data_counts(self):
        test_units = (self.provinsi, self.kota, self.kecamatan, self.kelurahan)
        test_ids = {unit._name: unit.ids for unit in test_units}
        expected = {
            "wilayah.provinsi": 38,
            "wilayah.kota": 514,
            "wilayah.kecamatan": 7277,
            "wilayah.kelurahan": 84197,
        }
        for model, count in expected.items():
            with self.subTest(model=model):
                # Leave out the units setUpClass created.
                domain = [("id", "not in", test_ids[model])]
                self.assertEqual(self.env[model].search_count(domain), count)

    def test_bundled_examples(self):
        kertasari = self._by_code("wilayah.kecamatan", "3204050")
        self.assertEqual(kertasari.name, "KERTASARI")
        self.assertEqual(kertasari.kemendagri_code, "32.04.31")
        self.assertEqual(
            (kertasari.kota_id.code, kertasari.kota_id.name), ("3204", "BANDUNG")
        )
        self.assertEqual(
            (kertasari.provinsi_id.code, kertasari.provinsi_id.name),
            ("32", "JAWA BARAT"),
        )
        latiung = self._by_code("wilayah.kelurahan", "1101010001")
        self.assertEqual(latiung.name, "LATIUNG")
        self.assertEqual(latiung.postal_code, "23895,23898")
        self.assertEqual(latiung.kecamatan_id.code, "1101010")
        neglawangi = self._by_code("wilayah.kelurahan", "3204050001")
        self.assertEqual(
            (neglawangi.name, neglawangi.postal_code), ("NEGLAWANGI", "40386")
        )
        self.assertEqual(
            self._by_code("wilayah.kecamatan", "3204100").name, "CICALENGKA"
        )

    # -- views -------------------------------------------------------------------

    def test_views_render(self):
        children = {
            "wilayah.provinsi": "kota_ids",
            "wilayah.kota": "kecamatan_ids",
            "wilayah.kecamatan": "kelurahan_ids",
        }
        for model in WILAYAH_MODELS:
            with self.subTest(model=model):
                result = self.env[model].get_views(
                    [(False, "list"), (False, "form"), (False, "search")]
                )
                views = result["views"]
                self.assertIn('name="code"', views["list"]["arch"])
                self.assertIn('name="name"', views["form"]["arch"])
                self.assertIn('name="inactive"', views["search"]["arch"])
                self.assertIn('name="kemendagri_code"', views["search"]["arch"])
                if model in children:
                    self.assertIn(f'name="{children[model]}"', views["form"]["arch"])
                # Our views, not the ones Odoo generates when none exists.
                self.assertTrue(views["search"]["id"])
        search_arch = self.Kota.get_views([(False, "search")])["views"]["search"][
            "arch"
        ]
        self.assertIn("'group_by': 'provinsi_id'", search_arch)

    def test_actions_open_the_models(self):
        for model, xmlid in [
            ("wilayah.provinsi", "wilayah_provinsi_action"),
            ("wilayah.kota", "wilayah_kota_action"),
            ("wilayah.kecamatan", "wilayah_kecamatan_action"),
            ("wilayah.kelurahan", "wilayah_kelurahan_action"),
        ]:
            action = self.env.ref(f"infinys_wilayah_indonesia_api.{xmlid}")
            self.assertEqual(action.res_model, model)
            self.assertEqual(action.view_mode, "list,form")
