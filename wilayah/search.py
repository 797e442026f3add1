"""Address search: what people type into an address box, ranked.

``/api/alamat`` and the Many2one search of the four models answer from this
engine. It reads the words of a query, in any order, as names of a unit and
of its parents (``neglawangi kertasari``), type words as hints that also rank
(``kab``, ``kec.``, ``desa``: ``levels.py``), short names (``jabar``,
``jaksel``: ``aliases.py``), the last word as a prefix still being typed, one
typo in a word of five letters or more, words run together (``pasarminggu``),
old spellings (``tjilandak``), postal codes among the words, and a BPS or
Kemendagri code as the whole query.

A hit is a unit whose own name matches a word. Its score counts the query
words its own name and its parents' names account for, each word of a name
taken by one query word at most: an exact word 1, a word run together 0.95, a
prefix 0.8, a typo 0.7; a type word 1 on the unit itself, 0.9 on a parent the
words name (0.3 for the level's other type). Then, by a tenth or less: the
share of its own name the query names (BANDUNG before BANDUNG BARAT), the
words its own name takes (KUWUS BARAT before KUWUS for "kuwus barat, manggarai
barat"), those words in its name's order (ULU RAWAS before RAWAS ULU), parents
named in part (PUNCAK in PAPUA TENGAH before PAPUA in PUNCAK JAYA for "puncak,
papua tengah"). Among equals (a type word has already put
the level it names first) the bigger place comes first, the one with more
units inside it (KAB. SIDOARJO, then its kecamatan SIDOARJO, then a village
SIDOARJO in Lampung), then the code.

The engine is built once per index (``RegionIndex.address_search``): folded
name words, one posting list per word, the parent of each unit. The work per
query is bounded: MAX_WORDS words of MAX_WORD_LENGTH letters at most,
MAX_CANDIDATES units, and only the units whose bound can still enter the top
are scored.
"""

import heapq
import re
import unicodedata
from array import array
from bisect import bisect_left, insort
from typing import NamedTuple

from .aliases import ALIASES
from .levels import LEVEL_KEYS, LEVELS, POSTAL_LEVEL, is_postal_code

MAX_WORDS = 12
MAX_WORD_LENGTH = 40  # the longest name word, two run together, has 26
MAX_CANDIDATES = 20_000
# A prefix shorter than this is too open to name candidates by itself.
MIN_PREFIX_LENGTH = 3
MAX_PREFIX_WORDS = 3_000
MIN_TYPO_LENGTH = 5

EXACT, ALIAS, JOINED, PREFIX, TYPO = 1.0, 1.0, 0.95, 0.8, 0.7
OTHER_TYPE = 0.3  # a type word of the unit's level, another type
UNKNOWN_TYPE = 0.5  # ... a unit whose type is not known
PARENT_HINT = 0.9  # a type word of a parent rather than of the hit
COMPLETENESS = 0.1
IN_ORDER = 0.005
OWN_WORD = 0.01
PARTIAL_PARENT = 0.05
TYPE_WORD_AS_NAME = 0.98

WORD_RE = re.compile(r"[a-z0-9]+")
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
# Spellings before the 1972 reform, as a query may use them; names are in the
# current spelling. Each is also a current spelling (TANJUNG, OENAM), so a
# query word is looked up as written and as respelled.
OLD_SPELLINGS = (
    ("oe", "u"),
    ("tj", "c"),
    ("nj", "ny"),
    ("sj", "sy"),
    ("ch", "kh"),
)


class Hit(NamedTuple):
    level: str
    code: str
    score: float


def fold(text):
    """Lower case, without accents: ``"Tjilandák"`` -> ``"tjilandak"``."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def spellings(word):
    """A query word as written, then in the current spelling if it may be an
    old one: ``tjilandak`` -> cilandak; ``soerabaja`` -> surabaya (the old j
    is a y, the old dj a j), and surabaja (a j kept as it is)."""
    current = word
    for old, new in OLD_SPELLINGS:
        if old in current:
            current = current.replace(old, new)
    result = [word, current.replace("j", "y").replace("dy", "j"), current]
    if "dj" in current:
        result.append(current.replace("dj", "j"))
    return list(dict.fromkeys(result))


def words_of(text):
    """The search words of a text: ``"Kab. Bandung"`` -> kab, bandung."""
    return WORD_RE.findall(fold(text))


def query_words(text):
    """The words of a query the engine reads: each at most twice (as in a
    name: MUKO MUKO), cut to MAX_WORD_LENGTH letters (no name word is longer,
    so a cache key stays small), the last MAX_WORDS of them (an address line
    ends with its region: "Jl. Taman Kopo Indah 2 Blok A No 1, Rahayu...")."""
    words, seen = [], {}
    for word in WORD_RE.findall(fold(text)):
        word = word[:MAX_WORD_LENGTH]
        seen[word] = seen.get(word, 0) + 1
        if seen[word] <= 2:
            words.append(word)
    return words[-MAX_WORDS:]


def normalize_query(text):
    """The query as the engine reads it, for cache keys: its words joined by
    one space, or the code when the query is one."""
    text = (text or "").strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)*", text):
        return text
    return " ".join(query_words(text))


def typo_variants(word):
    """Words one edit (insertion, deletion, substitution, transposition) away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for letter in LETTERS:
                if letter != right[0]:
                    yield left + letter + right[1:]
        for letter in LETTERS:
            yield left + letter + right


class _Term(NamedTuple):
    """What one query word (or two run together) may match."""

    positions: tuple  # the query words it accounts for
    bits: int  # the same, as bits of a mask
    text: str  # the word (or the two run together) as the engine reads it
    words: dict  # name word -> quality
    units: dict  # unit id -> quality (short names)
    hint: tuple | None  # (level depth, type or None): a type word
    short: bool = False  # its prefixes name no candidates


class AddressSearch:
    """The search structures of one RegionIndex."""

    def __init__(self, index):
        self.index = index
        self.codes = []  # unit id -> BPS code
        self.depth = array("b")  # unit id -> level depth (0: provinsi)
        self.parent = array("i")  # unit id -> parent's id, -1 for none
        self.types = []  # unit id -> type ("" for none)
        self.words = []  # unit id -> its name's words
        self.word_counts = array("b")  # unit id -> how many distinct words
        self.ids = {}  # level key -> {code: unit id}
        postings = {}
        interned = {}
        for depth, level_key in enumerate(LEVEL_KEYS):
            level = LEVELS[level_key]
            ids = self.ids[level_key] = {}
            parent_ids = self.ids.get(level.parent, {})
            for code in index.active_codes[level_key]:
                unit = index.units[level_key][code]
                unit_id = len(self.codes)
                ids[code] = unit_id
                self.codes.append(code)
                self.depth.append(depth)
                self.parent.append(parent_ids.get(unit.parent_code, -1))
                self.types.append(unit.type)
                words = tuple(
                    interned.setdefault(word, word) for word in words_of(unit.name)
                )
                self.words.append(words)
                self.word_counts.append(len(set(words)))
                for key in set(words):
                    postings.setdefault(interned.setdefault(key, key), []).append(
                        unit_id
                    )
                # Two words of a name run together (PASAR MINGGU, pasarminggu),
                # posted as ~unit id: such a match may name two of its words.
                pairs = {a + b for a, b in zip(words, words[1:], strict=False)}
                for key in pairs - set(words):
                    postings.setdefault(interned.setdefault(key, key), []).append(
                        ~unit_id
                    )
        self.postings = {key: array("i", ids) for key, ids in postings.items()}
        # How many units each one holds: among equal hits the bigger place
        # comes first (KOTA SURABAYA before a village SURABAYA far away).
        self.size = array("i", bytes(4 * len(self.codes)))
        for unit_id in range(len(self.codes) - 1, -1, -1):  # children first
            if self.parent[unit_id] >= 0:
                self.size[self.parent[unit_id]] += self.size[unit_id] + 1
        self.vocabulary = sorted(self.postings)
        self.aliases = {}  # short name -> unit ids
        for alias, codes in ALIASES.items():
            for code in (codes,) if isinstance(codes, str) else codes:
                level_key = next(
                    key for key in LEVEL_KEYS if LEVELS[key].code_length == len(code)
                )
                unit_id = self.ids[level_key].get(code)
                if unit_id is not None:
                    self.aliases.setdefault(alias, []).append(unit_id)
        self.hints = {}  # type word -> (level depth, type or None)
        for depth, level_key in enumerate(LEVEL_KEYS):
            level = LEVELS[level_key]
            for word in level.words:
                self.hints[word] = (depth, None)
            for unit_type in level.types:
                for word in unit_type.words:
                    self.hints[word] = (depth, unit_type.value)

    # --- queries ------------------------------------------------------------

    def search(self, query, limit=10, levels=None, within=None):
        """The best ``limit`` hits of ``query``: a list of Hit, best first.

        ``levels``: keys of the levels to answer (None: all); ``within``:
        (level key, BPS codes) of units, only units inside one of them.
        """
        query = (query or "").strip()
        wanted = self._level_filter(levels)
        within_ids = None
        if within:
            ids = self.ids[within[0]]
            within_ids = {ids[code] for code in within[1] if code in ids}
            if not within_ids:
                return []
        code_hits = self._code_hits(query)
        if code_hits is not None:
            hits = [
                Hit(LEVEL_KEYS[self.depth[unit_id]], self.codes[unit_id], 1.0)
                for unit_id in code_hits
                if self._admits(unit_id, wanted, within_ids)
            ]
            return hits[:limit]
        words = query_words(query)
        postal_codes = [word for word in words if is_postal_code(word)]
        words = [word for word in words if not is_postal_code(word)]
        terms = self._terms(words)
        masks, qualities, paired = self._word_masks(terms)
        if postal_codes:
            candidates = self._postal_candidates(postal_codes)
        else:
            candidates = masks
        ranking = _Ranking(
            self, terms, (masks, qualities, paired), len(words), own=not postal_codes
        )
        admits = None
        if wanted is not None or within_ids is not None:

            def admits(unit_id):
                return self._admits(unit_id, wanted, within_ids)

        return ranking.top(candidates, admits, limit)

    def _level_filter(self, levels):
        if not levels:
            return None
        return {LEVEL_KEYS.index(level_key) for level_key in levels}

    def _admits(self, unit_id, wanted, within_ids):
        if wanted is not None and self.depth[unit_id] not in wanted:
            return False
        if within_ids is None:
            return True
        ancestor = self.parent[unit_id]
        while ancestor >= 0:
            if ancestor in within_ids:
                return True
            ancestor = self.parent[ancestor]
        return False

    def _code_hits(self, query):
        """Unit ids of a query that is a BPS or dotted Kemendagri code (None
        when it is not one)."""
        for level_key in LEVEL_KEYS:
            level = LEVELS[level_key]
            if level.is_code(query) or level.is_kemendagri_code(query):
                codes = self.index.resolve(level_key, query)
                ids = self.ids[level_key]
                return [ids[code] for code in codes if code in ids]
        return None

    def _postal_candidates(self, postal_codes):
        ids = self.ids[POSTAL_LEVEL.key]
        candidates = set()
        for postal_code in postal_codes:
            candidates.update(
                ids[code]
                for code in self.index.by_postal_code.get(postal_code, ())
                if code in ids
            )
        return candidates

    def _terms(self, words):
        terms = []
        last = len(words) - 1
        for position, word in enumerate(words):
            matches = {}
            forms = spellings(word)
            for form in forms:
                if form in self.postings:
                    matches.setdefault(form, EXACT)
            # A typo only in a word that names nothing as written (a word that
            # does is rarely a slip, and its variants would cost most of the
            # query's time).
            if word not in self.postings and len(word) >= MIN_TYPO_LENGTH:
                # as written, and in the current spelling
                for form in forms[:2]:
                    for variant in typo_variants(form):
                        if variant in self.postings and variant not in matches:
                            matches[variant] = TYPO
            # The last word may be cut: a prefix of two letters is too open
            # to name candidates, but ranks those the other words find
            # ("kec cikarang ut": CIKARANG UTARA).
            short = len(word) < MIN_PREFIX_LENGTH
            if position == last and (not short or (last and len(word) == 2)):
                for form in forms:
                    start = bisect_left(self.vocabulary, form)
                    for name_word in self.vocabulary[start : start + MAX_PREFIX_WORDS]:
                        if not name_word.startswith(form):
                            break
                        if matches.get(name_word, 0) < PREFIX:
                            matches[name_word] = PREFIX
            units = {
                unit_id: ALIAS
                for form in forms
                for unit_id in self.aliases.get(form, ())
            }
            hint = self.hints.get(word)
            terms.append(
                _Term((position,), 1 << position, word, matches, units, hint, short)
            )
        # Two query words that are one name word: "kota baru", KOTABARU.
        for position in range(len(words) - 1):
            joined = words[position] + words[position + 1]
            if joined in self.postings:
                terms.append(
                    _Term(
                        (position, position + 1),
                        3 << position,
                        joined,
                        # a name typed with a space it does not have
                        # ("palangka raya"): as exact as without it
                        {joined: EXACT},
                        {},
                        None,
                    )
                )
        return terms

    def _word_masks(self, terms):
        """For the units whose own name some term matches (at most
        MAX_CANDIDATES, exact words first): {unit id: bits of the query words
        it matches} and {unit id: the sum of each term's best quality on it,
        by query word}."""
        masks, qualities, paired = {}, {}, {}
        for term in terms:
            for unit_id in term.units:
                masks[unit_id] = masks.get(unit_id, 0) | term.bits
                qualities[unit_id] = qualities.get(unit_id, 0.0) + ALIAS
                paired[unit_id] = MAX_WORDS  # a short name names all its words
        for quality in (EXACT, JOINED, PREFIX, TYPO):
            for term in terms:
                bits = term.bits
                value = quality * len(term.positions)
                if quality == PREFIX and term.short:
                    continue
                for word, word_quality in term.words.items():
                    if word_quality != quality:
                        continue
                    for unit_id in self.postings[word]:
                        if unit_id < 0:
                            unit_id = ~unit_id
                            paired.setdefault(unit_id, 2)
                        mask = masks.get(unit_id, 0)
                        if not mask & bits:
                            # the first match of a term is its best (the
                            # loop goes by quality)
                            masks[unit_id] = mask | bits
                            qualities[unit_id] = qualities.get(unit_id, 0.0) + value
                    if len(masks) >= MAX_CANDIDATES:
                        return masks, qualities, paired
        return masks, qualities, paired


class _Ranking:
    """The scores of one query's candidates (see the module docstring)."""

    def __init__(self, engine, terms, matches, word_count, own):
        self.engine = engine
        self.terms = terms
        # unit id -> bits of the words its own name matches; -> the best it
        # can give them; -> how many of its words one term may match
        self.masks, self.qualities, self.paired = matches
        self.word_count = word_count
        self.own = own  # a hit's own name must match a word
        self.by_word, self.by_unit = self._word_lookup(terms)
        self.single_terms = [
            i for i, term in enumerate(terms) if term.bits & -term.bits == term.bits
        ]
        self.joined_terms = [i for i in range(len(terms)) if i not in self.single_terms]
        self.hint_terms = [index for index, term in enumerate(terms) if term.hint]
        # words that may match what the candidates' look-up did not see
        self.short_bits = 0
        for term in terms:
            if term.short:
                self.short_bits |= term.bits
        self.options_memo = {}  # unit id -> what the terms name in its name
        self.free_memo = {}  # unit id -> free_own()
        self.parents_memo = {-1: [0.0] * len(terms)}  # unit id -> free_parents()
        self.mask_memo = {-1: 0}  # unit id -> bits it and its parents match

    @staticmethod
    def _word_lookup(terms):
        """{name word: [(term index, quality)]} of a query's terms, and the
        same for the short names' units: a unit's words are then looked up
        once each, whatever the number of terms."""
        by_word, by_unit = {}, {}
        for term_index, term in enumerate(terms):
            joined = len(term.positions) == 2
            for word, quality in term.words.items():
                if term.hint:
                    # A type word read as a name's word ("KUPANG KOTA")
                    # ranks below the same word read as a type ("kota
                    # kupang": KOTA KUPANG).
                    quality *= TYPE_WORD_AS_NAME
                by_word.setdefault(word, []).append(
                    (term_index, quality, joined, len(term.text))
                )
            for unit_id, quality in term.units.items():
                by_unit.setdefault(unit_id, []).append((term_index, quality))
        return by_word, by_unit

    def options(self, unit_id):
        """What the terms may name in a unit's name: {term: [(quality, the
        name's words it takes)]}."""
        options = self.options_memo.get(unit_id)
        if options is not None:
            return options
        options = {}
        words = self.engine.words[unit_id]
        by_word = self.by_word
        for term_index, quality in self.by_unit.get(unit_id, ()):
            options.setdefault(term_index, []).append(
                (quality, tuple(range(len(words))))
            )
        for slot, word in enumerate(words):
            # one query word, or two run together (KEMIRIMUKA, "kemiri muka")
            for term_index, quality, _joined, _length in by_word.get(word, ()):
                options.setdefault(term_index, []).append((quality, (slot,)))
        for slot in range(len(words) - 1):
            first = words[slot]
            for term_index, quality, joined, length in by_word.get(
                first + words[slot + 1], ()
            ):
                # Two query words for two of the name run together, or one for
                # two ("pasarminggu"; as a prefix once past the first word).
                if not joined:
                    if quality <= PREFIX and length <= len(first):
                        continue
                    quality = min(quality, JOINED)
                options.setdefault(term_index, []).append((quality, (slot, slot + 1)))
        self.options_memo[unit_id] = options
        return options

    def hint_quality(self, term_index, unit_id):
        """How well a type word fits a unit: its level and type."""
        depth, unit_type = self.terms[term_index].hint
        if self.engine.depth[unit_id] != depth:
            return 0.0
        actual = self.engine.types[unit_id]
        if unit_type is None or actual == unit_type:
            return EXACT
        return OTHER_TYPE if actual else UNKNOWN_TYPE

    def _down_from_top(self, unit_id, memo, step):
        """memo[unit_id], filling it for the unit and its parents not in it
        yet, from the top down: each value is step(its parent's value, unit
        id). One walk up per kecamatan, not per village."""
        path = []
        while unit_id not in memo:
            path.append(unit_id)
            unit_id = self.engine.parent[unit_id]
        value = memo[unit_id]
        for parent_id in reversed(path):
            value = memo[parent_id] = step(value, parent_id)
        return value

    def chain_mask(self, unit_id):
        """Bits of the words a unit and its parents match (-1: none)."""
        mask = self.mask_memo.get(unit_id)
        if mask is not None:
            return mask
        return self._down_from_top(
            unit_id,
            self.mask_memo,
            lambda mask, parent_id: mask | self.masks.get(parent_id, 0),
        )

    def first_bounds(self, candidates, admits):
        """The queue entries of the admitted candidates, by a bound of score()
        from the candidates' look-up alone: what its own name gives the words
        it matches, one for each word its parents match (and each type word
        that may fit), plus the most the small terms add. (The one loop over
        every candidate: its names are bound once.)"""
        engine = self.engine
        parent, depth, size, codes = (
            engine.parent,
            engine.depth,
            engine.size,
            engine.codes,
        )
        word_counts = engine.word_counts
        masks_get, qualities_get, paired_get = (
            self.masks.get,
            self.qualities.get,
            self.paired.get,
        )
        memo_get, chain_mask = self.mask_memo.get, self.chain_mask
        hints = [
            (self.terms[term_index].hint[0], self.terms[term_index].bits)
            for term_index in self.hint_terms
        ]
        short_bits = self.short_bits
        queue = []
        for unit_id in candidates:
            if admits is not None and not admits(unit_id):
                continue
            parent_id = parent[unit_id]
            parents = memo_get(parent_id)
            if parents is None:
                parents = chain_mask(parent_id)
            parents |= short_bits
            for hint_depth, bits in hints:
                if hint_depth == depth[unit_id] or (
                    hint_depth < depth[unit_id] and parents
                ):
                    parents |= bits
            # the share of its own name the words may name
            matched = masks_get(unit_id, 0).bit_count() * paired_get(unit_id, 1)
            share = min(1.0, matched / (word_counts[unit_id] or 1))
            bound = (
                qualities_get(unit_id, 0.0) * (1 + OWN_WORD)
                + parents.bit_count()
                + COMPLETENESS * share
                + (IN_ORDER if matched > 1 else 0.0)
            )
            queue.append((-bound, -size[unit_id], codes[unit_id], unit_id, False))
        return queue

    def _assign(self, chain, term_indexes, values, places, used):
        """Give each term the best word of the chain's names still free; on
        equal quality, in the hit's own name, else in the parent name the
        query names most (SELATAN of OGAN KOMERING ULU SELATAN rather than of
        a kecamatan WARKUK RANAU SELATAN), then the nearest. The terms with the fewest
        choices choose first, so that a word another term could take
        elsewhere is left to the term that has no other ("padangbarat
        padang": PADANG BARAT in PADANG)."""
        chain_options = [self.options(unit_id) for unit_id in chain]
        shares = [self.free_own(unit_id)[1] for unit_id in chain]
        choices = {
            term_index: [
                # fewer words of a name on a tie: "dki" names DKI of DKI
                # JAKARTA, and leaves JAKARTA to the next "jakarta"
                (quality, not member, shares[member], -len(slots), member, slots)
                for member, options in enumerate(chain_options)
                for quality, slots in options.get(term_index, ())
            ]
            for term_index in term_indexes
        }
        for term_index in sorted(choices, key=lambda index: len(choices[index])):
            best = None
            for choice in choices[term_index]:
                if (best is None or choice[:4] > best[:4]) and not any(
                    (choice[4], slot) in used for slot in choice[5]
                ):
                    best = choice
            if best:
                values[term_index], places[term_index] = best[0], best[4:]
                used.update((best[4], slot) for slot in best[5])

    def score(self, unit_id):
        """The unit's score, or None when it is no hit. Each word of the names
        of the unit and its parents is named by one query word at most."""
        engine, terms = self.engine, self.terms
        chain = [unit_id]
        while engine.parent[chain[-1]] >= 0:
            chain.append(engine.parent[chain[-1]])
        values = [0.0] * len(terms)
        places = [None] * len(terms)
        used = set()  # (member of the chain, word of its name)
        self._assign(chain, self.single_terms, values, places, used)
        if self.joined_terms:
            # Two query words run together only where neither names a word.
            free = [
                index
                for index in self.joined_terms
                if not any(
                    values[other] and terms[other].bits & terms[index].bits
                    for other in self.single_terms
                )
            ]
            self._assign(chain, free, values, places, used)
        named = {member for member, _slot in used}
        # A hit's own name must account for a word better than its parents
        # do: JAMBAR (a typo of "jabar") in JAWA BARAT is no hit of "jabar".
        if self.own and 0 not in named:
            return None
        for term_index in self.hint_terms:
            quality = self.hint_quality(term_index, unit_id)
            # A type word names a parent the words name too; less than the
            # hit itself ("kec kertasari": the kecamatan before its village
            # KERTASARI).
            for member in named - {0}:
                quality = max(
                    quality, PARENT_HINT * self.hint_quality(term_index, chain[member])
                )
            values[term_index] = max(values[term_index], quality)
        by_position = [0.0] * self.word_count
        for term_index, value in enumerate(values):
            for position in terms[term_index].positions:
                by_position[position] = max(by_position[position], value)
        total = sum(by_position)
        words_used = {}
        for member, slot in used:
            words_used.setdefault(member, set()).add(engine.words[chain[member]][slot])
        own = sorted(
            (place[1][0], terms[term_index].positions[0], value)
            for term_index, (value, place) in enumerate(
                zip(values, places, strict=True)
            )
            if place and place[0] == 0
        )
        score = total + OWN_WORD * sum(value for _slot, _position, value in own)
        if len(own) > 1 and all(
            a[1] < b[1] for a, b in zip(own, own[1:], strict=False)
        ):
            # its words in the order of its name: ULU RAWAS before RAWAS ULU
            score += IN_ORDER
        for member, names in words_used.items():
            share = len(names) / len(set(engine.words[chain[member]]))
            if member == 0:
                score += COMPLETENESS * share
            else:
                # A parent named in part ranks below one named in full:
                # "puncak, papua tengah" is PUNCAK in PAPUA TENGAH, not the
                # village PAPUA in PUNCAK JAYA.
                score -= PARTIAL_PARENT * (1 - share)
        return score

    def free_own(self, unit_id):
        """Each term's best quality on a unit's name, each word of the name
        free for every term, and the share of its words some term names."""
        matches = self.free_memo.get(unit_id)
        if matches is not None:
            return matches
        words = self.engine.words[unit_id]
        qualities = [0.0] * len(self.terms)
        named = set()
        by_word = self.by_word
        for word in words:
            for term_index, quality, _joined, _length in by_word.get(word, ()):
                named.add(word)
                if quality > qualities[term_index]:
                    qualities[term_index] = quality
        for slot in range(len(words) - 1):
            first, second = words[slot], words[slot + 1]
            for term_index, quality, joined, length in by_word.get(first + second, ()):
                if not joined:  # as in options()
                    if quality <= PREFIX and length <= len(first):
                        continue
                    quality = min(quality, JOINED)
                named.update((first, second))
                if quality > qualities[term_index]:
                    qualities[term_index] = quality
        for term_index, quality in self.by_unit.get(unit_id, ()):
            named.update(words)
            qualities[term_index] = max(qualities[term_index], quality)
        share = len(named) / len(set(words)) if words else 0.0
        matches = self.free_memo[unit_id] = (qualities, share)
        return matches

    def free_parents(self, unit_id):
        """The best of free_own over a unit and its parents, type words
        included."""
        return self._down_from_top(unit_id, self.parents_memo, self._with_parent)

    def _with_parent(self, best, parent_id):
        qualities = self.free_own(parent_id)[0]
        if not any(qualities):
            return best
        best = list(map(max, best, qualities))
        for term_index in self.hint_terms:
            quality = PARENT_HINT * self.hint_quality(term_index, parent_id)
            best[term_index] = max(best[term_index], quality)
        return best

    def bound(self, unit_id):
        """A cheap bound of score(): the same sums with every word of every
        name free for every term."""
        own_qualities, share = self.free_own(unit_id)
        best = list(
            map(max, own_qualities, self.free_parents(self.engine.parent[unit_id]))
        )
        for term_index in self.hint_terms:
            best[term_index] = max(
                best[term_index], self.hint_quality(term_index, unit_id)
            )
        by_position = [0.0] * self.word_count
        for term_index, value in enumerate(best):
            for position in self.terms[term_index].positions:
                by_position[position] = max(by_position[position], value)
        return (
            sum(by_position)
            + COMPLETENESS * share
            + OWN_WORD * sum(own_qualities)
            + IN_ORDER
        )

    def top(self, candidates, admits, limit):
        """The best ``limit`` Hits of the ``candidates`` that ``admits``
        (None: all).

        score() is exact but dear; bound() is cheaper and first_bounds()
        nearly free, each a bound of the one after. The candidates wait in one queue
        by their best bound so far; the first is taken to its next bound, or
        scored, until no bound in the queue can enter the top.
        """
        engine = self.engine
        queue = self.first_bounds(candidates, admits)
        heapq.heapify(queue)
        top = []  # (-score, -size, code, unit id) of the best, best first
        while queue:
            negative_bound, negative_size, code, unit_id, bounded = queue[0]
            if len(top) >= limit and (negative_bound, negative_size, code) >= tuple(
                top[limit - 1][:3]
            ):
                break
            heapq.heappop(queue)
            if not bounded:
                bound = self.bound(unit_id)
                heapq.heappush(queue, (-bound, negative_size, code, unit_id, True))
                continue
            score = self.score(unit_id)
            if score is not None:
                insort(top, (-score, negative_size, code, unit_id))
                del top[limit:]
        scale = self.word_count + COMPLETENESS
        return [
            Hit(
                LEVEL_KEYS[engine.depth[unit_id]],
                code,
                round(min(1.0, -negative_score / scale), 3) if self.word_count else 1.0,
            )
            for negative_score, _size, code, unit_id in top
        ]
