"""Address search: ``/api/alamat`` over HTTP, and the same engine behind the
Many2one search of the four models."""

import json

from odoo.tests import tagged
from odoo.tools import file_open

from ..wilayah import ADDON
from ..wilayah.levels import LEVELS
from ..wilayah.params import MAX_TEXT_LENGTH
from ..wilayah.routes import ALAMAT_MAX_LIMIT, ROUTES_BY_NAME
from ..wilayah.search import MAX_WORDS
from .common import ERROR_KEYS, WilayahApiCase, WilayahCase, url

ALAMAT = ROUTES_BY_NAME["alamat"]
PATH = ALAMAT.path
DEFAULT_LIMIT = next(param.default for param in ALAMAT.params if param.name == "limit")
NEGLAWANGI = LEVELS["kelurahan"].example_code
KERTASARI = LEVELS["kecamatan"].example_code
KAB_BANDUNG = LEVELS["kota"].example_code
KOTA_BANDUNG = "3273"


@tagged("post_install", "-at_install")
class TestAlamatRoute(WilayahApiCase):
    def alamat(self, status=200, **params):
        response = self.get(url(PATH, **params))
        body = self.assertJsonResponse(response, status)
        if status != 200:
            self.assertEqual(set(body), ERROR_KEYS)
        return body

    def first(self, q, **params):
        hits = self.alamat(q=q, **params)
        self.assertTrue(hits, q)
        return hits[0]

    def assertFirst(self, q, level, code, **params):
        hit = self.first(q, **params)
        self.assertEqual((hit["level"], hit["code"]), (level, code), q)
        return hit

    def test_words_of_several_levels_in_any_order(self):
        hit = self.assertFirst("neglawangi kertasari", "kelurahan", NEGLAWANGI)
        self.assertEqual(
            hit["label"], "NEGLAWANGI, KERTASARI, KAB. BANDUNG, JAWA BARAT 40386"
        )
        self.assertEqual(hit["kecamatan"], {"code": KERTASARI, "name": "KERTASARI"})
        self.assertEqual(hit["kota"], {"code": KAB_BANDUNG, "name": "BANDUNG"})
        self.assertEqual(hit["provinsi"], {"code": "32", "name": "JAWA BARAT"})
        self.assertEqual(hit["type"], "desa")
        self.assertEqual(hit["postal_code"], "40386")
        self.assertEqual(hit["score"], 1.0)
        self.assertFirst("kertasari, neglawangi, bandung", "kelurahan", NEGLAWANGI)
        self.assertFirst("BANDUNG  ,  Kertasari . NEGLAWANGI", "kelurahan", NEGLAWANGI)

    def test_hits_are_ranked(self):
        hits = self.alamat(q="neglawangi kertasari")
        scores = [hit["score"] for hit in hits]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertGreater(scores[0], scores[1])
        self.assertLessEqual(len(hits), DEFAULT_LIMIT)

    def test_type_words_rank(self):
        self.assertFirst("kota bandung", "kota", KOTA_BANDUNG)
        self.assertFirst("kab bandung", "kota", KAB_BANDUNG)
        self.assertFirst("Kab. Bandung", "kota", KAB_BANDUNG)
        self.assertFirst("kabupaten bandung", "kota", KAB_BANDUNG)
        hit = self.assertFirst("kec. kertasari", "kecamatan", KERTASARI)
        self.assertEqual(hit["label"], "KERTASARI, KAB. BANDUNG, JAWA BARAT")
        self.assertIsNone(hit["type"])
        self.assertNotIn("postal_code", hit)
        self.assertNotIn("kecamatan", hit)

    def test_short_names(self):
        self.assertFirst("jabar", "provinsi", "32")
        self.assertFirst("jaksel", "kota", "3171")
        self.assertFirst("cilandak jaksel", "kecamatan", "3171030")

    def test_prefix_typo_run_together_old_spelling(self):
        self.assertFirst("neglawangi kert", "kelurahan", NEGLAWANGI)
        self.assertFirst("negalwangi kertasari", "kelurahan", NEGLAWANGI)
        self.assertFirst("neglawngi kertasari", "kelurahan", NEGLAWANGI)
        hit = self.first("pasarminggu jaksel")
        self.assertEqual(hit["name"], "PASAR MINGGU")
        self.assertEqual(hit["kota"]["code"], "3171")
        self.assertFirst("tjilandak djakarta selatan", "kecamatan", "3171030")

    def test_names_typed_with_or_without_spaces(self):
        self.assertFirst("kemiri muka, beji, depok", "kelurahan", "3276050003")
        self.assertFirst("palangka raya", "kota", "6271")
        self.assertFirst("kab gunung kidul", "kota", "3403")

    def test_bigger_place_first_among_equals(self):
        # a bare city name: the city, not a village of that name far away
        self.assertFirst("depok", "kota", "3276")
        self.assertFirst("surabaya", "kota", "3578")
        self.assertFirst("soerabaja", "kota", "3578")
        hits = self.alamat(q="bandung", limit=2)
        self.assertEqual({hit["code"] for hit in hits}, {KAB_BANDUNG, KOTA_BANDUNG})

    def test_each_word_of_a_name_counts_once(self):
        # "dki" and "jakarta" both name DKI JAKARTA: the second "jakarta" is
        # JAKARTA TIMUR's, not a second use of the province's
        self.assertFirst("kota jakarta timur dki jakarta", "kota", "3172")
        self.assertFirst("kuwus barat, manggarai barat", "kecamatan", "5315042")
        # the last word cut to two letters still ranks
        self.assertFirst("kec cikarang ut", "kecamatan", "3216061")

    def test_postal_code_narrows_to_its_villages(self):
        hits = self.alamat(q="40386", limit=ALAMAT_MAX_LIMIT)
        self.assertTrue(hits)
        for hit in hits:
            self.assertEqual(hit["level"], "kelurahan")
            self.assertIn("40386", hit["postal_code"].split(","))
        self.assertFirst("santosa 40386", "kelurahan", "3204050002")

    def test_code_as_the_whole_query(self):
        self.assertFirst(NEGLAWANGI, "kelurahan", NEGLAWANGI)
        self.assertFirst(LEVELS["kecamatan"].example_kemendagri, "kecamatan", KERTASARI)
        self.assertFirst("32.04", "kota", KAB_BANDUNG)

    def test_level_and_within(self):
        hits = self.alamat(q="bandung", level="kota,provinsi", limit=ALAMAT_MAX_LIMIT)
        self.assertEqual({hit["code"] for hit in hits[:2]}, {KAB_BANDUNG, KOTA_BANDUNG})
        self.assertEqual({hit["level"] for hit in hits}, {"kota"})
        for within in (KOTA_BANDUNG, "32.73"):
            hits = self.alamat(q="bandung", within=within, limit=ALAMAT_MAX_LIMIT)
            self.assertTrue(hits)
            for hit in hits:
                self.assertTrue(hit["code"].startswith(KOTA_BANDUNG), hit)
                self.assertNotEqual(hit["code"], KOTA_BANDUNG)
        self.assertEqual(self.alamat(q="neglawangi", within="33"), [])

    def test_limit(self):
        self.assertEqual(len(self.alamat(q="sari")), DEFAULT_LIMIT)
        self.assertEqual(len(self.alamat(q="sari", limit=1)), 1)
        self.assertEqual(len(self.alamat(q="sari", limit=ALAMAT_MAX_LIMIT)), 50)

    def test_bad_input_is_a_json_400(self):
        for params in (
            {},
            {"q": ""},
            {"q": " ab "},
            {"q": "bandung", "limit": "0"},
            {"q": "bandung", "limit": str(ALAMAT_MAX_LIMIT + 1)},
            {"q": "bandung", "limit": "ten"},
            {"q": "bandung", "level": "desa"},
            {"q": "bandung", "level": "kota,village"},
            {"q": "bandung", "within": "320"},
            {"q": "bandung", "within": "32.4"},
            {"q": "bandung", "within": "Bandung"},
        ):
            with self.subTest(params=params):
                body = self.alamat(400, **params)
                self.assertEqual(body["status"], 400)

    def test_unknown_within_is_a_404(self):
        body = self.alamat(404, q="bandung", within="3299")
        self.assertIn("3299", body["message"])
        self.alamat(404, q="bandung", within="32.99")

    def test_huge_queries_are_bounded(self):
        # up to the longest text a parameter takes, any words; more is a 400
        self.assertIsInstance(self.alamat(q="x" * MAX_TEXT_LENGTH), list)
        self.assertIsInstance(self.alamat(q=" ".join(["sari"] * 51)), list)
        words = ["kertasari"] * (MAX_WORDS - 1) + ["neglawangi"] * 12
        self.assertLessEqual(len(" ".join(words)), MAX_TEXT_LENGTH)
        self.assertIsInstance(self.alamat(q=" ".join(words)), list)
        self.alamat(q="x" * (MAX_TEXT_LENGTH + 1), status=400)

    def test_spellings_of_one_query_share_an_answer(self):
        first = self.get(url(PATH, q="neglawangi kertasari"))
        again = self.get(url(PATH, q="  NEGLAWANGI,  Kertasari "))
        self.assertEqual(first.headers["ETag"], again.headers["ETag"])
        self.assertEqual(first.content, again.content)

    def test_needs_the_key(self):
        response = self.get(url(PATH, q="bandung"), key=None)
        self.assertJsonResponse(response, 401)


@tagged("post_install", "-at_install")
class TestAlamatNameSearch(WilayahCase):
    def test_dropdown_finds_words_of_several_levels_first(self):
        results = self.Kelurahan.name_search("neglawangi kertasari")
        neglawangi = self.env.ref(
            f"infinys_wilayah_indonesia_api.kelurahan_{NEGLAWANGI}"
        )
        self.assertEqual(results[0][0], neglawangi.id)
        self.assertEqual(
            results[0][1], "NEGLAWANGI, KERTASARI, KAB. BANDUNG, JAWA BARAT 40386"
        )

    def test_dropdown_ranks_type_words(self):
        results = self.Kota.name_search("kota bandung", limit=5)
        self.assertEqual(self.Kota.browse(results[0][0]).code, KOTA_BANDUNG)
        results = self.Kota.name_search("kab bandung", limit=5)
        self.assertEqual(self.Kota.browse(results[0][0]).code, KAB_BANDUNG)

    def test_dropdown_keeps_the_field_domain(self):
        kertasari = self.Kecamatan.search([("code", "=", KERTASARI)])
        results = self.Kelurahan.name_search(
            "santosa", args=[("kecamatan_id", "=", kertasari.id)]
        )
        self.assertEqual(
            [self.Kelurahan.browse(unit_id).code for unit_id, _label in results],
            ["3204050002"],
        )

    def test_dropdown_still_finds_codes_and_literal_names(self):
        results = self.Kecamatan.name_search(KERTASARI)
        self.assertEqual(self.Kecamatan.browse(results[0][0]).code, KERTASARI)
        literal = self.Provinsi.name_search("jawa", limit=10)
        self.assertEqual(
            {self.Provinsi.browse(unit_id).code for unit_id, _label in literal},
            {"32", "33", "35"},
        )

    def test_many2one_search_uses_the_engine(self):
        villages = self.Kelurahan.search(
            [("kecamatan_id", "ilike", "kertasari kab bandung")]
        )
        self.assertIn(NEGLAWANGI, villages.mapped("code"))
        self.assertTrue(
            self.Kelurahan.search([("display_name", "ilike", "neglawangi kertasari")])
        )


@tagged("post_install", "-at_install")
class TestAlamatSecondReader(WilayahCase):
    """The queries a second reader wrote without reading the engine
    (tools/search_queries_second_reader.json), on the installed data."""

    def test_recall(self):
        with file_open(f"{ADDON}/tools/search_queries_second_reader.json") as source:
            queries = json.load(source)["queries"]
        engine = self.env["wilayah.api.index"]._get_index().address_search
        ranks = []
        for query in queries:
            hits = [(hit.level, hit.code) for hit in engine.search(query["q"], 5)]
            expected = (query["level"], query["code"])
            ranks.append(hits.index(expected) + 1 if expected in hits else None)
        at_1 = sum(rank == 1 for rank in ranks) / len(ranks)
        at_5 = sum(rank is not None for rank in ranks) / len(ranks)
        self.assertGreaterEqual(len(ranks), 500)
        # the targets are 85% and 95%; this set reads 100%/100% today
        self.assertGreaterEqual(at_1, 0.95)
        self.assertGreaterEqual(at_5, 0.99)
