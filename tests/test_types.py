"""The type of units (kabupaten/kota, kelurahan/desa): the level table's rule,
in the models, the loaded data, the views and the API's detail answers."""

import csv
from collections import Counter

from lxml import etree

from odoo.tests import tagged
from odoo.tools import file_open

from ..models.wilayah_data import DATA_DIR
from ..wilayah.levels import LEVELS
from .common import WilayahApiCase, WilayahCase, url

TYPED_LEVELS = tuple(level for level in LEVELS.values() if level.types)


def shipped_rows(level):
    with file_open(f"{DATA_DIR}/{level.data_file}") as data_file:
        return list(csv.DictReader(data_file))


def village_numbers(kemendagri_code):
    """First digits of the village numbers of Kemendagri codes."""
    return {
        part.rsplit(".", 1)[-1][:1]
        for part in (kemendagri_code or "").split(",")
        if part
    }


@tagged("post_install", "-at_install")
class TestWilayahTypes(WilayahCase):
    def _counts(self, level):
        """{type or False: units} of a level, as stored."""
        return dict(self.env[level.model]._read_group([], ["type"], ["__count"]))

    def test_levels_with_types(self):
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                fields = self.env[level.model]._fields
                if not level.types:
                    self.assertNotIn("type", fields)
                    continue
                field = fields["type"]
                self.assertEqual(field.type, "selection")
                self.assertTrue(field.store)
                self.assertEqual(
                    field.selection,
                    [(unit_type.value, unit_type.label) for unit_type in level.types],
                )

    def test_counts_after_install(self):
        """Each loaded unit has the type the rule gives its shipped row."""
        for level in TYPED_LEVELS:
            with self.subTest(level=level.key):
                expected = Counter(
                    level.unit_type(row["code"], row["kemendagri_code"]) or False
                    for row in shipped_rows(level)
                )
                self.assertEqual(self._counts(level), dict(expected))
        # the figures
        self.assertEqual(self._counts(LEVELS["kota"]), {"kabupaten": 416, "kota": 98})

    def test_kelurahan_split(self):
        """The villages' split, counted from the shipped file's numbering:
        1xxx kelurahan, 2xxx and 3xxx desa; none without a Kemendagri code or
        with codes of both kinds."""
        level = LEVELS["kelurahan"]
        expected = Counter()
        for row in shipped_rows(level):
            digits = village_numbers(row["kemendagri_code"])
            if not digits or ("1" in digits and digits != {"1"}):
                expected[False] += 1  # no code, or both kinds
            else:
                expected["kelurahan" if digits == {"1"} else "desa"] += 1
        self.assertEqual(self._counts(level), dict(expected))
        self.assertEqual(sum(expected.values()), level.shipped_units)
        Kelurahan = self.Kelurahan
        without = Kelurahan.search([("kemendagri_code", "=", False)])
        both = Kelurahan.search([("kemendagri_code", "like", ",")]).filtered(
            lambda unit: {"1"} < village_numbers(unit.kemendagri_code)
        )
        adat = Kelurahan.search([("kemendagri_code", "like", ".3")]).filtered(
            lambda unit: "3" in village_numbers(unit.kemendagri_code)
        )
        # README "Routes" (type): 578 without a Kemendagri code, 2 with both
        # kinds, 13 kampung adat numbered 3xxx
        self.assertEqual((len(without), len(both), len(adat)), (578, 2, 13))
        self.assertEqual(set((without | both).mapped("type")), {False})
        self.assertEqual(set(adat.mapped("type")), {"desa"})
        self.assertEqual(expected[False], len(without) + len(both))

    def test_orm_computes_the_type(self):
        provinsi = self.Provinsi.create({"name": "PROVINSI UJI", "code": "99"})
        kabupaten, kota = self.Kota.create(
            [
                {"name": "KABUPATEN UJI", "code": "9901", "provinsi_id": provinsi.id},
                {"name": "KOTA UJI", "code": "9971", "provinsi_id": provinsi.id},
            ]
        )
        self.assertEqual((kabupaten.type, kota.type), ("kabupaten", "kota"))
        kabupaten.write({"code": "9972"})
        self.assertEqual(kabupaten.type, "kota")
        kecamatan = self.Kecamatan.create(
            {"name": "KECAMATAN UJI", "code": "9971010", "kota_id": kota.id}
        )
        village = self.Kelurahan.create(
            {
                "name": "KELURAHAN UJI",
                "code": "9971010001",
                "kecamatan_id": kecamatan.id,
                "kemendagri_code": "99.71.01.1001",
            }
        )
        self.assertEqual(village.type, "kelurahan")
        for kemendagri_code, unit_type in [
            ("99.71.01.2001", "desa"),
            ("99.71.01.3001", "desa"),
            ("99.71.01.1001,99.71.01.2002", False),
            (False, False),
        ]:
            with self.subTest(kemendagri_code=kemendagri_code):
                village.write({"kemendagri_code": kemendagri_code})
                self.assertEqual(village.type, unit_type)
                # stored as computed
                self.env.flush_all()
                self.env.cr.execute(
                    "SELECT type FROM wilayah_kelurahan WHERE id = %s", [village.id]
                )
                self.assertEqual(self.env.cr.fetchone()[0], unit_type or None)

    def test_views(self):
        """List (optional column), form, and in the search view one filter per
        type, "Without Type" where the rule may not tell, a Group By Type."""
        for level in TYPED_LEVELS:
            with self.subTest(level=level.key):
                views = self.env[level.model].get_views(
                    [(False, "list"), (False, "form"), (False, "search")]
                )["views"]
                arch = {
                    view: etree.fromstring(views[view]["arch"])
                    for view in ("list", "form", "search")
                }
                self.assertEqual(
                    arch["list"].xpath("//field[@name='type']/@optional"), ["show"]
                )
                self.assertTrue(arch["form"].xpath("//field[@name='type']"))
                search = arch["search"]
                for unit_type in level.types:
                    self.assertEqual(
                        search.xpath(
                            f"//filter[@name='type_{unit_type.value}']/@domain"
                        ),
                        [f"[('type', '=', '{unit_type.value}')]"],
                    )
                can_be_none = any(
                    level.unit_type(row["code"], row["kemendagri_code"]) is None
                    for row in shipped_rows(level)
                )
                self.assertEqual(
                    search.xpath("//filter[@name='no_type']/@domain"),
                    ["[('type', '=', False)]"] if can_be_none else [],
                )
                self.assertEqual(
                    search.xpath("//filter[@name='groupby_type']/@context"),
                    ["{'group_by': 'type'}"],
                )


@tagged("post_install", "-at_install")
class TestWilayahTypesApi(WilayahApiCase):
    def test_detail_answers(self):
        for path, unit_type in [
            ("/api/kota/3273", "kota"),
            ("/api/kota/3204", "kabupaten"),
            ("/api/kota/32.73", "kota"),
            ("/api/kelurahan/3204050001", "desa"),
            ("/api/kelurahan/3171020001", "kelurahan"),
            ("/api/kelurahan/9403082009", "desa"),  # kampung adat, 91.03.15.3009
            ("/api/kelurahan/9608140002", None),  # a kelurahan and a desa
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.get_json(path)["type"], unit_type)
        village = self.env["wilayah.kelurahan"].search(
            [("kemendagri_code", "=", False)], limit=1
        )
        self.assertTrue(village)
        detail = self.get_json(f"/api/kelurahan/{village.code}")
        self.assertIn("type", detail)
        self.assertIsNone(detail["type"])
        # the levels without types answer as before
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                detail = self.get_json(f"/api/{level.key}/{level.example_code}")
                self.assertEqual("type" in detail, bool(level.types))

    def test_lists_have_no_type(self):
        """List items and /api/kodepos keep the published shapes."""
        answers = [
            self.get_json(url("/api/kota", kode_provinsi="32")),
            self.get_json(url("/api/kota", name="bandung")),
            self.get_json(url("/api/kelurahan", kode_kecamatan="3204050")),
            self.get_json("/api/kodepos/40386"),
        ]
        for items in answers:
            self.assertTrue(items)
            for item in items:
                self.assertNotIn("type", item)

    def test_orm_write_reaches_the_detail(self):
        village = self.env.ref("infinys_wilayah_indonesia_api.kelurahan_3204050001")
        self.assertEqual(self.get_json("/api/kelurahan/3204050001")["type"], "desa")
        village.write({"kemendagri_code": "32.04.31.1005"})
        self.assertEqual(
            self.get_json("/api/kelurahan/3204050001")["type"], "kelurahan"
        )
