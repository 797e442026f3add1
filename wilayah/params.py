"""Query parameters of the API routes and the errors they answer.

A parameter is parsed into a normalised value (trimmed text, an int): the
answer cache keys on these values, so "offset=01" and "offset=1" share one
entry.
"""

from dataclasses import dataclass

from .errors import ApiError, invalid_code, quoted
from .levels import LEVEL_KEYS, LEVELS
from .search import normalize_query

MIN_QUERY_LENGTH = 3
MAX_LIMIT = 100_000
# Past 18 digits a count is beyond any list anyway; int() would refuse more
# than 4300 digits (a ValueError, so a 500).
MAX_COUNT_DIGITS = 18


def text(value):
    """A text parameter without its surrounding blanks; None when empty."""
    if value is None:
        return None
    return value.strip() or None


@dataclass(frozen=True)
class Param:
    """A parameter: ``kind`` is "text", "query" (text searched as an address,
    read as the search engine reads it), "code" (of ``level``; of any level
    when ``level`` is None), "levels" (level keys, comma-separated), "count",
    or "postal" (a postal code path parameter, checked by the index)."""

    name: str
    kind: str
    description: str
    level: str | None = None
    minimum: int = 0
    maximum: int | None = None
    min_length: int = 0
    example: str | None = None
    default: int | None = None  # the value of a missing "count"

    @property
    def required(self):
        return self.min_length > 0

    def parse(self, raw):
        """The normalised value of ``raw`` (a str or None), or an ApiError 400."""
        value = text(raw)
        if self.kind in ("text", "query"):
            if self.min_length and len(value or "") < self.min_length:
                raise ApiError(
                    400,
                    f"Parameter '{self.name}' needs at least "
                    f"{self.min_length} characters.",
                )
            return normalize_query(value) if self.kind == "query" else value
        if value is None:
            return self.default
        if self.kind == "code":
            return self._code(value)
        if self.kind == "levels":
            return self._levels(value)
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
