"""The API's routes: one row each, in one table.

The controller registers and serves every row, the OpenAPI document describes
them, the tests request their examples, and the bench, soak and fuzz tools
take their requests from here. Adding a route is one row here and one answer
method on the index (or a function for a route that needs none).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .docs_page import DOCS_HEADERS, DOCS_PATH, OPENAPI_PATH, docs_answer
from .geo import LATITUDE_RANGE, LONGITUDE_RANGE, LOOKUP_LEVEL, NEAREST_MAX_METRES
from .index import RegionIndex, Unit
from .levels import LEVEL_KEYS, LEVELS
from .params import LIMIT, MAX_TEXT_LENGTH, MIN_QUERY_LENGTH, OFFSET, Param
from .search import MAX_WORDS

API_PREFIX = "/api"  # every route's path starts with it
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
SCHEMA_REF = "#/components/schemas/"
ALLOW = "GET, HEAD, OPTIONS"
CORS_EXPOSE_HEADERS = "ETag, X-Total-Count, Retry-After"


def is_api_path(path):
    """Whether ``path`` is under the API's prefix, in any case."""
    lowered = path.lower()
    return lowered == API_PREFIX or lowered.startswith(f"{API_PREFIX}/")


def schema_ref(name):
    return {"$ref": SCHEMA_REF + name}


def list_schema_name(level_key):
    """Name of the OpenAPI schema of a list item: ``Kota``."""
    return level_key.capitalize()


def detail_schema_name(level_key):
    return f"{list_schema_name(level_key)}Detail"


@dataclass(frozen=True, eq=False)  # one object per route: compared by identity
class Route:
    name: str  # the controller's endpoint and the OpenAPI operationId
    kind: str  # list, detail, kodepos, search, alamat, lokasi, geojson or documentation
    path: str  # werkzeug rule; <code> is the one path parameter
    # (index, code, args, shapes) -> (payload, X-Total-Count or None), where
    # shapes is a geo.ShapeSource; a public row's gets no index nor shapes and
    # returns its finished Answer (index.answer_of).
    answer: Callable
    tag: str
    summary: str
    description: str  # of a 200 answer
    schema: dict  # of a 200 answer's body
    example_request: str  # path and query of a request whose answer is `example`
    example: object = None
    params: tuple = ()  # query parameters (Param), in the order they are parsed
    code: Param | None = None  # the path parameter
    not_found: bool = False  # a well-formed code can match nothing: 404
    paged: bool = False  # X-Total-Count header
    # Served without the key and without the region index (documentation).
    public: bool = False
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple = ()  # more headers of every answer
    # Its distinct answers are many, each asked rarely: the index keeps them
    # in its small cache (index.TEXT_CACHE_BYTES), as it does every answer to
    # free text (text_cached).
    many_answers: bool = False
    # Its answers are kept at all (a point's are not: each is asked once).
    cached: bool = True
    # (index, args) -> the args as the cache keys them, when values that
    # differ give one answer (a list's page: RegionIndex.list_page_args).
    cache_args: Callable | None = None
    # `example` is the answer to `example_request` exactly; False where it
    # is shortened (a boundary's coordinates).
    example_exact: bool = True

    @property
    def level(self):
        return self.code.level if self.code else None

    def text_cached(self, args):
        """Whether the answer to ``args`` (parsed) goes to the index's small
        cache: the route's answers are many, or it answers free text."""
        return self.many_answers or any(
            args.get(param.name) for param in self.params if param.free_text
        )

    def path_for(self, code):
        return self.path.replace("<string:code>", code)


def _openapi_answer(_index, _code, _args, _shapes):
    # Imported late: the document is built from this table.
    from .openapi import openapi_answer  # pylint: disable=import-outside-toplevel

    return openapi_answer()


def _example_index():
    """An index of the example units alone (one per level, each the parent of
    the next): the detail examples are its answers."""
    rows, parent_code = {}, ""
    for level in LEVELS.values():
        code, name, kemendagri, *postal = level.example
        latitude, longitude = level.example_location
        rows[level.key] = [
            Unit(
                code,
                name,
                parent_code,
                "".join(postal),
                kemendagri,
                True,
                level.unit_type(code, kemendagri) or "",
                latitude,
                longitude,
            )
        ]
        parent_code = code
    return RegionIndex(rows, "example")


EXAMPLES = _example_index()


def code_param(level_key, where):
    level = LEVELS[level_key]
    help_ = f"{level.code_length}-digit BPS code"
    if level.kemendagri_parts:
        help_ += f" or dotted Kemendagri code (`{level.example_kemendagri}`)"
    if where == "path":
        description = f"The {level.word}'s {help_}."
    else:
        description = (
            f"Only the children of this {level.word}: its {help_}. "
            "An unknown code gives `[]`."
        )
    name = "code" if where == "path" else level.parent_filter
    return Param(name, "code", description, level=level_key, example=level.example_code)


def list_route(level):
    name_filter, example = level.list_example
    params = (
        *((code_param(level.parent, "query"),) if level.parent else ()),
        Param(
            "name",
            "text",
            "Only the units whose name contains this text "
            "(case-insensitive, literal, surrounding blanks ignored).",
            example=name_filter,
        ),
        OFFSET,
        LIMIT,
    )
    return Route(
        name=f"{level.key}_list",
        kind="list",
        path=f"/api/{level.key}",
        answer=lambda index, _code, args, _shapes: index.list_answer(level.key, args),
        tag=level.title,
        summary=f"List {level.plural}",
        description="The matching units, by code (`[]` when none; example: "
        f"`?name={name_filter}`).",
        schema={"type": "array", "items": schema_ref(list_schema_name(level.key))},
        example_request=f"/api/{level.key}?name={name_filter}",
        example=example,
        params=params,
        paged=True,
        cache_args=lambda index, args: index.list_page_args(level.key, args),
    )


def detail_route(level):
    return Route(
        name=f"{level.key}_detail",
        kind="detail",
        path=f"/api/{level.key}/<string:code>",
        answer=lambda index, code, _args, _shapes: index.detail_answer(level.key, code),
        tag=level.title,
        summary=f"One {level.word}",
        description="The unit, with its ancestors and Kemendagri code.",
        schema=schema_ref(detail_schema_name(level.key)),
        example_request=f"/api/{level.key}/{level.example_code}",
        example=EXAMPLES.detail(
            level.key, EXAMPLES.units[level.key][level.example_code]
        ),
        code=code_param(level.key, "path"),
        not_found=True,
    )


def geojson_route(level):
    example = EXAMPLES.units[level.key][level.example_code]
    lat, lng, step = example.latitude, example.longitude, 0.01
    outline = [[lng - step, lat - step], [lng + step, lat - step], [lng, lat + step]]
    return Route(
        name=f"{level.key}_geojson",
        kind="geojson",
        path=f"/api/{level.key}/<string:code>/geojson",
        answer=lambda index, code, _args, shapes: index.geojson_answer(
            shapes, level.key, code
        ),
        tag="Map",
        summary=f"The boundary of one {level.word}",
        description="A GeoJSON Feature (RFC 7946): a MultiPolygon of "
        "[longitude, latitude] positions, properties `code`, `name` and `level`. "
        "The example's coordinates are shortened.",
        schema=schema_ref("Boundary"),
        example_request=f"/api/{level.key}/{level.example_code}/geojson",
        example={
            "type": "Feature",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[*outline, outline[0]]]],
            },
            "properties": {
                "code": example.code,
                "name": example.name,
                "level": level.key,
            },
        },
        code=code_param(level.key, "path"),
        not_found=True,
        many_answers=True,
        example_exact=False,
    )


LOKASI_EXAMPLE = EXAMPLES.units[LOOKUP_LEVEL][LEVELS[LOOKUP_LEVEL].example_code]


def degrees_param(name, word, bounds, example):
    """A coordinate of /api/lokasi: ``word`` is Latitude or Longitude."""
    low, high = bounds
    return Param(
        name,
        "degrees",
        f"{word} of the point, in decimal degrees (WGS 84), from {low:g} to {high:g}.",
        minimum=low,
        maximum=high,
        example=f"{example}",
    )


LOKASI_PARAMS = (
    degrees_param("lat", "Latitude", LATITUDE_RANGE, LOKASI_EXAMPLE.latitude),
    degrees_param("lng", "Longitude", LONGITUDE_RANGE, LOKASI_EXAMPLE.longitude),
    Param(
        "level",
        "level",
        f"Answer the unit of this level instead: one of {', '.join(LEVEL_KEYS)}.",
        default=LOOKUP_LEVEL,
        example="kecamatan",
    ),
)

POSTAL_CODE = Param(
    "code",
    "postal",
    "A 5-digit postal code; matches whole codes only.",
    example="40266",
)
SEARCH_PARAMS = (
    Param(
        "q",
        "text",
        "Text searched in the names of every level (case-insensitive, literal); "
        f"at least {MIN_QUERY_LENGTH} characters after trimming.",
        min_length=MIN_QUERY_LENGTH,
        example="utara",
    ),
    Param(
        LIMIT.name,
        LIMIT.kind,
        "At most this many items per group (ordered by code); without it, all.",
        minimum=LIMIT.minimum,
        maximum=LIMIT.maximum,
    ),
)

ALAMAT_MAX_LIMIT = 50
ALAMAT_EXAMPLE_QUERY = "neglawangi kertasari"
ALAMAT_PARAMS = (
    Param(
        "q",
        "query",
        "What people type into an address box: names of a place and of its "
        "parents in any order, with or without commas (`kertasari, neglawangi, "
        "bandung`); type words (`kab`, `kota`, `kec.`, `desa`...); short names "
        "(`jabar`, `jaksel`); the last word may be a prefix, one word of five "
        "letters or more may have a typo; old spellings (`tjilandak`); a "
        "5-digit postal code among the words keeps the villages that carry it; "
        "a BPS or dotted Kemendagri code as the whole query gives that unit (a "
        "province's 2-digit code is too short: ask `/api/provinsi/{code}`). "
        f"At least {MIN_QUERY_LENGTH} characters after trimming and at most "
        f"{MAX_TEXT_LENGTH}; only the last {MAX_WORDS} words are read.",
        min_length=MIN_QUERY_LENGTH,
        example=ALAMAT_EXAMPLE_QUERY,
    ),
    Param(
        LIMIT.name,
        LIMIT.kind,
        "At most this many hits, best first.",
        minimum=1,
        maximum=ALAMAT_MAX_LIMIT,
        default=10,
    ),
    Param(
        "level",
        "levels",
        "Only hits of these levels: one or more of "
        f"{', '.join(LEVELS)}, comma-separated.",
        example="kelurahan",
    ),
    Param(
        "within",
        "code",
        "Only places inside this unit: its BPS code or dotted Kemendagri code, "
        "at any level. A code that names no unit is a 404.",
        example=LEVELS["kota"].example_code,
    ),
)

ROUTES = (
    *(list_route(level) for level in LEVELS.values()),
    *(detail_route(level) for level in LEVELS.values()),
    Route(
        name="kodepos",
        kind="kodepos",
        path="/api/kodepos/<string:code>",
        answer=lambda index, code, _args, _shapes: index.kodepos_answer(code),
        tag="Kode pos",
        summary="Villages with a postal code",
        description="Every village that has this postal code, by code.",
        schema={"type": "array", "items": schema_ref("KodeposItem")},
        example_request="/api/kodepos/40266",
        example=[
            {
                "code": "3273080003",
                "name": "BATUNUNGGAL",
                "postal_code": "40266",
                "kecamatan": {"code": "3273080", "name": "BANDUNG KIDUL"},
                "kota": {"code": "3273", "name": "BANDUNG"},
                "provinsi": {"code": "32", "name": "JAWA BARAT"},
            }
        ],
        code=POSTAL_CODE,
        not_found=True,
        paged=True,
    ),
    Route(
        name="search",
        kind="search",
        path="/api/search",
        answer=lambda index, _code, args, _shapes: index.search_answer(args),
        tag="Search",
        summary="Search every level by name",
        description="The matches of every level, grouped; each group by code "
        "(example: `?q=utara&limit=1`).",
        schema=schema_ref("SearchResult"),
        example_request="/api/search?q=utara&limit=1",
        example={
            "provinsi": [{"code": "12", "name": "SUMATERA UTARA"}],
            "kota": [{"code": "1111", "name": "ACEH UTARA", "province_code": "11"}],
            "kecamatan": [
                {"code": "1102021", "name": "SINGKIL UTARA", "city_code": "1102"}
            ],
            "kelurahan": [
                {
                    "code": "1102021001",
                    "name": "GOSONG TELAGA UTARA",
                    "postal_code": "24787,24791",
                    "district_code": "1102021",
                }
            ],
        },
        params=SEARCH_PARAMS,
    ),
    Route(
        name="alamat",
        kind="alamat",
        path="/api/alamat",
        answer=lambda index, _code, args, _shapes: index.alamat_answer(args),
        tag="Search",
        summary="Address search: what people type into an address box",
        description="The best hits, best first (`[]` when none), each with its "
        "parents, a label to show and a score from 0 to 1.",
        schema={"type": "array", "items": schema_ref("AlamatHit")},
        example_request="/api/alamat?q=neglawangi%20kertasari&limit=1",
        example=EXAMPLES.alamat_answer(
            {"q": ALAMAT_EXAMPLE_QUERY, "limit": 1, "level": None, "within": None}
        )[0],
        params=ALAMAT_PARAMS,
        not_found=True,
        many_answers=True,
    ),
    Route(
        name="lokasi",
        kind="lokasi",
        path="/api/lokasi",
        answer=lambda index, _code, args, shapes: index.lokasi_answer(shapes, args),
        tag="Map",
        summary="The village (or unit of another level) at a point",
        description=f"The {LEVELS[LOOKUP_LEVEL].word} whose boundary holds the "
        f"point, as its detail route answers it; where simplified boundaries leave "
        f"a gap along a border or coast, the nearest within {NEAREST_MAX_METRES} m. "
        "A higher `level` answers that village's parent (or, where no village "
        "is known, the unit of that level there).",
        schema={"oneOf": [schema_ref(detail_schema_name(key)) for key in LEVEL_KEYS]},
        example_request="/api/lokasi?"
        + "&".join(f"{param.name}={param.example}" for param in LOKASI_PARAMS[:2]),
        example=EXAMPLES.detail(LOOKUP_LEVEL, LOKASI_EXAMPLE),
        params=LOKASI_PARAMS,
        not_found=True,
        cached=False,
    ),
    *(geojson_route(level) for level in LEVELS.values()),
    # The documentation's own two rows: the document describes this table.
    Route(
        name="openapi",
        kind="documentation",
        path=OPENAPI_PATH,
        answer=_openapi_answer,
        tag="Documentation",
        summary="This OpenAPI 3.1 document",
        description="The OpenAPI document of the API.",
        schema={"type": "object"},
        example_request=OPENAPI_PATH,
        public=True,
    ),
    Route(
        name="docs",
        kind="documentation",
        path=DOCS_PATH,
        answer=lambda _index, _code, _args, _shapes: docs_answer(),
        tag="Documentation",
        summary="This documentation page (Swagger UI)",
        description="An HTML page rendering this document.",
        schema={"type": "string"},
        example_request=DOCS_PATH,
        public=True,
        content_type="text/html; charset=utf-8",
        headers=DOCS_HEADERS,
    ),
)
ROUTES_BY_NAME = {route.name: route for route in ROUTES}
