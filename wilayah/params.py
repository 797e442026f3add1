"""Query parameters of the API routes and the errors they answer.

A parameter is parsed into a normalised value (trimmed text, an int): the
answer cache keys on these values, so "offset=01" and "offset=1" share one
entry.
"""

import re
from dataclasses import dataclass

from .errors import ApiError, invalid_code, quoted
from .levels import LEVEL_KEYS, LEVELS
from .search import normalize_query

MIN_QUERY_LENGTH = 3
# Free text is kept in the answer cache's keys: bounded, far above the
# longest full address (names of a village, kecamatan, kota and province
# together are under 150 characters; a street line adds a few dozen).
MAX_TEXT_LENGTH = 256
MAX_LIMIT = 100_000
# Past 18 digits a count is beyond any list anyway; int() would refuse more
# than 4300 digits (a ValueError, so a 500).
MAX_COUNT_DIGITS = 18
# A decimal number as people and programs write degrees: -6.2, 106.816666,
# 1e-3. More than 32 characters is no coordinate.
DECIMAL = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?"
MAX_DEGREES_LENGTH = 32


def text(value):
    """A text parameter without its surrounding blanks; None when empty."""
    if value is None:
        return None
    return value.strip() or None


@dataclass(frozen=True)
class Param:
    """A parameter: ``kind`` is "text", "query" (text searched as an address,
    read as the search engine reads it), "code" (of ``level``; of any level
    when ``level`` is None), "levels" (level keys, comma-separated), "level"
    (one level key), "count", "degrees" (a required decimal number from
    ``minimum`` to ``maximum``), or "postal" (a postal code path parameter,
    checked by the index)."""

    name: str
    kind: str
    description: str
    level: str | None = None
    minimum: int = 0
    maximum: int | None = None
    min_length: int = 0
    example: str | None = None
    default: object = None  # the value of a missing "count" or "level"

    @property
    def required(self):
        return self.min_length > 0 or self.kind == "degrees"

    @property
    def free_text(self):
        return self.kind in ("text", "query")

    def parse(self, raw):
        """The normalised value of ``raw`` (a str or None), or an ApiError 400."""
        value = text(raw)
        if self.free_text:
            if self.min_length and len(value or "") < self.min_length:
                raise ApiError(
                    400,
                    f"Parameter '{self.name}' needs at least "
                    f"{self.min_length} characters.",
                )
            if value and len(value) > MAX_TEXT_LENGTH:
                raise ApiError(
                    400,
                    f"Parameter '{self.name}' is too long: {len(value)} "
                    f"characters, at most {MAX_TEXT_LENGTH}.",
                )
            if self.kind == "query":
                return normalize_query(value)
            # matched case-insensitively: one cache entry for every case
            return value and value.casefold()
        if self.kind == "degrees":
            return self._degrees(value)
        if value is None:
            return self.default
        if self.kind == "code":
            return self._code(value)
        if self.kind == "levels":
            return self._levels(value)
        if self.kind == "level":
            return self._level(value)
        if self.kind == "count":
            return self._count(value)
        raise ValueError(f"No parsing for parameters of kind {self.kind!r}")

    def _code(self, value):
        if self.level:
            level = LEVELS[self.level]
            if not (level.is_code(value) or level.is_kemendagri_code(value)):
                raise invalid_code(level, value)
            return value
        if not any(
            level.is_code(value) or level.is_kemendagri_code(value)
            for level in LEVELS.values()
        ):
            lengths = [str(level.code_length) for level in LEVELS.values()]
            examples = [
                level.example_kemendagri
                for level in LEVELS.values()
                if level.kemendagri_parts
            ]
            raise ApiError(
                400,
                f"Invalid code {quoted(value)} in '{self.name}': expected the "
                f"BPS code of a unit ({', '.join(lengths[:-1])} or {lengths[-1]} "
                f"digits) or its dotted Kemendagri code (such as "
                f"{' or '.join(examples[:2])}).",
            )
        return value

    def _levels(self, value):
        """Level keys, in the order of the levels (one cache entry for every
        spelling of a set)."""
        keys = {part.strip() for part in value.split(",")} - {""}
        unknown = sorted(keys - set(LEVEL_KEYS))
        if unknown:
            raise ApiError(
                400,
                f"Unknown level {quoted(unknown[0])} in '{self.name}': expected "
                f"one or more of {', '.join(LEVEL_KEYS)}, comma-separated.",
            )
        return tuple(key for key in LEVEL_KEYS if key in keys) or None

    def _level(self, value):
        if value not in LEVEL_KEYS:
            raise ApiError(
                400,
                f"Unknown level {quoted(value)} in '{self.name}': expected one "
                f"of {', '.join(LEVEL_KEYS)}.",
            )
        return value

    def _degrees(self, value):
        """A float from plain decimal digits only: float() would also take
        "nan", "inf", "1_0" and non-ASCII digits."""
        if value is None:
            raise ApiError(400, f"Parameter '{self.name}' is required.")
        if len(value) > MAX_DEGREES_LENGTH or not re.fullmatch(DECIMAL, value):
            raise ApiError(
                400,
                f"Invalid '{self.name}' value {quoted(value)}: expected a decimal "
                f"number of degrees such as {self.example}.",
            )
        number = float(value)
        if not self.minimum <= number <= self.maximum:
            raise ApiError(
                400,
                f"Invalid '{self.name}' value {quoted(value)}: expected degrees "
                f"from {self.minimum} to {self.maximum}.",
            )
        return number + 0.0  # -0.0 and 0.0: one value, one cache key

    def _count(self, value):
        number = None
        if value.isascii() and value.isdigit():
            significant = value.lstrip("0") or "0"
            number = (
                int(significant)
                if len(significant) <= MAX_COUNT_DIGITS
                else 10**MAX_COUNT_DIGITS
            )
        if (
            number is None
            or number < self.minimum
            or (self.maximum is not None and number > self.maximum)
        ):
            bound = (
                f"from {self.minimum} to {self.maximum}"
                if self.maximum is not None
                else f"{self.minimum} or more"
            )
            raise ApiError(
                400,
                f"Invalid '{self.name}' value {quoted(value)}: "
                f"expected a whole number {bound}.",
            )
        return number


def longest_text(number):
    """A distinct text (by ``number``) of the longest length a parameter
    takes, of 4-byte characters: the most memory a Python string holds for
    it (tests and the bench send them)."""
    return f"{number} ".ljust(MAX_TEXT_LENGTH, "\N{GRINNING FACE}")


def parse_params(params, raw_args):
    """{name: normalised value} of the route's ``params`` in ``raw_args``."""
    return {param.name: param.parse(raw_args.get(param.name)) for param in params}


LIMIT = Param(
    "limit",
    "count",
    "At most this many items (ordered by code); without it, all of them.",
    minimum=1,
    maximum=MAX_LIMIT,
)
OFFSET = Param(
    "offset", "count", "Skip this many items first (ordered by code).", minimum=0
)
