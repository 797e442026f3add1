"""The answer cache of a serving worker: spellings of one request share an
entry, and whatever text is sent, the cache stays within its bound."""

from odoo.tests import tagged

from ..wilayah.index import ANSWER_CACHE_BYTES, TEXT_CACHE_BYTES
from ..wilayah.params import MAX_TEXT_LENGTH
from .common import WilayahApiCase, url

LONG_TEXT_REQUESTS = 5000


@tagged("post_install", "-at_install")
class TestAnswerCache(WilayahApiCase):
    def setUp(self):
        super().setUp()
        self.index = self.env["wilayah.api.index"].sudo()._get_index()

    def test_paging_variants_share_one_entry(self):
        path = "/api/kelurahan?limit=100000&offset="
        before = set(self.index.answers._answers)
        etags = {
            self.get(path + offset).headers["ETag"]
            for offset in ("1", "0001", "00001", "%201%20", "+1", "1%09")
        }
        self.assertEqual(len(etags), 1)
        new_keys = set(self.index.answers._answers) - before
        self.assertLessEqual(len(new_keys), 1)
        self.assertIn(
            ("kelurahan_list", "", (None, None, 1, 100000)), self.index.answers._answers
        )
        self.assertFalse(set(self.index.text_answers._answers) & new_keys)

    def test_long_texts_stay_within_the_text_cache(self):
        """5,000 distinct texts of the longest length a request may send, of
        4-byte characters (the largest a Python string holds), to the name
        filters and the search: the text cache holds at most its bound, and
        the other answers stay where they were."""
        self.get_json("/api/kota")
        kept = dict(self.index.answers._answers)
        # (the address search keys on the words it reads: its keys are short)
        routes = (
            ("/api/kelurahan", "name"),
            ("/api/kecamatan", "name"),
            ("/api/search", "q"),
        )
        for number in range(LONG_TEXT_REQUESTS):
            path, name = routes[number % len(routes)]
            text = f"{number} ".ljust(MAX_TEXT_LENGTH, "\N{GRINNING FACE}")
            response = self.get(url(path, **{name: text}))
            self.assertEqual(response.status_code, 200, response.text[:200])
        cache = self.index.text_answers
        self.assertLessEqual(cache.size, TEXT_CACHE_BYTES)
        # past the bound: the oldest went
        self.assertLess(len(cache), LONG_TEXT_REQUESTS)
        self.assertGreater(cache.size, TEXT_CACHE_BYTES // 2)
        self.assertEqual(dict(self.index.answers._answers), kept)
        self.assertLessEqual(self.index.answers.size, ANSWER_CACHE_BYTES)
