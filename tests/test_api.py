"""Happy paths of every route, against the bundled data (README "Routes")."""

from odoo.tests import tagged

from ..wilayah.levels import LEVELS
from .common import WilayahApiCase, url

JAWA_BARAT = {"code": "32", "name": "JAWA BARAT"}
BANDUNG = {"code": "3204", "name": "BANDUNG"}
KERTASARI = {"code": "3204050", "name": "KERTASARI"}
LIST_KEYS = {
    "provinsi": {"code", "name"},
    "kota": {"code", "name", "province_code"},
    "kecamatan": {"code", "name", "city_code"},
    "kelurahan": {"code", "name", "postal_code", "district_code"},
}
FULL_COUNTS = {level.key: level.shipped_units for level in LEVELS.values()}


@tagged("post_install", "-at_install")
class TestWilayahApi(WilayahApiCase):
    def assertCodesOrdered(self, items):
        codes = [item["code"] for item in items]
        self.assertEqual(codes, sorted(codes))
        self.assertEqual(len(codes), len(set(codes)), "a code is listed twice")

    def assertListShape(self, level, items):
        for item in items:
            self.assertEqual(set(item), LIST_KEYS[level], item)
            for value in item.values():
                self.assertIsInstance(value, str, item)

    def codes(self, items):
        return [item["code"] for item in items]

    # --- full lists ---------------------------------------------------------

    def test_full_lists(self):
        """Each list has the whole level, codes as strings, ordered by code,
        the total in X-Total-Count, and a parent code that exists."""
        codes = {}
        for level, count in FULL_COUNTS.items():
            response = self.get(f"/api/{level}")
            items = self.assertJsonResponse(response)
            self.assertEqual(len(items), count, level)
            self.assertEqual(response.headers["X-Total-Count"], str(count))
            self.assertListShape(level, items)
            self.assertCodesOrdered(items)
            codes[level] = {item["code"] for item in items}
            parent_key, parent_level = {
                "provinsi": (None, None),
                "kota": ("province_code", "provinsi"),
                "kecamatan": ("city_code", "kota"),
                "kelurahan": ("district_code", "kecamatan"),
            }[level]
            if parent_key:
                self.assertTrue(
                    {item[parent_key] for item in items} <= codes[parent_level]
                )
                for item in items:
                    self.assertTrue(item["code"].startswith(item[parent_key]))
            if level == "kelurahan":
                # B.1: a village without a postal code has "", never false/null.
                without = [item for item in items if item["postal_code"] == ""]
                self.assertTrue(without, "the data has villages without postal code")
                by_code = {item["code"]: item for item in items}
                self.assertEqual(by_code["1101010001"]["postal_code"], "23895,23898")
                self.assertEqual(by_code["1101010002"]["name"], "LABUHAN BAJAU")
                self.assertEqual(by_code["1102021001"]["name"], "GOSONG TELAGA UTARA")
                self.assertIn("24787", by_code["1102021001"]["postal_code"].split(","))

    # --- provinsi -----------------------------------------------------------

    def test_provinsi_list_examples(self):
        items = self.get_json("/api/provinsi")
        by_code = {item["code"]: item["name"] for item in items}
        self.assertEqual(by_code["11"], "ACEH")
        self.assertEqual(by_code["12"], "SUMATERA UTARA")
        self.assertEqual(by_code["32"], "JAWA BARAT")
        self.assertEqual(by_code["33"], "JAWA TENGAH")
        self.assertEqual(items[0], {"code": "11", "name": "ACEH"})

    def test_provinsi_name_filter(self):
        items = self.get_json("/api/provinsi?name=jawa")
        self.assertIn(JAWA_BARAT, items)
        self.assertIn({"code": "33", "name": "JAWA TENGAH"}, items)
        self.assertTrue(all("JAWA" in item["name"] for item in items))
        self.assertNotIn({"code": "11", "name": "ACEH"}, items)
        self.assertCodesOrdered(items)
        # Case-insensitive and trimmed.
        self.assertEqual(self.get_json("/api/provinsi?name=JaWa"), items)
        self.assertEqual(self.get_json(url("/api/provinsi", name="  jawa  ")), items)

    def test_provinsi_detail(self):
        self.assertEqual(
            self.get_json("/api/provinsi/32"),
            {
                **JAWA_BARAT,
                "kemendagri_code": "32",
                "active": True,
                "latitude": -6.920631,
                "longitude": 107.603319,
            },
        )
        self.assertEqual(
            self.get_json("/api/provinsi/11"),
            {
                "code": "11",
                "name": "ACEH",
                "kemendagri_code": "11",
                "active": True,
                "latitude": 4.225729,
                "longitude": 96.911874,
            },
        )

    # --- kota ---------------------------------------------------------------

    def test_kota_by_province(self):
        items = self.get_json("/api/kota?kode_provinsi=11")
        self.assertListShape("kota", items)
        self.assertCodesOrdered(items)
        self.assertTrue(all(item["province_code"] == "11" for item in items))
        for example in (
            {"code": "1101", "name": "SIMEULUE", "province_code": "11"},
            {"code": "1102", "name": "ACEH SINGKIL", "province_code": "11"},
            {"code": "1111", "name": "ACEH UTARA", "province_code": "11"},
        ):
            self.assertIn(example, items)
        items = self.get_json("/api/kota?kode_provinsi=32")
        self.assertEqual(len(items), 27)
        self.assertEqual(
            items[:2],
            [
                {"code": "3201", "name": "BOGOR", "province_code": "32"},
                {"code": "3202", "name": "SUKABUMI", "province_code": "32"},
            ],
        )

    def test_kota_name_bandung(self):
        expected = [
            {"code": "3204", "name": "BANDUNG", "province_code": "32"},
            {"code": "3217", "name": "BANDUNG BARAT", "province_code": "32"},
            {"code": "3273", "name": "BANDUNG", "province_code": "32"},
        ]
        self.assertEqual(self.get_json("/api/kota?name=bandung"), expected)
        self.assertEqual(self.get_json("/api/kota?name=BANDUNG"), expected)

    def test_kota_filters_and(self):
        """B.2: filters combine with AND."""
        self.assertEqual(
            self.codes(self.get_json("/api/kota?kode_provinsi=32&name=bandung")),
            ["3204", "3217", "3273"],
        )
        self.assertEqual(
            self.codes(self.get_json("/api/kota?kode_provinsi=32&name=barat")),
            ["3217"],
        )
        self.assertEqual(self.get_json("/api/kota?kode_provinsi=33&name=bandung"), [])

    def test_kota_detail(self):
        self.assertEqual(
            self.get_json("/api/kota/3204"),
            {
                **BANDUNG,
                "type": "kabupaten",
                "province": JAWA_BARAT,
                "kemendagri_code": "32.04",
                "active": True,
                "latitude": -7.097588,
                "longitude": 107.608727,
            },
        )

    # --- kecamatan ----------------------------------------------------------

    def test_kecamatan_by_city(self):
        items = self.get_json("/api/kecamatan?kode_kota=3204")
        self.assertEqual(len(items), 31)
        self.assertListShape("kecamatan", items)
        self.assertCodesOrdered(items)
        self.assertEqual(
            items[:2],
            [
                {"code": "3204010", "name": "CIWIDEY", "city_code": "3204"},
                {"code": "3204011", "name": "RANCABALI", "city_code": "3204"},
            ],
        )
        self.assertIn({**KERTASARI, "city_code": "3204"}, items)
        items = self.get_json("/api/kecamatan?kode_kota=1101")
        self.assertEqual(
            items[:2],
            [
                {"code": "1101010", "name": "TEUPAH SELATAN", "city_code": "1101"},
                {"code": "1101020", "name": "SIMEULUE TIMUR", "city_code": "1101"},
            ],
        )
        self.assertIn(
            {"code": "1102021", "name": "SINGKIL UTARA", "city_code": "1102"},
            self.get_json("/api/kecamatan?kode_kota=1102"),
        )

    def test_kecamatan_name_cicalengka(self):
        expected = [{"code": "3204100", "name": "CICALENGKA", "city_code": "3204"}]
        self.assertEqual(self.get_json("/api/kecamatan?name=cicalengka"), expected)
        self.assertEqual(
            self.get_json("/api/kecamatan?kode_kota=3204&name=Cicalengka"), expected
        )
        self.assertEqual(
            self.get_json("/api/kecamatan?kode_kota=3273&name=cicalengka"), []
        )

    def test_kecamatan_detail(self):
        self.assertEqual(
            self.get_json("/api/kecamatan/3204050"),
            {
                **KERTASARI,
                "city": BANDUNG,
                "province": JAWA_BARAT,
                "kemendagri_code": "32.04.31",
                "active": True,
                "latitude": -7.235568,
                "longitude": 107.677485,
            },
        )

    # --- kelurahan ----------------------------------------------------------

    def test_kelurahan_by_district(self):
        items = self.get_json("/api/kelurahan?kode_kecamatan=3204050")
        self.assertEqual(len(items), 8)
        self.assertListShape("kelurahan", items)
        self.assertCodesOrdered(items)
        self.assertEqual(
            items[:2],
            [
                {
                    "code": "3204050001",
                    "name": "NEGLAWANGI",
                    "postal_code": "40386",
                    "district_code": "3204050",
                },
                {
                    "code": "3204050002",
                    "name": "SANTOSA",
                    "postal_code": "40386",
                    "district_code": "3204050",
                },
            ],
        )
        items = self.get_json("/api/kelurahan?kode_kecamatan=1101010")
        self.assertEqual(
            items[:2],
            [
                {
                    "code": "1101010001",
                    "name": "LATIUNG",
                    "postal_code": "23895,23898",
                    "district_code": "1101010",
                },
                {
                    "code": "1101010002",
                    "name": "LABUHAN BAJAU",
                    "postal_code": "23895,23898",
                    "district_code": "1101010",
                },
            ],
        )

    def test_kelurahan_name_cilandak(self):
        items = self.get_json("/api/kelurahan?name=cilandak")
        self.assertEqual(
            items[0],
            {
                "code": "3171020001",
                "name": "CILANDAK TIMUR",
                "postal_code": "12560",
                "district_code": "3171020",
            },
        )
        self.assertCodesOrdered(items)
        self.assertTrue(all("CILANDAK" in item["name"] for item in items))
        self.assertEqual(
            self.codes(items),
            ["3171020001", "3171030003", "3212210011", "3212210012", "3214111010"],
        )

    def test_kelurahan_detail(self):
        self.assertEqual(
            self.get_json("/api/kelurahan/3204050001"),
            {
                "code": "3204050001",
                "name": "NEGLAWANGI",
                "postal_code": "40386",
                "type": "desa",
                "sub_district": KERTASARI,
                "city": BANDUNG,
                "province": JAWA_BARAT,
                "kemendagri_code": "32.04.31.2005",
                "active": True,
                "latitude": -7.27368,
                "longitude": 107.69499,
            },
        )
        latiung = self.get_json("/api/kelurahan/1101010001")
        self.assertEqual(latiung["name"], "LATIUNG")
        self.assertEqual(latiung["postal_code"], "23895,23898")
        self.assertEqual(
            latiung["sub_district"], {"code": "1101010", "name": "TEUPAH SELATAN"}
        )
        self.assertEqual(latiung["city"], {"code": "1101", "name": "SIMEULUE"})
        self.assertEqual(latiung["province"], {"code": "11", "name": "ACEH"})

    def test_kelurahan_without_postal_code(self):
        """B.1: "" in lists and details, never false/null."""
        village = self.env["wilayah.kelurahan"].search(
            [("postal_code", "in", [False, ""])]
        )
        self.assertTrue(village, "the bundled data has villages without postal code")
        village = village[0]
        detail = self.get_json(f"/api/kelurahan/{village.code}")
        self.assertEqual(detail["postal_code"], "")
        items = self.get_json(
            url("/api/kelurahan", kode_kecamatan=village.kecamatan_id.code)
        )
        item = next(item for item in items if item["code"] == village.code)
        self.assertEqual(item["postal_code"], "")

    # --- kodepos ------------------------------------------------------------

    def test_kodepos(self):
        self.assertEqual(
            self.get_json("/api/kodepos/40266"),
            [
                {
                    "code": "3273080003",
                    "name": "BATUNUNGGAL",
                    "postal_code": "40266",
                    "kecamatan": {"code": "3273080", "name": "BANDUNG KIDUL"},
                    "kota": {"code": "3273", "name": "BANDUNG"},
                    "provinsi": JAWA_BARAT,
                },
            ],
        )
        items = self.get_json("/api/kodepos/40386")
        self.assertIn("3204050001", self.codes(items))
        self.assertCodesOrdered(items)
        for item in items:
            self.assertIn("40386", item["postal_code"].split(","))
        # A village with several codes is found by each of them.
        for postal_code in ("23895", "23898"):
            self.assertIn(
                "1101010001", self.codes(self.get_json(f"/api/kodepos/{postal_code}"))
            )
        self.assertIn("1102021001", self.codes(self.get_json("/api/kodepos/24787")))

    # --- search -------------------------------------------------------------

    def test_search_utara(self):
        answer = self.get_json("/api/search?q=utara")
        # B.9: one object with the four groups, not a list.
        self.assertIsInstance(answer, dict)
        self.assertEqual(list(answer), ["provinsi", "kota", "kecamatan", "kelurahan"])
        for level, items in answer.items():
            self.assertListShape(level, items)
            self.assertCodesOrdered(items)
            self.assertTrue(all("UTARA" in item["name"] for item in items), level)
        self.assertIn({"code": "12", "name": "SUMATERA UTARA"}, answer["provinsi"])
        self.assertIn(
            {"code": "1111", "name": "ACEH UTARA", "province_code": "11"},
            answer["kota"],
        )
        self.assertIn(
            {"code": "1102021", "name": "SINGKIL UTARA", "city_code": "1102"},
            answer["kecamatan"],
        )
        self.assertIn("1102021001", self.codes(answer["kelurahan"]))
        self.assertEqual([len(answer[level]) for level in answer], [4, 25, 213, 394])
        # Case-insensitive, trimmed, and the same matches as the name filters.
        self.assertEqual(self.get_json("/api/search?q=UTARA"), answer)
        self.assertEqual(self.get_json("/api/search?q=uTaRa"), answer)
        self.assertEqual(self.get_json(url("/api/search", q="  utara ")), answer)
        self.assertEqual(self.get_json("/api/kota?name=utara"), answer["kota"])

    def test_search_limit(self):
        full = self.get_json("/api/search?q=utara")
        limited = self.get_json("/api/search?q=utara&limit=2")
        self.assertEqual(list(limited), list(full))
        for level in full:
            self.assertEqual(limited[level], full[level][:2], level)
        self.assertEqual(len(limited["kelurahan"]), 2)
        self.assertEqual(self.get_json("/api/search?q=utara&limit=100000"), full)

    def test_search_without_match(self):
        self.assertEqual(
            self.get_json("/api/search?q=zzqxw"),
            {"provinsi": [], "kota": [], "kecamatan": [], "kelurahan": []},
        )

    # --- B.2: unknown filter values -----------------------------------------

    def test_unknown_filter_value_gives_empty_list(self):
        for path in (
            "/api/provinsi?name=zzqxw",
            "/api/kota?kode_provinsi=99",
            "/api/kota?name=zzqxw",
            "/api/kecamatan?kode_kota=9999",
            "/api/kecamatan?kode_kota=99.99",
            "/api/kelurahan?kode_kecamatan=9999999",
            "/api/kelurahan?kode_kecamatan=32.04.99",
        ):
            response = self.get(path)
            self.assertEqual(self.assertJsonResponse(response), [], path)
            self.assertEqual(response.headers["X-Total-Count"], "0", path)

    def test_filter_values_trimmed(self):
        self.assertEqual(
            self.get_json(url("/api/kota", kode_provinsi=" 32 ", name=" bandung ")),
            self.get_json("/api/kota?kode_provinsi=32&name=bandung"),
        )

    # --- C.13: Kemendagri codes ---------------------------------------------

    def test_kemendagri_detail(self):
        bps = self.get_json("/api/kecamatan/3204050")
        self.assertEqual(self.get_json("/api/kecamatan/32.04.31"), bps)
        self.assertEqual(bps["name"], "KERTASARI")
        self.assertEqual(
            self.get_json("/api/kota/32.04"), self.get_json("/api/kota/3204")
        )
        self.assertEqual(
            self.get_json("/api/kelurahan/32.04.31.2005"),
            self.get_json("/api/kelurahan/3204050001"),
        )
        # A BPS unit that merges several Kemendagri units answers to each.
        toili = self.get_json("/api/kecamatan/7202010")
        self.assertEqual(toili["kemendagri_code"], "72.01.09,72.01.24")
        self.assertEqual(self.get_json("/api/kecamatan/72.01.24"), toili)
        self.assertEqual(self.get_json("/api/kecamatan/72.01.09"), toili)

    def test_kemendagri_parent_filter(self):
        self.assertEqual(
            self.get_json("/api/kecamatan?kode_kota=32.04"),
            self.get_json("/api/kecamatan?kode_kota=3204"),
        )
        self.assertEqual(
            self.get_json("/api/kelurahan?kode_kecamatan=32.04.31"),
            self.get_json("/api/kelurahan?kode_kecamatan=3204050"),
        )
        # Lists keep their shapes (no kemendagri_code there).
        self.assertListShape(
            "kecamatan", self.get_json("/api/kecamatan?kode_kota=32.04")
        )

    # --- C.14: paging -------------------------------------------------------

    def test_paging(self):
        full = self.get_json("/api/kecamatan?kode_kota=3204")
        response = self.get("/api/kecamatan?kode_kota=3204&limit=5&offset=3")
        self.assertEqual(self.assertJsonResponse(response), full[3:8])
        self.assertEqual(response.headers["X-Total-Count"], "31")
        response = self.get("/api/kecamatan?kode_kota=3204&limit=5")
        self.assertEqual(response.json(), full[:5])
        response = self.get("/api/kecamatan?kode_kota=3204&offset=29")
        self.assertEqual(response.json(), full[29:])
        self.assertEqual(len(response.json()), 2)
        response = self.get("/api/kecamatan?kode_kota=3204&offset=31")
        self.assertEqual(response.json(), [])
        self.assertEqual(response.headers["X-Total-Count"], "31")

    def test_paging_whole_level(self):
        response = self.get("/api/kelurahan?limit=3&offset=84195")
        items = self.assertJsonResponse(response)
        self.assertEqual(len(items), 2)
        self.assertEqual(response.headers["X-Total-Count"], "84197")
        first = self.get_json("/api/kelurahan?limit=1")
        self.assertEqual(first[0]["code"], "1101010001")
        response = self.get("/api/provinsi?name=jawa&limit=1&offset=1")
        self.assertEqual(self.codes(response.json()), ["33"])
        self.assertEqual(
            response.headers["X-Total-Count"],
            str(len(self.get_json("/api/provinsi?name=jawa"))),
        )
        self.assertEqual(
            len(self.get_json("/api/provinsi?limit=100000")), FULL_COUNTS["provinsi"]
        )
