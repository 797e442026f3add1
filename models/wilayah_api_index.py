"""The in-memory index the REST API answers from.

The whole region tree (92k units) is read once into plain Python structures
and kept in the registry's ormcache, so that an API request costs a dictionary
look-up instead of several queries. Any change of the data clears the registry
cache (see ``wilayah.unit.mixin``), and registry signaling makes every worker
drop and rebuild its copy on its next request.

Answers are built once per distinct request and kept, serialized (and
gzipped when large), in a byte-bounded LRU that lives and dies with the index.
"""

import gzip
import hashlib
import json
import re
import threading
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from typing import NamedTuple

from odoo import api, models, tools
from odoo.tools import SQL

LEVELS = ("provinsi", "kota", "kecamatan", "kelurahan")
TABLES = {
    "provinsi": "wilayah_provinsi",
    "kota": "wilayah_kota",
    "kecamatan": "wilayah_kecamatan",
    "kelurahan": "wilayah_kelurahan",
}
PARENT_COLUMN = {
    "kota": "provinsi_id",
    "kecamatan": "kota_id",
    "kelurahan": "kecamatan_id",
}
PARENT_LEVEL = {"kota": "provinsi", "kecamatan": "kota", "kelurahan": "kecamatan"}
BPS_CODE_LENGTH = {"provinsi": 2, "kota": 4, "kecamatan": 7, "kelurahan": 10}
# Kemendagri codes are dotted (32.04.31); a province's has no dot, so at that
# level the 2 digits are read as the BPS code.
# ASCII digits only ([0-9], not \d which also takes e.g. fullwidth digits),
# and \Z (not $, which also matches before a trailing newline).
KEMENDAGRI_CODE_RE = {
    "kota": re.compile(r"^[0-9]{2}\.[0-9]{2}\Z"),
    "kecamatan": re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\Z"),
    "kelurahan": re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}\Z"),
}
POSTAL_CODE_RE = re.compile(r"^[0-9]{5}\Z")
LEVEL_LABEL = {
    "provinsi": "provinsi",
    "kota": "kota/kabupaten",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan/desa",
}
MIN_QUERY_LENGTH = 3
MAX_LIMIT = 100_000
GZIP_MIN_SIZE = 1024
ANSWER_CACHE_BYTES = 96 * 1024 * 1024


class ApiError(Exception):
    """A client error the API answers with a JSON error of that status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class Unit(NamedTuple):
    code: str
    name: str
    parent_code: str
    postal_code: str
    kemendagri_code: str
    active: bool


class Answer(NamedTuple):
    """A serialized answer, ready to send."""

    body: bytes
    gzipped: bytes | None
    etag: str
    total: int | None


def _digits(value, length):
    return len(value) == length and value.isascii() and value.isdigit()


class AnswerCache:
    """A thread-safe LRU of answers, bounded by their size in bytes."""

    def __init__(self, max_bytes):
        self._answers = OrderedDict()
        self._lock = threading.Lock()
        self._size = 0
        self._max_bytes = max_bytes

    def get(self, key):
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key, answer):
        size = len(answer.body) + len(answer.gzipped or b"")
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._size += size
            while self._size > self._max_bytes and len(self._answers) > 1:
                _key, old = self._answers.popitem(last=False)
                self._size -= len(old.body) + len(old.gzipped or b"")


class RegionIndex:
    """Every unit by level and code, with the look-ups the routes need."""

    def __init__(self, rows_by_level, version):
        self.version = version
        self.units = {}  # level -> {code: Unit}
        self.active_codes = {}  # level -> [code] (ordered by code)
        self.children = {}  # level -> {parent code: [active child code]}
        self.by_kemendagri = {}  # level -> {kemendagri code: [bps code]}
        self._names = {}  # level -> (casefolded names joined by "\n", line offsets)
        self.by_postal_code = defaultdict(list)
        self.answers = AnswerCache(ANSWER_CACHE_BYTES)
        for level in LEVELS:
            units = {row.code: row for row in rows_by_level[level]}
            self.units[level] = units
            active = [unit for unit in units.values() if unit.active]
            active.sort(key=lambda unit: unit.code)
            self.active_codes[level] = [unit.code for unit in active]
            children = defaultdict(list)
            for unit in active:
                children[unit.parent_code].append(unit.code)
            self.children[level] = dict(children)
            by_kemendagri = defaultdict(list)
            for unit in sorted(units.values(), key=lambda unit: unit.code):
                for kemendagri_code in (unit.kemendagri_code or "").split(","):
                    if kemendagri_code:
                        by_kemendagri[kemendagri_code].append(unit.code)
            self.by_kemendagri[level] = dict(by_kemendagri)
            offsets, position = [], 0
            for unit in active:
                offsets.append(position)
                position += len(unit.name) + 1
            self._names[level] = (
                "\n".join(unit.name.casefold() for unit in active),
                offsets,
            )
            if level == "kelurahan":
                for unit in active:
                    for postal_code in unit.postal_code.split(","):
                        if postal_code:
                            self.by_postal_code[postal_code].append(unit.code)

    # --- look-ups -----------------------------------------------------------

    def resolve(self, level, reference):
        """BPS codes of the units a code names (BPS, or dotted Kemendagri).

        Raises a 400 for a malformed code; an unknown one gives ``[]``.
        """
        if _digits(reference, BPS_CODE_LENGTH[level]):
            return [reference] if reference in self.units[level] else []
        pattern = KEMENDAGRI_CODE_RE.get(level)
        if pattern and pattern.match(reference):
            return self.by_kemendagri[level].get(reference, [])
        expected = f"{BPS_CODE_LENGTH[level]} digits"
        if pattern:
            expected += (
                " (BPS) or a dotted Kemendagri code such as "
                f"{_KEMENDAGRI_EXAMPLE[level]}"
            )
        raise ApiError(
            400,
            f"Invalid {LEVEL_LABEL[level]} code {_quoted(reference)}: "
            f"expected {expected}.",
        )

    def unit(self, level, reference):
        codes = self.resolve(level, reference)
        if not codes:
            raise ApiError(
                404, f"No {LEVEL_LABEL[level]} with code {_quoted(reference)}."
            )
        return self.units[level][codes[0]]

    def name_matches(self, level, text):
        """Active codes of a level whose name contains ``text`` (literally,
        case-insensitive), ordered by code."""
        needle = text.casefold()
        if not needle or "\n" in needle:
            return []
        blob, offsets = self._names[level]
        codes = self.active_codes[level]
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

    def select(self, level, parent_reference=None, name=None):
        """Active codes of a level, filtered by parent and/or name (AND)."""
        if parent_reference is not None:
            codes = []
            for parent_code in self.resolve(PARENT_LEVEL[level], parent_reference):
                codes.extend(self.children[level].get(parent_code, ()))
            codes.sort()
            if name:
                needle = name.casefold()
                units = self.units[level]
                codes = [
                    code for code in codes if needle in units[code].name.casefold()
                ]
            return codes
        if name:
            return self.name_matches(level, name)
        return self.active_codes[level]

    # --- shapes (API.md Part A) -------------------------------------------

    def ref(self, level, code):
        unit = self.units[level].get(code)
        return {"code": code, "name": unit.name if unit else ""}

    def list_item(self, level, code):
        unit = self.units[level][code]
        if level == "provinsi":
            return {"code": unit.code, "name": unit.name}
        if level == "kota":
            return {
                "code": unit.code,
                "name": unit.name,
                "province_code": unit.parent_code,
            }
        if level == "kecamatan":
            return {"code": unit.code, "name": unit.name, "city_code": unit.parent_code}
        return {
            "code": unit.code,
            "name": unit.name,
            "postal_code": unit.postal_code,
            "district_code": unit.parent_code,
        }

    def ancestors(self, level, unit):
        """{level: code} of a unit's ancestors."""
        result = {}
        while level in PARENT_LEVEL:
            level = PARENT_LEVEL[level]
            result[level] = unit.parent_code
            unit = self.units[level].get(unit.parent_code)
            if unit is None:
                break
        return result

    def detail(self, level, unit):
        answer = {"code": unit.code, "name": unit.name}
        ancestors = self.ancestors(level, unit)
        if level == "kelurahan":
            answer["postal_code"] = unit.postal_code
            answer["sub_district"] = self.ref("kecamatan", ancestors["kecamatan"])
        if "kota" in ancestors:
            answer["city"] = self.ref("kota", ancestors["kota"])
        if "provinsi" in ancestors:
            answer["province"] = self.ref("provinsi", ancestors["provinsi"])
        answer["kemendagri_code"] = unit.kemendagri_code
        answer["active"] = unit.active
        return answer

    def postal_item(self, code):
        unit = self.units["kelurahan"][code]
        ancestors = self.ancestors("kelurahan", unit)
        return {
            "code": unit.code,
            "name": unit.name,
            "postal_code": unit.postal_code,
            "kecamatan": self.ref("kecamatan", ancestors["kecamatan"]),
            "kota": self.ref("kota", ancestors["kota"]),
            "provinsi": self.ref("provinsi", ancestors["provinsi"]),
        }

    # --- answers ----------------------------------------------------------

    def answer(self, route, reference, params):
        """The serialized answer of a route, from the cache when it was asked before.

        ``params`` is a dict of the query parameters; only those the route
        reads are part of the cache key, so unknown ones do not fill it.
        """
        used = tuple((name, params.get(name)) for name in ROUTE_PARAMS[route])
        key = (route, reference, used)
        answer = self.answers.get(key)
        if answer is None:
            payload, total = getattr(self, f"_answer_{route}")(reference, dict(used))
            answer = self._serialize(payload, total)
            self.answers.put(key, answer)
        return answer

    def _serialize(self, payload, total):
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        gzipped = (
            gzip.compress(body, compresslevel=6) if len(body) >= GZIP_MIN_SIZE else None
        )
        digest = hashlib.blake2b(body, digest_size=12, key=self.version.encode()[:64])
        return Answer(body, gzipped, f'"{digest.hexdigest()}"', total)

    def _list(self, level, parent_reference, params):
        codes = self.select(level, parent_reference, _text(params.get("name")))
        total = len(codes)
        offset, limit = _paging(params)
        codes = codes[offset : offset + limit] if limit is not None else codes[offset:]
        return [self.list_item(level, code) for code in codes], total

    def _answer_provinsi_list(self, _reference, params):
        return self._list("provinsi", None, params)

    def _answer_kota_list(self, _reference, params):
        return self._list("kota", _text(params.get("kode_provinsi")), params)

    def _answer_kecamatan_list(self, _reference, params):
        return self._list("kecamatan", _text(params.get("kode_kota")), params)

    def _answer_kelurahan_list(self, _reference, params):
        return self._list("kelurahan", _text(params.get("kode_kecamatan")), params)

    def _answer_provinsi_detail(self, reference, _params):
        return self.detail("provinsi", self.unit("provinsi", reference)), None

    def _answer_kota_detail(self, reference, _params):
        return self.detail("kota", self.unit("kota", reference)), None

    def _answer_kecamatan_detail(self, reference, _params):
        return self.detail("kecamatan", self.unit("kecamatan", reference)), None

    def _answer_kelurahan_detail(self, reference, _params):
        return self.detail("kelurahan", self.unit("kelurahan", reference)), None

    def _answer_kodepos(self, reference, _params):
        if not POSTAL_CODE_RE.match(reference):
            raise ApiError(
                400, f"Invalid postal code {_quoted(reference)}: expected 5 digits."
            )
        codes = self.by_postal_code.get(reference)
        if not codes:
            raise ApiError(
                404, f"No kelurahan/desa with postal code {_quoted(reference)}."
            )
        return [self.postal_item(code) for code in codes], len(codes)

    def _answer_search(self, _reference, params):
        query = _text(params.get("q")) or ""
        if len(query) < MIN_QUERY_LENGTH:
            raise ApiError(
                400, f"Parameter 'q' needs at least {MIN_QUERY_LENGTH} characters."
            )
        _offset, limit = _paging({"limit": params.get("limit")})
        return {
            level: [
                self.list_item(level, code)
                for code in self.name_matches(level, query)[:limit]
            ]
            for level in LEVELS
        }, None


_KEMENDAGRI_EXAMPLE = {
    "kota": "32.04",
    "kecamatan": "32.04.31",
    "kelurahan": "32.04.31.2005",
}

ROUTE_PARAMS = {
    "provinsi_list": ("name", "limit", "offset"),
    "kota_list": ("kode_provinsi", "name", "limit", "offset"),
    "kecamatan_list": ("kode_kota", "name", "limit", "offset"),
    "kelurahan_list": ("kode_kecamatan", "name", "limit", "offset"),
    "provinsi_detail": (),
    "kota_detail": (),
    "kecamatan_detail": (),
    "kelurahan_detail": (),
    "kodepos": (),
    "search": ("q", "limit"),
}


def _quoted(value, max_length=40):
    """A client's value, quoted and shortened, to name it in an error message."""
    if len(value) > max_length:
        value = value[:max_length] + "..."
    return f"'{value}'"


def _text(value):
    """A text parameter without its surrounding blanks; None when empty."""
    if value is None:
        return None
    return value.strip() or None


def _paging(params):
    """(offset, limit) from the query; limit None means no limit."""
    result = []
    for name, minimum in (("offset", 0), ("limit", 1)):
        value = _text(params.get(name))
        if value is None:
            result.append(0 if name == "offset" else None)
            continue
        number = None
        if value.isascii() and value.isdigit():
            # int() refuses more than 4300 digits (a ValueError, so a 500); past
            # 18 digits the number is beyond any list anyway.
            significant = value.lstrip("0") or "0"
            number = int(significant) if len(significant) <= 18 else 10**18
        if number is None or not (
            minimum <= number <= MAX_LIMIT if name == "limit" else True
        ):
            bound = (
                f"from {minimum} to {MAX_LIMIT}"
                if name == "limit"
                else f"{minimum} or more"
            )
            raise ApiError(
                400,
                f"Invalid '{name}' value {_quoted(value)}: "
                f"expected a whole number {bound}.",
            )
        result.append(number)
    return tuple(result)


class WilayahApiIndex(models.AbstractModel):
    _name = "wilayah.api.index"
    _description = "Wilayah Indonesia API index"

    @api.model
    @tools.ormcache()
    def _get_index(self):
        cr = self.env.cr
        rows_by_level, fingerprint = {}, hashlib.sha256()
        for level in LEVELS:
            table = SQL.identifier(TABLES[level])
            if level in PARENT_COLUMN:
                parent_table = SQL.identifier(TABLES[PARENT_LEVEL[level]])
                parent_code = SQL("p.code")
                parent_join = SQL(
                    "LEFT JOIN %s p ON p.id = t.%s",
                    parent_table,
                    SQL.identifier(PARENT_COLUMN[level]),
                )
            else:
                parent_code, parent_join = SQL("''"), SQL("")
            postal_code = SQL("t.postal_code") if level == "kelurahan" else SQL("''")
            cr.execute(
                SQL(
                    """
                    SELECT t.code, t.name, COALESCE(%s, ''), COALESCE(%s, ''),
                           COALESCE(t.kemendagri_code, ''), COALESCE(t.active, true)
                      FROM %s t %s
                     WHERE t.code IS NOT NULL AND t.name IS NOT NULL
                    """,
                    parent_code,
                    postal_code,
                    table,
                    parent_join,
                )
            )
            rows_by_level[level] = [Unit(*row) for row in cr.fetchall()]
            cr.execute(
                SQL("SELECT count(*), max(id), max(write_date)::text FROM %s", table)
            )
            fingerprint.update(repr(cr.fetchone()).encode())
        return RegionIndex(rows_by_level, fingerprint.hexdigest())
