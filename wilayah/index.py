"""The in-memory index the REST API answers from, and its JSON shapes.

The whole region tree (92k units) is read once into plain Python structures
(``models/wilayah_api_index.py`` does the reading and keeps the index in the
registry's ormcache), so that an API request costs a dictionary look-up
instead of several queries. Answers are built once per distinct request and
kept, serialized (and gzipped when large), in a byte-bounded LRU that lives and
dies with the index.
"""

import gzip
import hashlib
import json
import sys
import threading
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from typing import NamedTuple

from .errors import ApiError, invalid_code, not_found, quoted
from .geo import NEAREST_MAX_METRES, geojson_feature
from .levels import LEVELS, POSTAL_LEVEL, ancestors, is_postal_code
from .search import AddressSearch

GZIP_MIN_SIZE = 1024
ANSWER_CACHE_BYTES = 96 * 1024 * 1024
# Answers keyed by what people type (a search, a name filter) and boundaries
# are many, each asked rarely: a small cache of their own, so that they never
# push out the lists and details, and whatever is typed holds at most this.
TEXT_CACHE_BYTES = 8 * 1024 * 1024
# What an OrderedDict spends on an entry besides its key and value: its node
# and its table slots (at most about 110 bytes, measured with tracemalloc
# right after the table grows).
CACHE_ENTRY_OVERHEAD = 160
# An answer larger than this share of its cache is not kept (it is built
# again when asked): one request must not push out everything else.
CACHE_ENTRY_MAX_SHARE = 4


class Unit(NamedTuple):
    code: str
    name: str
    parent_code: str
    postal_code: str
    kemendagri_code: str
    active: bool
    type: str = ""  # a value of its level's types, "" for none (levels.py)
    latitude: float | None = None  # of its centroid; None where unknown
    longitude: float | None = None


class Answer(NamedTuple):
    """A serialized answer, ready to send."""

    body: bytes
    gzipped: bytes | None
    etag: str
    total: int | None


def serialize(payload, total=None, salt=b""):
    """An Answer of ``payload``: compact UTF-8 JSON, gzip when large, an ETag
    that changes with the body (and with ``salt``, the data's version)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return answer_of(body, total, salt)


def answer_of(body, total=None, salt=b""):
    gzipped = (
        gzip.compress(body, compresslevel=6) if len(body) >= GZIP_MIN_SIZE else None
    )
    digest = hashlib.blake2b(body, digest_size=12, key=salt[:64])
    return Answer(body, gzipped, f'"{digest.hexdigest()}"', total)


def deep_size(value):
    """Bytes a value of a cache entry holds: the object and, for a tuple,
    its items (strings, bytes, numbers, None and tuples of them). Objects
    shared with others (a route's name) are counted as if they were not."""
    size = sys.getsizeof(value)
    if isinstance(value, tuple):
        size += sum(deep_size(item) for item in value)
    return size


class AnswerCache:
    """A thread-safe LRU of answers, bounded by the bytes its entries hold:
    keys, answers and the table's own share (``entry_size``)."""

    def __init__(self, max_bytes):
        self._answers = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0
        self.max_bytes = max_bytes

    def __len__(self):
        return len(self._answers)

    @staticmethod
    def entry_size(key, answer):
        return deep_size(key) + deep_size(answer) + CACHE_ENTRY_OVERHEAD

    def get(self, key):
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key, answer):
        size = self.entry_size(key, answer)
        if size > self.max_bytes // CACHE_ENTRY_MAX_SHARE:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self.size += size
            while self.size > self.max_bytes and len(self._answers) > 1:
                old_key, old = self._answers.popitem(last=False)
                self.size -= self.entry_size(old_key, old)


class RegionIndex:
    """Every unit by level and code, with the look-ups and shapes the routes need."""

    def __init__(self, rows_by_level, version):
        self.version = version
        self.units = {}  # level -> {code: Unit}
        self.active_codes = {}  # level -> [code] (ordered by code)
        self.children = {}  # level -> {parent code: [active child code]}
        self.by_kemendagri = {}  # level -> {kemendagri code: [bps code]}
        self._names = {}  # level -> (casefolded names joined by "\n", line offsets)
        self.by_postal_code = defaultdict(list)
        self.answers = AnswerCache(ANSWER_CACHE_BYTES)
        self.text_answers = AnswerCache(TEXT_CACHE_BYTES)
        self._address_search = None
        self._address_search_lock = threading.Lock()
        for level in LEVELS.values():
            units = {row.code: row for row in rows_by_level[level.key]}
            self.units[level.key] = units
            active = sorted(
                (unit for unit in units.values() if unit.active),
                key=lambda unit: unit.code,
            )
            self.active_codes[level.key] = [unit.code for unit in active]
            children = defaultdict(list)
            for unit in active:
                children[unit.parent_code].append(unit.code)
            self.children[level.key] = dict(children)
            by_kemendagri = defaultdict(list)
            for unit in sorted(units.values(), key=lambda unit: unit.code):
                for kemendagri_code in (unit.kemendagri_code or "").split(","):
                    if kemendagri_code:
                        by_kemendagri[kemendagri_code].append(unit.code)
            self.by_kemendagri[level.key] = dict(by_kemendagri)
            offsets, position = [], 0
            for unit in active:
                offsets.append(position)
                position += len(unit.name) + 1
            self._names[level.key] = (
                "\n".join(unit.name.casefold() for unit in active),
                offsets,
            )
            if level.has_postal_code:
                for unit in active:
                    for postal_code in unit.postal_code.split(","):
                        if postal_code:
                            self.by_postal_code[postal_code].append(unit.code)

    @property
    def address_search(self):
        """The address search engine (search.py), built on first use: the
        routes that do not search never pay for it."""
        if self._address_search is None:
            with self._address_search_lock:
                if self._address_search is None:
                    self._address_search = AddressSearch(self)
        return self._address_search

    # --- look-ups -----------------------------------------------------------

    def resolve(self, level_key, reference):
        """BPS codes of the units a code names (BPS, or dotted Kemendagri).

        Raises a 400 for a malformed code; an unknown one gives ``[]``.
        """
        level = LEVELS[level_key]
        if level.is_code(reference):
            return [reference] if reference in self.units[level_key] else []
        if level.is_kemendagri_code(reference):
            return self.by_kemendagri[level_key].get(reference, [])
        raise invalid_code(level, reference)

    def unit(self, level_key, reference):
        codes = self.resolve(level_key, reference)
        if not codes:
            raise not_found(LEVELS[level_key], reference)
        return self.units[level_key][codes[0]]

    def name_matches(self, level_key, text):
        """Active codes of a level whose name contains ``text`` (literally,
        case-insensitive), ordered by code."""
        needle = text.casefold()
        if not needle or "\n" in needle:
            return []
        blob, offsets = self._names[level_key]
        codes = self.active_codes[level_key]
        matches = []
        # A needle without "\n" cannot span two names: each hit lies in one.
        position = blob.find(needle)
        while position != -1:
            index = bisect_right(offsets, position) - 1
            matches.append(codes[index])
            if index + 1 == len(offsets):
                break
            position = blob.find(needle, offsets[index + 1])
        return matches

    def select(self, level_key, parent_reference=None, name=None):
        """Active codes of a level, filtered by parent and/or name (AND)."""
        if parent_reference is None:
            if name:
                return self.name_matches(level_key, name)
            return self.active_codes[level_key]
        codes = []
        for parent_code in self.resolve(LEVELS[level_key].parent, parent_reference):
            codes.extend(self.children[level_key].get(parent_code, ()))
        codes.sort()
        if name:
            needle = name.casefold()
            units = self.units[level_key]
            codes = [code for code in codes if needle in units[code].name.casefold()]
        return codes

    # --- shapes (the published API's, README "Routes") ----------------------

    def ref(self, level_key, code):
        unit = self.units[level_key].get(code)
        return {"code": code, "name": unit.name if unit else ""}

    def ancestor_codes(self, level_key, unit):
        """{level: code} of a unit's ancestors, nearest first."""
        result = {}
        for ancestor in ancestors(level_key):
            result[ancestor] = unit.parent_code
            unit = self.units[ancestor].get(unit.parent_code)
            if unit is None:
                break
        return result

    def list_item(self, level_key, code):
        level, unit = LEVELS[level_key], self.units[level_key][code]
        item = {"code": unit.code, "name": unit.name}
        if level.has_postal_code:
            item["postal_code"] = unit.postal_code
        if level.parent:
            item[LEVELS[level.parent].code_key] = unit.parent_code
        return item

    def detail(self, level_key, unit):
        level = LEVELS[level_key]
        answer = {"code": unit.code, "name": unit.name}
        if level.has_postal_code:
            answer["postal_code"] = unit.postal_code
        if level.types:
            # null where the rule cannot tell (levels.py), never ""
            answer["type"] = unit.type or None
        for ancestor, code in self.ancestor_codes(level_key, unit).items():
            answer[LEVELS[ancestor].detail_key] = self.ref(ancestor, code)
        answer["kemendagri_code"] = unit.kemendagri_code
        answer["active"] = unit.active
        answer["latitude"] = unit.latitude
        answer["longitude"] = unit.longitude
        return answer

    def display_name(self, level_key, unit):
        """The name as people write it in an address: KAB. BANDUNG."""
        return LEVELS[level_key].written_name(unit.name, unit.type)

    def label(self, level_key, unit):
        """A unit as a dropdown shows it: its name, its parents' names
        (nearest first) and a village's postal code(s):
        "NEGLAWANGI, KERTASARI, KAB. BANDUNG, JAWA BARAT 40386"."""
        names = [self.display_name(level_key, unit)]
        for ancestor, code in self.ancestor_codes(level_key, unit).items():
            parent = self.units[ancestor].get(code)
            if parent:
                names.append(self.display_name(ancestor, parent))
        label = ", ".join(names)
        if LEVELS[level_key].has_postal_code and unit.postal_code:
            label += " " + unit.postal_code.replace(",", "/")
        return label

    def alamat_item(self, hit):
        """A hit of the address search, with its parents and its label."""
        level = LEVELS[hit.level]
        unit = self.units[hit.level][hit.code]
        item = {
            "level": hit.level,
            "code": unit.code,
            "name": unit.name,
            "type": unit.type or None,
        }
        if level.has_postal_code:
            item["postal_code"] = unit.postal_code
        for ancestor, code in self.ancestor_codes(hit.level, unit).items():
            item[ancestor] = self.ref(ancestor, code)
        item["latitude"] = unit.latitude
        item["longitude"] = unit.longitude
        item["label"] = self.label(hit.level, unit)
        item["score"] = hit.score
        return item

    def postal_item(self, code):
        """A village with its ancestors named by level (``/api/kodepos``)."""
        unit = self.units[POSTAL_LEVEL.key][code]
        item = {"code": unit.code, "name": unit.name, "postal_code": unit.postal_code}
        for ancestor, ancestor_code in self.ancestor_codes(
            POSTAL_LEVEL.key, unit
        ).items():
            item[ancestor] = self.ref(ancestor, ancestor_code)
        return item

    # --- answers (one per route family; see routes.py) ----------------------

    def answer(self, route, code, args, shapes=None):
        """The serialized answer of ``route``, from the cache when it was
        asked before. ``args`` are the route's parsed parameters: normalised
        values, so that spellings of one value share one entry. ``shapes``
        (geo.ShapeSource) serves the routes of coordinates and boundaries."""
        if not route.cached:
            payload, total = route.answer(self, code, args, shapes)
            return serialize(payload, total, self.version.encode())
        if route.cache_args:
            args = route.cache_args(self, args)
        key = (route.name, code, tuple(args.values()))
        cache = self.text_answers if route.text_cached(args) else self.answers
        answer = cache.get(key)
        if answer is None:
            payload, total = route.answer(self, code, args, shapes)
            answer = serialize(payload, total, self.version.encode())
            cache.put(key, answer)
        return answer

    def list_selection(self, level_key, args):
        """The codes a list route's filters select (before paging)."""
        parent = LEVELS[level_key].parent
        parent_filter = LEVELS[parent].parent_filter if parent else None
        return self.select(level_key, args.get(parent_filter), args.get("name"))

    def list_page_args(self, level_key, args):
        """A list's ``args`` with its page clamped to its selection: every
        offset past the end, and every limit that reaches it, is one page."""
        offset, limit = args.get("offset") or 0, args.get("limit")
        if offset or limit is not None:
            total = len(self.list_selection(level_key, args))
            offset = min(offset, total)
            if limit is not None and offset + limit >= total:
                limit = None
        return {**args, "offset": offset, "limit": limit}

    def list_answer(self, level_key, args):
        codes = self.list_selection(level_key, args)
        offset, limit = args.get("offset") or 0, args.get("limit")
        page = codes[offset : offset + limit] if limit is not None else codes[offset:]
        return [self.list_item(level_key, code) for code in page], len(codes)

    def detail_answer(self, level_key, code):
        return self.detail(level_key, self.unit(level_key, code)), None

    def kodepos_answer(self, postal_code):
        if not is_postal_code(postal_code):
            raise ApiError(
                400, f"Invalid postal code {quoted(postal_code)}: expected 5 digits."
            )
        codes = self.by_postal_code.get(postal_code)
        if not codes:
            raise ApiError(
                404,
                f"No {POSTAL_LEVEL.label} with postal code {quoted(postal_code)}.",
            )
        return [self.postal_item(code) for code in codes], len(codes)

    def alamat_answer(self, args):
        within = args.get("within")
        if within:
            level = next(
                level
                for level in LEVELS.values()
                if level.is_code(within) or level.is_kemendagri_code(within)
            )
            codes = self.resolve(level.key, within)
            if not codes:
                raise ApiError(404, f"No unit with code {quoted(within)}.")
            within = (level.key, codes)
        hits = self.address_search.search(
            args["q"], limit=args["limit"], levels=args.get("level"), within=within
        )
        return [self.alamat_item(hit) for hit in hits], None

    def lokasi_answer(self, shapes, args):
        """The unit at a point (``level``, a village by default), as its
        detail route answers it."""
        level = LEVELS[args["level"]]
        code = shapes.locate(level.key, args["lng"], args["lat"])
        unit = self.units[level.key].get(code) if code else None
        if unit is None:
            raise ApiError(
                404,
                f"No {level.label} at latitude {args['lat']}, longitude "
                f"{args['lng']} (nor within {NEAREST_MAX_METRES} m of one).",
            )
        return self.detail(level.key, unit), None

    def geojson_answer(self, shapes, level_key, code):
        """The unit's boundary, a GeoJSON Feature (geo.py)."""
        unit = self.unit(level_key, code)
        shape = shapes.boundary(level_key, unit.code)
        if not shape:
            raise ApiError(
                404,
                f"No boundary is known for {LEVELS[level_key].label} "
                f'{quoted(code)} (README, "Coordinates and boundaries").',
            )
        return geojson_feature(level_key, unit.code, unit.name, shape), None

    def search_answer(self, args):
        limit = args.get("limit")
        return {
            level: [
                self.list_item(level, code)
                for code in self.name_matches(level, args["q"])[:limit]
            ]
            for level in LEVELS
        }, None
