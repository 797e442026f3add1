#!/usr/bin/python3
"""Quality and speed of the address search (wilayah/search.py), against two
baselines, on generated queries with known answers (stdlib and the
repository's ``wilayah`` package only; no Odoo, no server).

Run by ``make search-quality``. The index is read straight from the shipped
CSVs (``load_index``). Then ``--per-kind`` queries of each kind (KINDS: what
people type into an address box: several names, type words, aliases, prefixes,
typos, run-together words, old spellings, noise, postal codes, codes) are
generated with a fixed seed, each with the one unit it must find. A query is
kept only when its answer is unambiguous in the data: no other unit reads the
same way (its own name and some of its ancestors' names spelling out the
query's names, honouring its type words, aliases and postal code; see
``Generator.unambiguous``).

Every query goes through three methods, and each is scored by recall@1 and
recall@5 (the expected unit is the first hit / among the first five):

* engine: ``AddressSearch(index).search(q, limit=5)``;
* substring: what ``/api/search`` does, the whole query as one literal
  substring of a unit's name, levels top-down, each by code;
* all-words: the method of the sooluh/kodepos project, every word of the query
  a substring of the unit's name and its ancestors' names, shortest text first.

Then the engine in-process: build time, memory retained by its structures
(tracemalloc), and latency p50 / p99 / max over 1,000 calls. Benchmarks are not
tests: the exit status is 0 even when a target is missed (the report says so);
only a broken run exits non-zero.
"""

import argparse
import csv
import gc
import hashlib
import json
import math
import os
import random
import re
import string
import sys
import time
import traceback
import tracemalloc
from bisect import bisect_right
from collections import Counter, defaultdict
from typing import NamedTuple

# The repository root: its plain `wilayah` package, without Odoo.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from wilayah.index import RegionIndex, Unit  # noqa: E402
from wilayah.levels import LEVEL_KEYS, LEVELS, POSTAL_LEVEL  # noqa: E402
from wilayah.search import AddressSearch  # noqa: E402

DATA_DIR = os.path.join(ROOT, "data", "wilayah")
SEED = 20251006
PER_KIND = 60
KINDS = (
    "multiword",
    "typeword",
    "alias",
    "prefix",
    "typo",
    "runtogether",
    "oldspelling",
    "noise",
    "postal",
    "code",
)
# Targets of the engine (none for the baselines: they are the reference).
RECALL1_TARGET = 0.85
RECALL5_TARGET = 0.95
KIND_RECALL5_MIN = 0.80
P50_TARGET_MS = 2.0
P99_TARGET_MS = 10.0
LATENCY_CALLS = 1000
LATENCY_LIMIT = 10
RECALL_LIMIT = 5

# Short names people write for provinces and Jakarta's cities: alias ->
# (level, BPS code, the unit's name in the data). Written here, independently
# of the engine's own table, so that the benchmark checks it; the names are
# checked against the data at start (a mismatch is a warning and drops the
# alias).
ALIASES = {
    "nad": ("provinsi", "11", "ACEH"),  # Nanggroe Aceh Darussalam
    "sumut": ("provinsi", "12", "SUMATERA UTARA"),
    "sumbar": ("provinsi", "13", "SUMATERA BARAT"),
    "sumsel": ("provinsi", "16", "SUMATERA SELATAN"),
    "babel": ("provinsi", "19", "KEPULAUAN BANGKA BELITUNG"),
    "kepri": ("provinsi", "21", "KEPULAUAN RIAU"),
    "jabar": ("provinsi", "32", "JAWA BARAT"),
    "jateng": ("provinsi", "33", "JAWA TENGAH"),
    "diy": ("provinsi", "34", "DI YOGYAKARTA"),
    "jogja": ("provinsi", "34", "DI YOGYAKARTA"),
    "jatim": ("provinsi", "35", "JAWA TIMUR"),
    "ntb": ("provinsi", "52", "NUSA TENGGARA BARAT"),
    "ntt": ("provinsi", "53", "NUSA TENGGARA TIMUR"),
    "kalbar": ("provinsi", "61", "KALIMANTAN BARAT"),
    "kalteng": ("provinsi", "62", "KALIMANTAN TENGAH"),
    "kalsel": ("provinsi", "63", "KALIMANTAN SELATAN"),
    "kaltim": ("provinsi", "64", "KALIMANTAN TIMUR"),
    "kaltara": ("provinsi", "65", "KALIMANTAN UTARA"),
    "sulut": ("provinsi", "71", "SULAWESI UTARA"),
    "sulteng": ("provinsi", "72", "SULAWESI TENGAH"),
    "sulsel": ("provinsi", "73", "SULAWESI SELATAN"),
    "sultra": ("provinsi", "74", "SULAWESI TENGGARA"),
    "sulbar": ("provinsi", "76", "SULAWESI BARAT"),
    "malut": ("provinsi", "82", "MALUKU UTARA"),
    "jaksel": ("kota", "3171", "JAKARTA SELATAN"),
    "jaktim": ("kota", "3172", "JAKARTA TIMUR"),
    "jakpus": ("kota", "3173", "JAKARTA PUSAT"),
    "jakbar": ("kota", "3174", "JAKARTA BARAT"),
    "jakut": ("kota", "3175", "JAKARTA UTARA"),
}
# "Jogja" alone is as often the city (3471 YOGYAKARTA) as the province: it is
# asked only together with a name inside the province, where both readings
# lead to the same unit.
NOT_ALONE = {"jogja"}

# Type words that are abbreviations, written with or without a dot ("kab.").
DOTTED = {"kab", "kec", "kcm", "kel", "ds", "prov", "prop"}
# Old spellings (Van Ophuijsen and Soewandi, before 1972): applied all at once,
# so that "y" -> "j" and "j" -> "dj" do not chain (Surabaya -> Soerabaja).
OLD_SPELLING = {
    "ny": "nj",
    "sy": "sj",
    "kh": "ch",
    "u": "oe",
    "j": "dj",
    "c": "tj",
    "y": "j",
}
OLD_PATTERN = re.compile("|".join(sorted(OLD_SPELLING, key=len, reverse=True)))
# Separators of the noise kind (between names), and their case styles.
NOISY_SEPARATORS = (", ", ",", " ,", " , ", ". ", ".", " - ", "-", " -- ", ";")
TYPO_OPERATIONS = ("insertion", "deletion", "substitution", "transposition")
# Names made of plain words only: the generated queries are about how people
# write a name, not about the data's punctuation ("SOGAE'ADU", "TIRO/TRUSEB").
CLEAN_NAME = re.compile(r"[A-Z]+(?: [A-Z]+)*")
WORD = re.compile(r"[0-9a-z]+")


def words_of(text):
    """Casefolded words of a name or query: runs of letters and digits."""
    return tuple(WORD.findall(text.casefold()))


def old_spelling(word):
    return OLD_PATTERN.sub(lambda match: OLD_SPELLING[match.group()], word)


# --- the index, from the shipped CSVs ---------------------------------------


def load_index(data_dir=DATA_DIR):
    """A RegionIndex of the CSVs in ``data_dir`` (data/wilayah/ by default),
    as the addon would build it from the database after installing them:
    every unit active, its type from its codes (LEVELS[...].unit_type), its
    parent's code from the parent's external id (``kota_3204`` -> 3204). The
    version is a digest of the files."""
    rows_by_level, digest = {}, hashlib.sha256()
    for level in LEVELS.values():
        path = os.path.join(data_dir, level.data_file)
        with open(path, "rb") as data_file:
            content = data_file.read()
        digest.update(content)
        reader = csv.DictReader(content.decode("utf-8").splitlines())
        parent_column = f"{level.parent_field}/id" if level.parent else None
        parent_prefix = LEVELS[level.parent].xmlid_prefix if level.parent else ""
        rows = []
        for row in reader:
            code, kemendagri = row["code"], row.get("kemendagri_code") or ""
            parent = (
                row[parent_column].removeprefix(parent_prefix) if parent_column else ""
            )
            rows.append(
                Unit(
                    code,
                    row["name"],
                    parent,
                    row.get("postal_code") or "",
                    kemendagri,
                    True,
                    level.unit_type(code, kemendagri) or "",
                )
            )
        rows_by_level[level.key] = rows
    return RegionIndex(rows_by_level, digest.hexdigest()[:16])


# --- queries -----------------------------------------------------------------


class Query(NamedTuple):
    kind: str
    text: str
    level: str  # the expected unit
    code: str


class Part(NamedTuple):
    """One piece of a generated query: a unit's name (maybe after a type
    word), an alias or a postal code. ``words`` are the name's clean words,
    which the ambiguity check reads; ``shown`` is how the query writes it."""

    shown: str
    words: tuple = ()
    level: str = ""  # a type word before the name says this level ...
    type: str = ""  # ... and this type ("" for any)
    type_word: str = ""  # that type word, bare ("kab")
    unit: tuple | None = None  # an alias: the (level, code) it stands for
    postal: str = ""
    prefix: bool = False  # its last word is cut short


class Space:
    """Units by how their name is compared with a run of query words: the
    name's words joined without spaces ("PASAR MINGGU" -> "pasarminggu", so
    that a name written as one word reads the same), maybe respelled."""

    def __init__(self, gazetteer, spell=None):
        self.spell = spell
        self.key = {}
        self.by_key = defaultdict(list)
        self.by_head = defaultdict(list)  # first 3 letters -> units (prefixes)
        for unit_key, words in gazetteer.words.items():
            key = self.run_key(words)
            self.key[unit_key] = key
            self.by_key[key].append(unit_key)
            self.by_head[key[:3]].append(unit_key)

    def run_key(self, words):
        if self.spell:
            words = (self.spell(word) for word in words)
        return "".join(words)


class Gazetteer:
    """The data as the query generator needs it: each unit's chain (itself,
    then its ancestors), name words, the set of all name words, and units by
    name (in Spaces)."""

    def __init__(self, index):
        self.index = index
        self.units, self.chain, self.words = {}, {}, {}
        self.clean = defaultdict(list)  # level -> keys with a clean name
        for level in LEVEL_KEYS:
            for code in index.active_codes[level]:
                unit = index.units[level][code]
                key = (level, code)
                self.units[key] = unit
                parent = LEVELS[level].parent
                self.chain[key] = (key,) + (
                    self.chain[(parent, unit.parent_code)] if parent else ()
                )
                self.words[key] = words_of(unit.name)
                if CLEAN_NAME.fullmatch(unit.name):
                    self.clean[level].append(key)
        self.tokens = {word for words in self.words.values() for word in words}
        self.modern = Space(self)
        self._old = None
        self._postal = {}

    @property
    def old(self):
        """Names in their old spelling (built when first needed)."""
        if self._old is None:
            self._old = Space(self, old_spelling)
        return self._old

    def name(self, key):
        return self.units[key].name

    def is_clean(self, key):
        return bool(CLEAN_NAME.fullmatch(self.name(key)))

    def member(self, key, level):
        """The unit of ``level`` in the chain of ``key``."""
        return next(member for member in self.chain[key] if member[0] == level)

    def descendants(self, key, level):
        """Keys of the active units of ``level`` under ``key``."""
        keys = [key]
        while keys and keys[0][0] != level:
            child = LEVELS[keys[0][0]].child
            keys = [
                (child, code)
                for parent in keys
                for code in self.index.children[child].get(parent[1], ())
            ]
        return keys

    def postal_units(self, postal_code):
        """Keys of the villages with ``postal_code`` and of their ancestors."""
        if postal_code not in self._postal:
            self._postal[postal_code] = {
                member
                for code in self.index.by_postal_code.get(postal_code, ())
                for member in self.chain[(POSTAL_LEVEL.key, code)]
            }
        return self._postal[postal_code]


def query_items(parts, type_as_word=False):
    """The parts as the ambiguity check reads them: ("word", word, is a
    prefix), ("type", level, type) before a name, ("unit", key), ("postal",
    code). ``type_as_word``: a type word read as part of the name instead
    (many a kecamatan is named "KOTA ...")."""
    items = []
    for part in parts:
        if part.unit:
            items.append(("unit", part.unit))
        elif part.postal:
            items.append(("postal", part.postal))
        else:
            if part.type_word:
                if type_as_word:
                    items.append(("word", part.type_word, False))
                else:
                    items.append(("type", part.level, part.type))
            last = len(part.words) - 1
            items += [
                ("word", word, part.prefix and i == last)
                for i, word in enumerate(part.words)
            ]
    return items


class Generator:
    """Queries of each kind, from random units of a seeded generator; see the
    kind's method for what it writes."""

    def __init__(self, gazetteer, rng):
        self.gaz = gazetteer
        self.rng = rng
        self.aliases = checked_aliases(gazetteer)
        # Kota names that a kabupaten and a kota share (BANDUNG 3204 / 3273).
        by_name = defaultdict(list)
        for key in gazetteer.clean["kota"]:
            by_name[gazetteer.name(key)].append(key)
        self.shared_kota = sorted(
            key for keys in by_name.values() if len(keys) > 1 for key in keys
        )
        self.two_words = {
            level: [key for key in keys if len(gazetteer.words[key]) == 2]
            for level, keys in gazetteer.clean.items()
        }
        self.kept = Counter()  # kind -> queries kept so far
        # Words with a meaning of their own in a query: a cut, typo'd or
        # respelled word that is one of them would test something else.
        self.reserved = set(self.aliases) | {
            word
            for level in LEVELS.values()
            for word in level.words + tuple(w for t in level.types for w in t.words)
        }
        self.fixed = {
            "typeword": [
                (Part("kota bandung", ("bandung",), "kota", "kota", "kota"), "3273"),
                (Part("kab bandung", ("bandung",), "kota", "kabupaten", "kab"), "3204"),
            ]
        }

    # --- the ambiguity check --------------------------------------------------

    def unambiguous(self, target, parts, space=None):
        """Whether no unit but ``target`` reads as ``parts``. A unit reads as
        them when the query's name words split into runs that each spell the
        name of a distinct member of its chain (itself included), a type word
        agreeing with the member after it, an alias naming a member and the
        postal code being one of its villages' (Gazetteer.postal_units). Runs
        ignore commas and the order of the names: the engine may too."""
        space = space or self.gaz.modern
        readings = [query_items(parts)]
        if any(part.type_word for part in parts):
            readings.append(query_items(parts, type_as_word=True))
        if not self.reads_as(target, readings[0], space):
            # The generator wrote a query its own answer does not fit.
            raise RuntimeError(f"{target} does not read as {parts}")
        for items in readings:
            for candidate in self.candidates(items, space):
                if candidate != target and self.reads_as(candidate, items, space):
                    return False
        return True

    def candidates(self, items, space):
        """Units whose name is a run of the query's words (or its alias)."""
        found = set()
        for start, item in enumerate(items):
            if item[0] == "unit":
                found.add(item[1])
            words = []
            for run_item in items[start:]:
                if run_item[0] != "word":
                    break
                words.append(run_item[1])
                run = space.run_key(words)
                if run_item[2]:
                    found.update(
                        key
                        for key in space.by_head.get(run[:3], ())
                        if space.key[key].startswith(run)
                    )
                else:
                    found.update(space.by_key.get(run, ()))
        return found

    def reads_as(self, key, items, space):
        """Whether unit ``key`` reads as the query's items (see
        unambiguous): a search over the ways to cut the words into runs, each
        run the name of a chain member not used yet (``used``: a bit per
        member, bit 0 the unit itself, which must be used in the end)."""
        chain = self.gaz.chain[key]
        names = [space.key[member] for member in chain]
        units = self.gaz.units

        def fits(constraint, member):
            if constraint is None:
                return True
            _kind, level, type_ = constraint
            return member[0] == level and (not type_ or units[member].type == type_)

        def read(i, used, constraint):
            if i == len(items):
                return bool(used & 1)  # the unit's own name (or alias) is there
            item = items[i]
            if item[0] == "type":
                return read(i + 1, used, item)
            if item[0] == "unit":
                if item[1] not in chain:
                    return False
                bit = 1 << chain.index(item[1])
                return not used & bit and read(i + 1, used | bit, None)
            if item[0] == "postal":
                return key in self.gaz.postal_units(item[1]) and read(i + 1, used, None)
            words = []
            for j in range(i, len(items)):
                if items[j][0] != "word":
                    break
                words.append(items[j][1])
                run = space.run_key(words)
                for m, name in enumerate(names):
                    bit = 1 << m
                    if used & bit or not fits(constraint, chain[m]):
                        continue
                    if items[j][2]:
                        spelled = name.startswith(run)
                    else:
                        spelled = name == run
                    if spelled and read(j + 1, used | bit, None):
                        return True
            return False

        return read(0, 0, None)

    # --- pieces ---------------------------------------------------------------

    def pick(self, level, keys=None):
        keys = self.gaz.clean[level] if keys is None else keys
        return self.rng.choice(keys) if keys else None

    def name_part(self, key):
        words = self.gaz.words[key]
        return Part(" ".join(words), words)

    def typed_part(self, key):
        """The unit's name after a type word of its level (its type's words
        for a kota or a kelurahan), e.g. "kab. bandung"; None when its type is
        not known (a kelurahan without a Kemendagri code)."""
        level = LEVELS[key[0]]
        unit = self.gaz.units[key]
        if level.types:
            types = [type_ for type_ in level.types if type_.value == unit.type]
            if not types:
                return None
            choices = types[0].words
        else:
            # "distrik" is Papua's word (provinces 9x) and only theirs.
            choices = [
                word
                for word in level.words
                if word != "distrik" or key[1].startswith("9")
            ]
        word = self.rng.choice(choices)
        shown = word
        if word in DOTTED and self.rng.random() < 0.4:
            shown += "." if self.rng.random() < 0.3 else ". "
        else:
            shown += " "
        words = self.gaz.words[key]
        # The type says the kota's type (kab / kota); a kelurahan's is not
        # strict: people write "desa" and "kelurahan" loosely.
        type_ = unit.type if key[0] == "kota" else ""
        return Part(shown + " ".join(words), words, key[0], type_, word)

    def chain_parts(self, target, levels, province=0.25):
        """Name parts of the target and of its ancestors of ``levels`` (and of
        its province, with that probability); None when a name is not clean."""
        keys = [self.gaz.member(target, level) for level in levels]
        if province and target[0] != "provinsi" and self.rng.random() < province:
            keys.append(self.gaz.member(target, "provinsi"))
        if not all(self.gaz.is_clean(key) for key in keys):
            return None
        return [self.name_part(key) for key in keys]

    def ordered(self, parts):
        """Smallest unit first (the usual order of an address), biggest
        first, or shuffled."""
        draw = self.rng.random()
        if draw < 0.5:
            return list(parts)
        if draw < 0.7:
            return list(reversed(parts))
        parts = list(parts)
        self.rng.shuffle(parts)
        return parts

    def joined(self, parts):
        return self.rng.choice((" ", ", ")).join(part.shown for part in parts)

    def multiword_parts(self):
        """(target, parts) of a village or kecamatan with some of its
        ancestors' names."""
        levels = self.rng.choice(
            (
                ("kelurahan", "kecamatan"),
                ("kelurahan", "kota"),
                ("kelurahan", "kecamatan", "kota"),
                ("kecamatan", "kota"),
            )
        )
        target = self.pick(levels[0])
        parts = self.chain_parts(target, levels)
        if parts is None:
            return None, None
        return target, parts

    # --- the kinds ------------------------------------------------------------

    def multiword(self):
        """A village's name with its kecamatan's and/or kota's (sometimes the
        province's), or a kecamatan's with its kota's; in the address order,
        reversed or shuffled; spaces or commas: "kertasari, neglawangi"."""
        target, parts = self.multiword_parts()
        if parts is None or not self.unambiguous(target, parts):
            return None
        return target, self.joined(self.ordered(parts))

    def typeword(self):
        """Type words before a name: "kab bandung", "kota bandung" (the type
        word the only thing that tells the two BANDUNG apart), "kec. cilandak
        jakarta selatan", "desa neglawangi kec kertasari", "garut, prov jawa
        barat"."""
        fixed = self.fixed["typeword"]
        if fixed:
            part, code = fixed.pop(0)
            if not self.unambiguous(("kota", code), [part]):
                warn(f"{part.shown!r} is ambiguous in the data")
                return None
            return ("kota", code), part.shown
        draw = self.rng.random()
        if draw < 0.3:  # a kota sharing its name: the type word decides
            target = self.pick("kota", self.shared_kota)
            parts = [self.typed_part(target)]
        elif draw < 0.4:  # a kota, maybe with its province
            target = self.pick("kota")
            parts = [self.typed_part(target)] + (
                self.chain_parts(target, (), province=0.5) or []
            )
        elif draw < 0.6:  # a kecamatan, maybe with its kota
            target = self.pick("kecamatan")
            kota = self.gaz.member(target, "kota")
            parts = [self.typed_part(target)]
            if self.rng.random() < 0.6:
                parts.append(
                    self.typed_part(kota)
                    if self.rng.random() < 0.5
                    else self.name_part(kota)
                )
        elif draw < 0.85:  # a village and its kecamatan, maybe its kota
            target = self.pick("kelurahan")
            kecamatan = self.gaz.member(target, "kecamatan")
            parts = [
                self.typed_part(target),
                self.typed_part(kecamatan)
                if self.rng.random() < 0.5
                else self.name_part(kecamatan),
            ]
            if self.rng.random() < 0.4:
                parts.append(self.typed_part(self.gaz.member(target, "kota")))
        else:  # a kota or kecamatan, and "prov <its province>"
            target = self.pick(self.rng.choice(("kota", "kecamatan")))
            parts = [
                self.typed_part(target)
                if self.rng.random() < 0.5
                else self.name_part(target),
                self.typed_part(self.gaz.member(target, "provinsi")),
            ]
        if any(part is None for part in parts) or not all(
            self.gaz.is_clean(key) for key in self.gaz.chain[target]
        ):
            return None
        if not self.unambiguous(target, parts):
            return None
        return target, self.joined(parts)

    def alias(self):
        """An alias alone ("jaksel" -> 3171), or with the name of a kecamatan
        or village inside its unit ("cilandak jaksel", "neglawangi jabar")."""
        alone = [alias for alias in self.aliases if alias not in NOT_ALONE]
        if self.kept["alias"] < len(alone) and self.rng.random() < 0.5:
            alias = self.rng.choice(alone)
            return self.aliases[alias], alias
        alias = self.rng.choice(sorted(self.aliases))
        unit = self.aliases[alias]
        level = self.rng.choice(("kecamatan", "kelurahan"))
        target = self.pick(level, self.gaz.descendants(unit, level))
        if target is None or not self.gaz.is_clean(target):
            return None
        parts = [self.name_part(target), Part(alias, unit=unit)]
        if level == "kelurahan" and self.rng.random() < 0.3:
            kecamatan = self.gaz.member(target, "kecamatan")
            if self.gaz.is_clean(kecamatan):
                parts.insert(1, self.name_part(kecamatan))
        if not self.unambiguous(target, parts):
            return None
        return target, self.joined(self.ordered(parts))

    def prefix(self):
        """The last word cut to its first 3+ letters, as while typing:
        "neglawangi kert"; sometimes a kecamatan's or kota's name alone."""
        if self.rng.random() < 0.2:
            target = self.pick(self.rng.choice(("kecamatan", "kota")))
            parts = [self.name_part(target)]
        else:
            target, parts = self.multiword_parts()
            if parts is None:
                return None
            if self.rng.random() < 0.3:
                parts = parts[::-1]
        last = parts[-1]
        word = last.words[-1]
        if len(word) < 4:
            return None
        cut = word[: self.rng.randint(3, len(word) - 1)]
        if cut in self.reserved:
            return None
        words = last.words[:-1] + (cut,)
        parts[-1] = Part(" ".join(words), words, prefix=True)
        if not self.unambiguous(target, parts):
            return None
        return target, self.joined(parts)

    def typo(self):
        """One typo in one word of 5+ letters of a multiword query; the kinds
        of typo take turns. Not in the first letter: people rarely get that
        one wrong. The typo'd word is no name's word, and the only name word
        one edit away from it is the original."""
        target, parts = self.multiword_parts()
        if parts is None or not self.unambiguous(target, parts):
            return None
        places = [
            (p, w)
            for p, part in enumerate(parts)
            for w, word in enumerate(part.words)
            if len(word) >= 5
        ]
        if not places:
            return None
        p, w = self.rng.choice(places)
        word = parts[p].words[w]
        operation = TYPO_OPERATIONS[self.kept["typo"] % len(TYPO_OPERATIONS)]
        typo = self.misspelled(word, operation)
        if typo is None or typo in self.gaz.tokens or typo in self.reserved:
            return None
        if edits1(typo) & self.gaz.tokens != {word}:
            return None
        shown = list(parts[p].words)
        shown[w] = typo
        parts[p] = parts[p]._replace(shown=" ".join(shown))
        return target, self.joined(self.ordered(parts))

    def misspelled(self, word, operation):
        rng = self.rng
        if operation == "insertion":
            i = rng.randint(1, len(word))
            return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
        if operation == "deletion":
            i = rng.randint(1, len(word) - 1)
            return word[:i] + word[i + 1 :]
        if operation == "substitution":
            i = rng.randint(1, len(word) - 1)
            letter = rng.choice(string.ascii_lowercase.replace(word[i], ""))
            return word[:i] + letter + word[i + 1 :]
        i = rng.randint(1, len(word) - 2)
        if word[i] == word[i + 1]:
            return None
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]

    def with_parents(self, target, first, space=None):
        """``first`` (the target written some way) alone if that is
        unambiguous, else with its parent's name, else with its grandparent's
        too; None if still ambiguous."""
        parts = [first]
        for parent in self.gaz.chain[target][1:3]:
            if self.unambiguous(target, parts, space):
                return parts
            if not self.gaz.is_clean(parent):
                return None
            parts.append(self.name_part(parent))
        return parts if self.unambiguous(target, parts, space) else None

    def runtogether(self):
        """A two-word name written as one word ("pasarminggu"), with its
        parent's name when needed to be unambiguous."""
        level = self.rng.choice(("kota", "kecamatan", "kecamatan", "kelurahan"))
        target = self.pick(level, self.two_words[level])
        if target is None:
            return None
        word = "".join(self.gaz.words[target])
        # A name's word already ("GUNUNGGURUH" next to "GUNUNG GURUH"): that
        # would not test the split.
        if word in self.gaz.tokens:
            return None
        parts = self.with_parents(target, Part(word, (word,)))
        if parts is None:
            return None
        return target, self.rng.choice((" ", ", ")).join(p.shown for p in parts)

    def oldspelling(self):
        """A name in the old spelling (u -> oe, j -> dj, c -> tj, ny -> nj,
        sy -> sj, kh -> ch, y -> j: "tjilandak", "soerabaja"), its parents'
        (when needed) in old or new spelling. The respelled words are no
        name's words."""
        target = self.pick(self.rng.choice(("kota", "kecamatan", "kelurahan")))
        words = self.gaz.words[target]
        old = tuple(old_spelling(word) for word in words)
        respelled = {new for new, word in zip(old, words, strict=True) if new != word}
        if not respelled or respelled & self.gaz.tokens or respelled & self.reserved:
            return None
        parts = self.with_parents(target, Part(" ".join(old), words), self.gaz.old)
        if parts is None:
            return None
        shown = [parts[0].shown] + [
            " ".join(old_spelling(word) for word in part.words)
            if self.rng.random() < 0.5
            else part.shown
            for part in parts[1:]
        ]
        return target, self.rng.choice((" ", ", ")).join(shown)

    def noise(self):
        """A multiword query with mixed case, punctuation between the names
        (commas, dots, hyphens, parentheses) and extra spaces."""
        target, parts = self.multiword_parts()
        if parts is None or not self.unambiguous(target, parts):
            return None
        rng = self.rng
        texts = [part.shown for part in self.ordered(parts)]
        style = rng.choice(("upper", "title", "mixed", "words"))
        if style == "upper":
            texts = [text.upper() for text in texts]
        elif style == "title":
            texts = [text.title() for text in texts]
        elif style == "mixed":
            texts = [
                "".join(c.upper() if rng.random() < 0.3 else c for c in text)
                for text in texts
            ]
        else:
            texts = [
                " ".join(w.upper() if rng.random() < 0.5 else w for w in t.split())
                for t in texts
            ]
        if rng.random() < 0.4:
            texts = [text.replace(" ", "  ") for text in texts]
        if len(texts) > 1 and rng.random() < 0.4:
            i = rng.randrange(1, len(texts))
            texts[i] = f"({texts[i]})"
        text = texts[0]
        for piece in texts[1:]:
            text += rng.choice(NOISY_SEPARATORS) + piece
        if rng.random() < 0.5:
            text = " " * rng.randint(1, 3) + text
        if rng.random() < 0.5:
            text += rng.choice((" ", "  ", ".", ",", " ."))
        return target, text

    def postal(self):
        """A village's name and one of its postal codes, or a postal code and
        the name of a kecamatan, in either order. A postal code narrows the
        answer to villages: the expected hit is always a village, so the
        kecamatan form is kept only when one village of the kecamatan, and of
        every kecamatan of that name, carries the code."""
        if self.rng.random() < 0.6:
            village = self.pick("kelurahan")
            if village is None or not self.gaz.units[village].postal_code:
                return None
            codes = self.gaz.units[village].postal_code.split(",")
            postal_code = self.rng.choice(codes)
            parts = [self.name_part(village), Part(postal_code, postal=postal_code)]
            if not self.unambiguous(village, parts):
                return None
            return village, self.joined(self.ordered(parts))
        kecamatan = self.pick("kecamatan")
        village = self.pick("kelurahan", self.gaz.descendants(kecamatan, "kelurahan"))
        if village is None or not self.gaz.units[village].postal_code:
            return None
        postal_code = self.rng.choice(self.gaz.units[village].postal_code.split(","))
        name = self.gaz.name(kecamatan)
        carriers = [
            key
            for same_name in self.gaz.clean["kecamatan"]
            if self.gaz.name(same_name) == name
            for key in self.gaz.descendants(same_name, "kelurahan")
            if postal_code in self.gaz.units[key].postal_code.split(",")
        ]
        if carriers != [village]:
            return None
        parts = [self.name_part(kecamatan), Part(postal_code, postal=postal_code)]
        return village, self.joined(self.ordered(parts))

    def code(self):
        """A BPS code ("3204050"), or a dotted Kemendagri code ("32.04.31"),
        of a unit of any level, as the whole query. A Kemendagri code that
        names several BPS units is skipped, and so are the province BPS codes
        that are another province's Kemendagri number (the Papua provinces)."""
        level = self.rng.choice(LEVEL_KEYS + ("kota", "kecamatan", "kelurahan"))
        code = self.rng.choice(self.gaz.index.active_codes[level])
        unit = self.gaz.units[(level, code)]
        if LEVELS[level].kemendagri_parts and self.rng.random() < 0.5:
            kemendagri = self.rng.choice(unit.kemendagri_code.split(","))
            if self.gaz.index.by_kemendagri[level].get(kemendagri) != [code]:
                return None
            return (level, code), kemendagri
        if level == "provinsi":
            numbers = self.gaz.index.by_kemendagri["provinsi"]
            if numbers.get(code, [code]) != [code]:
                return None
        return (level, code), code


def edits1(word):
    """Every string one edit (insertion, deletion, substitution, adjacent
    transposition) away from ``word``."""
    letters = string.ascii_lowercase + string.digits
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def checked_aliases(gazetteer):
    """ALIASES whose unit exists with the expected name; a warning for the
    others (dropped), and for an alias that is also a word of some name."""
    aliases = {}
    for alias, (level, code, name) in ALIASES.items():
        unit = gazetteer.units.get((level, code))
        if unit is None or unit.name != name:
            found = unit.name if unit else "no such unit"
            warn(f"alias {alias!r}: {level} {code} is {found!r}, not {name!r}")
            continue
        if alias in gazetteer.tokens:
            warn(f"alias {alias!r} is also a word of a unit's name")
        aliases[alias] = (level, code)
    return aliases


def generate(index, seed, per_kind):
    """``per_kind`` queries of each kind, unambiguous and all different."""
    gazetteer = Gazetteer(index)
    generator = Generator(gazetteer, random.Random(seed))
    queries, seen = [], set()
    for kind in KINDS:
        method = getattr(generator, kind)
        attempts = 0
        while generator.kept[kind] < per_kind and attempts < per_kind * 200:
            attempts += 1
            made = method()
            if made is None:
                continue
            (level, code), text = made
            normal = " ".join(text.casefold().split())
            if normal in seen:
                continue
            seen.add(normal)
            generator.kept[kind] += 1
            queries.append(Query(kind, text, level, code))
        if generator.kept[kind] < per_kind:
            warn(f"{kind}: only {generator.kept[kind]} queries in {attempts} tries")
    return queries


def write_queries(path, queries, index, seed):
    payload = {
        "seed": seed,
        "queries": [
            {**query._asdict(), "name": index.units[query.level][query.code].name}
            for query in queries
        ],
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, indent=1)
        out.write("\n")


def read_queries(path, index):
    """Queries of a file written by --json (or a bare list of its items);
    those whose unit is not in the data are dropped, with a warning."""
    with open(path, encoding="utf-8") as source:
        payload = json.load(source)
    items = payload["queries"] if isinstance(payload, dict) else payload
    queries = []
    for item in items:
        text = item["text"] if "text" in item else item["q"]
        query = Query(item.get("kind", "?"), text, item["level"], item["code"])
        if query.code not in index.units.get(query.level, {}):
            warn(f"query {query.text!r}: no {query.level} {query.code} in the data")
            continue
        queries.append(query)
    return queries


# --- the methods -------------------------------------------------------------


class EngineMethod:
    """The engine; an exception in a search counts as a miss, and is
    reported."""

    def __init__(self, engine):
        self.engine = engine
        self.errors = 0
        self.first_error = None

    def __call__(self, text, limit):
        try:
            hits = self.engine.search(text, limit=limit)
            return [(hit.level, hit.code) for hit in hits]
        except Exception:
            self.errors += 1
            if self.first_error is None:
                self.first_error = f"{text!r}: {traceback.format_exc()}"
            return []


def substring_method(index):
    """/api/search: the whole query, trimmed, as a literal substring of a
    unit's name (case-insensitive); levels top-down, each by code."""

    def search(text, limit):
        needle = text.strip()
        hits = []
        for level in LEVEL_KEYS:
            hits += [(level, code) for code in index.name_matches(level, needle)]
            if len(hits) >= limit:
                break
        return hits[:limit]

    return search


def all_words_method(index):
    """sooluh/kodepos: the query split at whitespace; a unit matches when each
    word is a substring of its name and its ancestors' names (casefolded);
    shortest text first. (Its own text also holds a village's postal code and
    it indexes villages only: this is the brief's version, all levels.)

    The texts are sorted by rank once and joined into one string: a search
    finds its longest word there (str.find) and checks the others on each
    hit, in rank order, until ``limit`` units match."""
    ranked = []
    for rank, level in enumerate(LEVEL_KEYS):
        for code in index.active_codes[level]:
            unit = index.units[level][code]
            names = [unit.name]
            names += [
                index.units[ancestor][ancestor_code].name
                for ancestor, ancestor_code in index.ancestor_codes(level, unit).items()
            ]
            text = " ".join(names).casefold()
            ranked.append((len(text), rank, code, text))
    ranked.sort()
    keys = [(LEVEL_KEYS[rank], code) for _size, rank, code, _text in ranked]
    texts = [text for *_key, text in ranked]
    offsets, position = [], 0
    for text in texts:
        offsets.append(position)
        position += len(text) + 1
    blob = "\n".join(texts)

    def search(text, limit):
        words = text.casefold().split()
        if not words:
            return []
        anchor = max(words, key=len)
        hits = []
        position = blob.find(anchor)
        while position != -1 and len(hits) < limit:
            i = bisect_right(offsets, position) - 1
            if all(word in texts[i] for word in words):
                hits.append(keys[i])
            if i + 1 == len(offsets):
                break
            position = blob.find(anchor, offsets[i + 1])
        return hits

    return search


def ranks(method, queries):
    """The 1-based rank of each query's unit in the method's hits, or None."""
    result = []
    for query in queries:
        hits = method(query.text, RECALL_LIMIT)
        expected = (query.level, query.code)
        result.append(hits.index(expected) + 1 if expected in hits else None)
    return result


def recall(rank_list, k):
    if not rank_list:
        return 0.0
    return sum(1 for rank in rank_list if rank is not None and rank <= k) / len(
        rank_list
    )


# --- the engine in-process ------------------------------------------------------


def build_engine(index):
    """The engine, its build time (s), and the memory its structures keep
    (bytes) after construction and after a first search (a structure built
    lazily counts), and the peak while building: a second build under
    tracemalloc (which slows it down, hence the separate timing)."""
    started = time.perf_counter()
    engine = AddressSearch(index)
    build_s = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        measured = AddressSearch(index)
        built = tracemalloc.get_traced_memory()[0] - before
        measured.search("bandung", limit=LATENCY_LIMIT)
        gc.collect()
        warm = tracemalloc.get_traced_memory()[0] - before
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    del measured
    return engine, build_s, built, warm, peak


def latencies(engine, queries):
    """(seconds, query) of each of LATENCY_CALLS searches (the queries,
    cycled), fastest first."""
    times = []
    for i in range(LATENCY_CALLS):
        text = queries[i % len(queries)].text
        started = time.perf_counter()
        try:
            engine.search(text, limit=LATENCY_LIMIT)
        except Exception:
            pass  # counted with the recall
        times.append((time.perf_counter() - started, text))
    return sorted(times)


def percentile(sorted_values, fraction):
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


# --- the report --------------------------------------------------------------------


def warn(message):
    print(f"warning: {message}", file=sys.stderr)


def met(value, ok):
    return f"{value} ({'met' if ok else 'MISSED'})"


def pct(value):
    return f"{100 * value:.1f}%"


def recall_table(queries, results):
    """The Markdown table: one row per kind, then "all"; for each method its
    recall@1 and @5. ``results``: method name -> ranks."""
    kinds = [kind for kind in KINDS if any(q.kind == kind for q in queries)]
    kinds += sorted({q.kind for q in queries} - set(kinds))
    header = "| kind | n |"
    rule = "|---|---:|"
    for name in results:
        header += f" {name} r@1 | {name} r@5 |"
        rule += "---:|---:|"
    lines = [header, rule]
    for kind in [*kinds, "all"]:
        chosen = [i for i, q in enumerate(queries) if kind in ("all", q.kind)]
        row = f"| {kind} | {len(chosen)} |"
        for rank_list in results.values():
            picked = [rank_list[i] for i in chosen]
            row += f" {pct(recall(picked, 1))} | {pct(recall(picked, 5))} |"
        lines.append(row)
    return "\n".join(lines), kinds


def targets_line(queries, engine_ranks, kinds):
    r1, r5 = recall(engine_ranks, 1), recall(engine_ranks, 5)
    low = []
    for kind in kinds:
        pairs = zip(engine_ranks, queries, strict=True)
        picked = [rank for rank, query in pairs if query.kind == kind]
        if recall(picked, 5) < KIND_RECALL5_MIN:
            low.append(f"{kind} {pct(recall(picked, 5))}")
    kinds_text = "none" if not low else ", ".join(low)
    return (
        f"targets: engine recall@1 >= {pct(RECALL1_TARGET)}: "
        f"{met(pct(r1), r1 >= RECALL1_TARGET)}; "
        f"recall@5 >= {pct(RECALL5_TARGET)}: {met(pct(r5), r5 >= RECALL5_TARGET)}; "
        f"no kind under {pct(KIND_RECALL5_MIN)} at 5: "
        f"{met(f'under: {kinds_text}', not low)}"
    )


def describe(index, level, code):
    unit = index.units[level].get(code)
    if unit is None:
        return f"{level} {code} (unknown)"
    names = [unit.name] + [
        index.units[ancestor][ancestor_code].name
        for ancestor, ancestor_code in index.ancestor_codes(level, unit).items()
        if ancestor_code in index.units[ancestor]
    ]
    return f"{level} {code} {' / '.join(names)}"


def show_misses(index, engine, queries, engine_ranks, count):
    print(f"\n## Misses of the engine (up to {count} per kind, with its top 3)")
    for kind in KINDS:
        missed = [
            query
            for query, rank in zip(queries, engine_ranks, strict=True)
            if query.kind == kind and rank != 1
        ][:count]
        if not missed:
            continue
        print(f"\n### {kind}")
        for query in missed:
            print(f"- {query.text!r} -> {describe(index, query.level, query.code)}")
            try:
                hits = engine.search(query.text, limit=3)
            except Exception as error:  # reported, not raised
                print(f"  - error: {error!r}")
                continue
            for hit in hits[:3]:
                score = (
                    f"{hit.score:.3f}" if isinstance(hit.score, float) else hit.score
                )
                print(f"  - {score} {describe(index, hit.level, hit.code)}")
            if not hits:
                print("  - (no hits)")


def print_engine(build_s, memory, times):
    """Build time, memory (bytes kept after construction and after a first
    search, peak while building), latency (sorted (seconds, query))."""
    mib = 1024 * 1024
    built, warm, peak = (size / mib for size in memory)
    seconds = [elapsed for elapsed, _text in times]
    p50, p99 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.99) * 1000
    print("\n## The engine in-process\n")
    print(
        f"build: {build_s:.2f} s; memory kept: {built:.1f} MiB after "
        f"construction, {warm:.1f} MiB after a first search "
        f"(peak while building {peak:.1f} MiB; tracemalloc)"
    )
    print(
        f"latency over {LATENCY_CALLS:,} searches (limit {LATENCY_LIMIT}): "
        f"p50 {met(f'{p50:.3f} ms', p50 <= P50_TARGET_MS)} "
        f"[target <= {P50_TARGET_MS:g} ms], "
        f"p99 {met(f'{p99:.3f} ms', p99 <= P99_TARGET_MS)} "
        f"[target <= {P99_TARGET_MS:g} ms], max {seconds[-1] * 1000:.3f} ms"
    )
    # The slowest queries, to show where the time goes.
    slowest = {}
    for elapsed, text in reversed(times):
        slowest.setdefault(text, elapsed)
        if len(slowest) == 5:
            break
    print(
        "slowest: "
        + "; ".join(
            f"{text!r} {elapsed * 1000:.1f} ms" for text, elapsed in slowest.items()
        )
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help="of the queries")
    parser.add_argument(
        "--per-kind", type=int, default=PER_KIND, help="queries of each kind"
    )
    parser.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="print up to N queries per kind the engine does not answer first",
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write the queries and their answers there"
    )
    parser.add_argument(
        "--queries", metavar="PATH", help="run the queries of this file (from --json)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    index = load_index()
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    if args.queries:
        queries = read_queries(args.queries, index)
        origin = f"from {args.queries}"
    else:
        queries = generate(index, args.seed, args.per_kind)
        origin = f"generated, seed {args.seed}"
    if not queries:
        sys.exit("no queries")
    generate_s = time.perf_counter() - started
    if args.json:
        write_queries(args.json, queries, index, args.seed)

    engine, build_s, built, warm, peak = build_engine(index)
    method = EngineMethod(engine)
    started = time.perf_counter()
    results = {"engine": ranks(method, queries)}
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    results["substring"] = ranks(substring_method(index), queries)
    results["all-words"] = ranks(all_words_method(index), queries)
    baselines_s = time.perf_counter() - started
    times = latencies(engine, queries)

    counts = ", ".join(f"{len(index.units[level])} {level}" for level in LEVEL_KEYS)
    print(f"# Address search quality: {len(queries)} queries ({origin})\n")
    print(
        f"data: {counts} (index read in {load_s:.1f} s); queries ready in "
        f"{generate_s:.1f} s; engine {engine_s:.1f} s, baselines {baselines_s:.1f} s\n"
    )
    table, kinds = recall_table(queries, results)
    print(table)
    print()
    print(targets_line(queries, results["engine"], kinds))
    if method.errors:
        print(
            f"\nengine errors: {method.errors} searches raised (counted as misses); "
            f"the first: {method.first_error}"
        )

    print_engine(build_s, (built, warm, peak), times)
    if args.show_misses:
        show_misses(index, engine, queries, results["engine"], args.show_misses)


if __name__ == "__main__":
    main()
