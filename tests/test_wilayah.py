"""The plain package (``wilayah/``) on its own: no database, no HTTP."""

import tracemalloc

from odoo.tests import BaseCase, tagged

from ..wilayah.errors import ApiError
from ..wilayah.index import (
    ANSWER_CACHE_BYTES,
    TEXT_CACHE_BYTES,
    AnswerCache,
    RegionIndex,
    Unit,
    answer_of,
    serialize,
)
from ..wilayah.levels import LEVELS, ancestors, is_postal_code, normalize_postal_codes
from ..wilayah.openapi import build_openapi, openapi_path
from ..wilayah.params import (
    LIMIT,
    MAX_LIMIT,
    MAX_TEXT_LENGTH,
    OFFSET,
    longest_text,
    parse_params,
)
from ..wilayah.routes import (
    API_PREFIX,
    EXAMPLES,
    ROUTES,
    ROUTES_BY_NAME,
    is_api_path,
)


@tagged("post_install", "-at_install")
class TestWilayahLevels(BaseCase):
    def test_table_is_one_chain(self):
        levels = list(LEVELS.values())
        self.assertIsNone(levels[0].parent)
        self.assertIsNone(levels[-1].child)
        for parent, child in zip(levels, levels[1:], strict=False):
            self.assertEqual(parent.child, child.key)
            self.assertEqual(child.parent, parent.key)
            self.assertLess(parent.code_length, child.code_length)
            # each example unit lies inside the one above
            self.assertTrue(child.example_code.startswith(parent.example_code))
        self.assertEqual(ancestors("kelurahan"), ("kecamatan", "kota", "provinsi"))

    def test_code_rules(self):
        kota = LEVELS["kota"]
        self.assertTrue(kota.is_code("3204"))
        self.assertTrue(kota.is_kemendagri_code("32.04"))
        for value in ("320", "32041", "3204\n", "\uff13\uff12\uff10\uff14", "32.4"):
            with self.subTest(value=value):
                self.assertFalse(kota.is_code(value) or kota.is_kemendagri_code(value))
        # A province's Kemendagri code is its BPS code: not a reference of its own.
        self.assertFalse(LEVELS["provinsi"].is_kemendagri_code("32"))
        for level in LEVELS.values():
            self.assertTrue(level.is_code(level.example_code))

    def test_postal_codes(self):
        self.assertTrue(is_postal_code("40386"))
        for value in ("4038", "403861", "4038\u0666", "40386\n", ""):
            self.assertFalse(is_postal_code(value), repr(value))
        self.assertEqual(normalize_postal_codes("23898, 23895,23898,"), "23895,23898")


@tagged("post_install", "-at_install")
class TestWilayahParams(BaseCase):
    def test_counts_are_normalised(self):
        params = (LIMIT, OFFSET)
        for offset in ("1", "01", "0001", " 1 "):
            with self.subTest(offset=offset):
                self.assertEqual(
                    parse_params(params, {"offset": offset}),
                    {"limit": None, "offset": 1},
                )
        # more digits than int() takes: still a clear 400, not a ValueError
        with self.assertRaises(ApiError) as caught:
            parse_params(params, {"limit": "9" * 5000})
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(parse_params(params, {"offset": "9" * 5000})["offset"], 10**18)
        for limit in ("0", "-1", "1.5", "x", str(MAX_LIMIT + 1), "\u0661"):
            with self.subTest(limit=limit), self.assertRaises(ApiError) as caught:
                parse_params(params, {"limit": limit})
            self.assertIn("'limit'", caught.exception.message)

    def test_offset_error_wins_over_limit_error(self):
        # offset is read first, as it was before the route table
        params = ROUTES_BY_NAME["kota_list"].params
        with self.assertRaises(ApiError) as caught:
            parse_params(params, {"limit": "0", "offset": "x"})
        self.assertIn("'offset'", caught.exception.message)

    def test_text_and_codes(self):
        route = ROUTES_BY_NAME["kota_list"]
        args = parse_params(route.params, {"kode_provinsi": " 32 ", "name": "  "})
        self.assertEqual(args["kode_provinsi"], "32")
        self.assertIsNone(args["name"])
        with self.assertRaises(ApiError) as caught:
            parse_params(route.params, {"kode_provinsi": "3a"})
        self.assertEqual(caught.exception.status, 400)
        with self.assertRaises(ApiError):
            parse_params(ROUTES_BY_NAME["search"].params, {"q": " ab "})
        # matched without case: kept without case (one cache entry)
        self.assertEqual(
            parse_params(route.params, {"name": " Bandung "})["name"], "bandung"
        )

    def test_text_length_limit(self):
        longest = "\N{GRINNING FACE}" * MAX_TEXT_LENGTH
        for route in ROUTES:
            for param in route.params:
                if not param.free_text:
                    continue
                with self.subTest(route=route.name, param=param.name):
                    args = parse_params(route.params, {param.name: f"  {longest}  "})
                    self.assertLessEqual(len(args[param.name]), MAX_TEXT_LENGTH)
                    with self.assertRaises(ApiError) as caught:
                        parse_params(route.params, {param.name: longest + "a"})
                    self.assertEqual(caught.exception.status, 400)
                    self.assertIn(f"'{param.name}'", caught.exception.message)
                    self.assertIn(str(MAX_TEXT_LENGTH), caught.exception.message)


@tagged("post_install", "-at_install")
class TestWilayahIndex(BaseCase):
    def test_shapes_are_the_published_ones(self):
        """Keys, in order, of each level's list item and detail (the published
        module's JSON, which clients rely on; details add ``type`` where the
        level has types)."""
        list_keys = {
            "provinsi": ["code", "name"],
            "kota": ["code", "name", "province_code"],
            "kecamatan": ["code", "name", "city_code"],
            "kelurahan": ["code", "name", "postal_code", "district_code"],
        }
        tail = ["kemendagri_code", "active", "latitude", "longitude"]
        detail_keys = {
            "provinsi": ["code", "name", *tail],
            "kota": ["code", "name", "type", "province", *tail],
            "kecamatan": ["code", "name", "city", "province", *tail],
            "kelurahan": [
                "code",
                "name",
                "postal_code",
                "type",
                "sub_district",
                "city",
                "province",
                *tail,
            ],
        }
        for level in LEVELS.values():
            with self.subTest(level=level.key):
                unit = EXAMPLES.units[level.key][level.example_code]
                item = EXAMPLES.list_item(level.key, level.example_code)
                self.assertEqual(list(item), list_keys[level.key])
                detail = EXAMPLES.detail(level.key, unit)
                self.assertEqual(list(detail), detail_keys[level.key])
        village = EXAMPLES.postal_item(LEVELS["kelurahan"].example_code)
        self.assertEqual(
            list(village),
            ["code", "name", "postal_code", "kecamatan", "kota", "provinsi"],
        )
        self.assertEqual(village["kota"], {"code": "3204", "name": "BANDUNG"})

    def test_answer_cache_keys_on_normalised_values(self):
        index = RegionIndex(
            {
                level: [unit]
                for level, unit in (
                    (key, EXAMPLES.units[key][LEVELS[key].example_code])
                    for key in LEVELS
                )
            },
            "v1",
        )
        route = ROUTES_BY_NAME["kelurahan_list"]
        answers = {
            index.answer(route, "", parse_params(route.params, {"offset": offset}))
            for offset in ("0", "00", "000", " 0")
        }
        self.assertEqual(len(answers), 1)
        self.assertEqual(len(index.answers._answers), 1)
        answer = answers.pop()
        self.assertEqual(answer.total, 1)
        self.assertIn(b"NEGLAWANGI", answer.body)

    def test_answers_to_text_have_a_small_cache_of_their_own(self):
        index = RegionIndex(
            {key: list(EXAMPLES.units[key].values()) for key in LEVELS}, "v1"
        )
        requests = (
            ("alamat", {"q": "neglawangi kertasari"}),
            ("alamat", {"q": "kertasari"}),
            ("search", {"q": "bandung"}),
            ("kelurahan_list", {"name": "neglawangi"}),
        )
        for name, raw_args in requests:
            route = ROUTES_BY_NAME[name]
            index.answer(route, "", parse_params(route.params, raw_args))
        self.assertEqual(len(index.text_answers), len(requests))
        self.assertTrue(ROUTES_BY_NAME["kelurahan_geojson"].text_cached({}))
        self.assertFalse(index.answers._answers)
        # without text, a list is one of the answers the big cache keeps
        route = ROUTES_BY_NAME["kelurahan_list"]
        index.answer(route, "", parse_params(route.params, {"offset": "0"}))
        self.assertEqual(len(index.answers), 1)
        self.assertLess(TEXT_CACHE_BYTES, ANSWER_CACHE_BYTES)

    def test_answer_cache_counts_keys(self):
        cache = AnswerCache(max_bytes=6000)
        answer = answer_of(b"[]")
        keys = [("alamat", "", (letter * 600,)) for letter in "vwxyz"]
        for key in keys:
            cache.put(key, answer)
        # the five entries are past the bound with their keys: the oldest is gone
        self.assertEqual(list(cache._answers), keys[1:])
        self.assertLessEqual(cache.size, 6000)

    def test_answer_cache_keeps_no_answer_past_a_share_of_it(self):
        cache = AnswerCache(max_bytes=40_000)
        cache.put(("small",), answer_of(b"[]"))
        cache.put(("large",), answer_of(b"[" + b"1," * 5_000 + b"1]"))
        self.assertEqual(list(cache._answers), [("small",)])

    def test_list_pages_are_clamped_to_the_list(self):
        index = RegionIndex(
            {key: list(EXAMPLES.units[key].values()) for key in LEVELS}, "v1"
        )
        route = ROUTES_BY_NAME["kelurahan_list"]
        total = len(index.active_codes["kelurahan"])

        def key_args(**raw):
            return index.list_page_args("kelurahan", parse_params(route.params, raw))

        whole = key_args()
        self.assertEqual((whole["offset"], whole["limit"]), (0, None))
        for raw in ({"offset": "0"}, {"limit": str(total)}, {"limit": "100000"}):
            with self.subTest(raw=raw):
                self.assertEqual(key_args(**raw), whole)
        past_end = key_args(offset=str(total))
        self.assertEqual((past_end["offset"], past_end["limit"]), (total, None))
        self.assertEqual(key_args(offset="99999", limit="3"), past_end)
        # the answer to the clamped page is the answer to the page asked
        answer = index.answer(route, "", parse_params(route.params, {"limit": "9"}))
        self.assertEqual(answer.total, total)
        self.assertIs(
            index.answer(route, "", parse_params(route.params, {"offset": "00"})),
            answer,
        )

    def test_answer_cache_counts_what_it_holds(self):
        """5,000 entries keyed by the longest text a request may send (4 bytes
        a character): the cache stops at its bound, and the memory it really
        holds (tracemalloc) is never more than it counts."""
        cache = AnswerCache(max_bytes=2 * 1024 * 1024)
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for number in range(5000):
                key = ("kelurahan_list", "", (None, longest_text(number), 0, None))
                cache.put(key, serialize([], 0, b"v1"))
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        self.assertLess(len(cache), 5000)  # the bound was reached
        self.assertLessEqual(cache.size, cache.max_bytes)
        self.assertLessEqual(held, cache.size)
        # and it does not count much more than it holds (its bound means it)
        self.assertGreater(held, 0.7 * cache.size)

    def test_unknown_and_malformed_codes(self):
        with self.assertRaises(ApiError) as caught:
            EXAMPLES.unit("kota", "3299")
        self.assertEqual(caught.exception.status, 404)
        with self.assertRaises(ApiError) as caught:
            EXAMPLES.unit("kota", "32.0")
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(EXAMPLES.unit("kota", "32.04").code, "3204")
        self.assertEqual(
            EXAMPLES.resolve("kecamatan", "32.04.31"), ["3204050"], "Kemendagri"
        )
        self.assertIsInstance(EXAMPLES.units["provinsi"]["32"], Unit)


@tagged("post_install", "-at_install")
class TestWilayahOpenApiDocument(BaseCase):
    def test_one_path_per_route(self):
        for route in ROUTES:
            self.assertTrue(is_api_path(route.path), route.path)
            self.assertTrue(route.path.startswith(f"{API_PREFIX}/"), route.path)
        self.assertFalse(is_api_path(f"{API_PREFIX}ary"))
        document = build_openapi()
        self.assertEqual(
            list(document["paths"]), [openapi_path(route.path) for route in ROUTES]
        )
        self.assertEqual(openapi_path("/api/kota/<string:code>"), "/api/kota/{code}")
