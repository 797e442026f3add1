"""The answer cache of a serving worker: requests that mean one answer share
an entry, and whatever text is sent, the cache stays within its bound."""

from unittest.mock import patch

from odoo.tests import tagged

from ..wilayah.index import ANSWER_CACHE_BYTES
from ..wilayah.params import longest_text
from .common import WilayahApiCase, url

LONG_TEXT_REQUESTS = 5000


@tagged("post_install", "-at_install")
class TestAnswerCache(WilayahApiCase):
    def setUp(self):
        super().setUp()
        self.index = self.env["wilayah.api.index"].sudo()._get_index()

    def new_keys(self, requests):
        """The keys the main cache gained while serving ``requests``."""
        before = set(self.index.answers._answers)
        for path in requests:
            self.get_json(path)
        return set(self.index.answers._answers) - before

    def test_paging_variants_share_one_entry(self):
        total = len(self.index.active_codes["kelurahan"])
        # every spelling of offset 1, and every limit that reaches the end
        first_page = [
            f"/api/kelurahan?limit={limit}&offset={offset}"
            for offset in ("1", "0001", "00001", "%201%20", "1%09")
            for limit in ("100000", str(total), str(total - 1))
        ]
        new_keys = self.new_keys(first_page)
        self.assertEqual(len(new_keys), 1, new_keys)
        # past the end: one empty page, whatever the offset and the limit
        past_end = [
            f"/api/kelurahan?offset={offset}&limit={limit}"
            for offset in (total, total + 1, 10**9, "9" * 30)
            for limit in (1, 50, "")
        ]
        new_keys = self.new_keys(past_end)
        self.assertEqual(len(new_keys), 1, new_keys)
        # a page inside the list keeps its own entry
        self.assertEqual(len(self.new_keys(["/api/kelurahan?offset=5&limit=10"])), 1)
        # the text of a name filter in another case is the same filter
        new_keys = self.new_keys(
            [url("/api/kota", name=name) for name in ("Bandung", "BANDUNG", "bandung ")]
        )
        self.assertFalse(new_keys)  # answers to text are kept in the text cache
        self.assertEqual(
            len(
                {
                    key
                    for key in self.index.text_answers._answers
                    if key[0] == "kota_list" and key[2][1] == "bandung"
                }
            ),
            1,
        )

    def test_long_texts_stay_within_the_text_cache(self):
        """5,000 distinct texts of the longest length a request may send, of
        4-byte characters (the most a Python string holds for one), to the
        name filters and the search: the text cache holds at most its bound
        (halved here, so that 5,000 are well past it), and the other answers
        stay where they were."""
        self.get_json("/api/kota")
        kept = dict(self.index.answers._answers)
        # (the address search keys on the words it reads: its keys are short)
        routes = (
            ("/api/kelurahan", "name"),
            ("/api/kecamatan", "name"),
            ("/api/search", "q"),
        )
        cache = self.index.text_answers
        bound = cache.max_bytes // 2
        with patch.object(cache, "max_bytes", bound):
            for number in range(LONG_TEXT_REQUESTS):
                path, name = routes[number % len(routes)]
                response = self.get(url(path, **{name: longest_text(number)}))
                self.assertEqual(response.status_code, 200, response.text[:200])
            self.assertLessEqual(cache.size, bound)
            # past the bound: the oldest went
            self.assertLess(len(cache), LONG_TEXT_REQUESTS)
            self.assertGreater(cache.size, bound * 0.9)
        self.assertEqual(dict(self.index.answers._answers), kept)
        self.assertLessEqual(self.index.answers.size, ANSWER_CACHE_BYTES)
