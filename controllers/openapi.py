"""The OpenAPI 3.1 document of the API, built in one place from the code.

Paths come from the controller's own ``@http.route`` declarations, query
parameters from ``ROUTE_PARAMS`` (what each route really reads), code patterns
from the index's code rules; ``tests/test_openapi.py`` checks the result
against Odoo's routing map and real answers. Served by ``controllers/docs.py``.
"""

import functools
import json
import re

from odoo.modules.module import get_manifest

from ..models.wilayah_api_index import (
    BPS_CODE_LENGTH,
    KEMENDAGRI_CODE_RE,
    MAX_LIMIT,
    MIN_QUERY_LENGTH,
    ROUTE_PARAMS,
)
from ..models.wilayah_data import API_KEY_PARAM
from .api import CORS_EXPOSE_HEADERS, WilayahApiController

MODULE = __name__.split(".")[2]
OPENAPI_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"
SCHEMA_REF = "#/components/schemas/"
RESPONSE_REF = "#/components/responses/"

# operation id (= controller method = ROUTE_PARAMS key) -> (tag, summary, level)
OPERATIONS = {
    "provinsi_list": ("Provinsi", "List provinces", "provinsi"),
    "provinsi_detail": ("Provinsi", "One province", "provinsi"),
    "kota_list": ("Kota/Kabupaten", "List cities and regencies", "kota"),
    "kota_detail": ("Kota/Kabupaten", "One city or regency", "kota"),
    "kecamatan_list": ("Kecamatan", "List districts", "kecamatan"),
    "kecamatan_detail": ("Kecamatan", "One district", "kecamatan"),
    "kelurahan_list": ("Kelurahan/Desa", "List villages", "kelurahan"),
    "kelurahan_detail": ("Kelurahan/Desa", "One village", "kelurahan"),
    "kodepos": ("Kode pos", "Villages with a postal code", "kelurahan"),
    "search": ("Search", "Search every level by name", None),
}
LEVEL_SCHEMA = {
    "provinsi": "Provinsi",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
}
PARENT_FILTER = {
    "kode_provinsi": "provinsi",
    "kode_kota": "kota",
    "kode_kecamatan": "kecamatan",
}
LEVEL_WORD = {
    "provinsi": "province",
    "kota": "city/regency",
    "kecamatan": "district",
    "kelurahan": "village",
}
# Examples from the contract (shared spec API.md) and the bundled data.
CODE_EXAMPLE = {
    "provinsi": "32",
    "kota": "3204",
    "kecamatan": "3204050",
    "kelurahan": "3204050001",
}
KEMENDAGRI_EXAMPLE = {
    "kota": "32.04",
    "kecamatan": "32.04.31",
    "kelurahan": "32.04.31.2005",
}
JAWA_BARAT = {"code": "32", "name": "JAWA BARAT"}
BANDUNG = {"code": "3204", "name": "BANDUNG"}
KERTASARI = {"code": "3204050", "name": "KERTASARI"}
DETAIL_EXAMPLE = {
    "provinsi": {**JAWA_BARAT, "kemendagri_code": "32", "active": True},
    "kota": {
        **BANDUNG,
        "province": JAWA_BARAT,
        "kemendagri_code": "32.04",
        "active": True,
    },
    "kecamatan": {
        **KERTASARI,
        "city": BANDUNG,
        "province": JAWA_BARAT,
        "kemendagri_code": "32.04.31",
        "active": True,
    },
    "kelurahan": {
        "code": "3204050001",
        "name": "NEGLAWANGI",
        "postal_code": "40386",
        "sub_district": KERTASARI,
        "city": BANDUNG,
        "province": JAWA_BARAT,
        "kemendagri_code": "32.04.31.2005",
        "active": True,
    },
}
LIST_EXAMPLE = {
    "provinsi": (
        "jawa",
        [
            JAWA_BARAT,
            {"code": "33", "name": "JAWA TENGAH"},
            {"code": "35", "name": "JAWA TIMUR"},
        ],
    ),
    "kota": (
        "bandung",
        [
            {**BANDUNG, "province_code": "32"},
            {"code": "3217", "name": "BANDUNG BARAT", "province_code": "32"},
            {"code": "3273", "name": "BANDUNG", "province_code": "32"},
        ],
    ),
    "kecamatan": (
        "cicalengka",
        [{"code": "3204100", "name": "CICALENGKA", "city_code": "3204"}],
    ),
    "kelurahan": (
        "neglawangi",
        [
            {
                "code": "3204050001",
                "name": "NEGLAWANGI",
                "postal_code": "40386",
                "district_code": "3204050",
            }
        ],
    ),
}
KODEPOS_EXAMPLE = [
    {
        "code": "3273080003",
        "name": "BATUNUNGGAL",
        "postal_code": "40266",
        "kecamatan": {"code": "3273080", "name": "BANDUNG KIDUL"},
        "kota": {"code": "3273", "name": "BANDUNG"},
        "provinsi": JAWA_BARAT,
    }
]
SEARCH_EXAMPLE_QUERY = "q=utara&limit=1"
SEARCH_EXAMPLE = {
    "provinsi": [{"code": "12", "name": "SUMATERA UTARA"}],
    "kota": [{"code": "1111", "name": "ACEH UTARA", "province_code": "11"}],
    "kecamatan": [{"code": "1102021", "name": "SINGKIL UTARA", "city_code": "1102"}],
    "kelurahan": [
        {
            "code": "1102021001",
            "name": "GOSONG TELAGA UTARA",
            "postal_code": "24787,24791",
            "district_code": "1102021",
        }
    ],
}
ERRORS = {
    400: (
        "BadRequest",
        "Malformed input: a code that is not digits of a valid length, a postal "
        "code that is not 5 digits, `q` shorter than 3 characters, a bad "
        "`limit`/`offset`.",
        "Invalid kecamatan code '32040': expected 7 digits (BPS) or a dotted "
        "Kemendagri code such as 32.04.31.",
    ),
    401: (
        "Unauthorized",
        "The `X-API-Key` header is missing or the key is wrong.",
        "Missing X-API-Key header.",
    ),
    404: (
        "NotFound",
        "A well-formed code or postal code that matches nothing (or an unknown "
        "`/api/...` path).",
        "No kecamatan with code '3204999'.",
    ),
    405: (
        "MethodNotAllowed",
        "Any method other than GET, HEAD and OPTIONS (CORS preflight), on any "
        "`/api/...` path; the `Allow` header lists the allowed ones.",
        "Method POST is not allowed; use GET.",
    ),
    500: (
        "InternalServerError",
        "Unexpected server error (logged on the server, never a stack trace).",
        "Unexpected server error; it has been logged.",
    ),
    503: (
        "ServiceUnavailable",
        "The API is closed: no API key is configured (the system parameter is "
        "missing, empty or still the published placeholder).",
        "The API is closed: no API key is configured. An administrator sets one "
        f"in Settings > Technical > System Parameters, key '{API_KEY_PARAM}'.",
    ),
}
ERROR_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
DESCRIPTION = f"""\
Indonesian administrative regions: provinsi (province), kota/kabupaten
(city/regency), kecamatan (district), kelurahan/desa (village) and postal codes.

**Authentication.** Every data route needs the API key in the `X-API-Key` header
(**Authorize** above). An administrator finds or sets it in Settings > Technical >
System Parameters, key `{API_KEY_PARAM}`. This document (`{OPENAPI_PATH}`) and
its page (`{DOCS_PATH}`) need no key.

**Codes** are JSON strings. BPS codes: province 2 digits (`32`), city/regency 4
(`3204`), district 7 (`3204050`), village 10 (`3204050001`). Detail routes and
parent filters also take the dotted Kemendagri code (`32.04`, `32.04.31`,
`32.04.31.2005`); a province's Kemendagri code is its BPS code. Postal codes are
strings; a village may have several, comma-separated (`"23895,23898"`), or none
(`""`).

**Lists** are ordered by code; filters combine with AND; an unknown filter value
gives `[]`. `limit`/`offset` page them and `X-Total-Count` gives the total.
`name` and `q` match literally (`%`, `_`, `\\` are plain characters),
case-insensitively, ignoring surrounding blanks.

**Caching.** Every answer has an `ETag`; a request with a matching
`If-None-Match` gets `304 Not Modified` without a body. Answers are gzipped when
the client sends `Accept-Encoding: gzip`.

**Errors** are JSON `{{"status": int, "error": str, "message": str}}`, never HTML:
400 malformed input, 401 missing or wrong key, 404 nothing with that code, 405 a
method other than GET/HEAD/OPTIONS, 503 no key configured, 500 unexpected.

**CORS.** Browsers may call the API from the origins the administrator allows
(system parameter `wilayah.api.cors_origins`, default any); the preflight allows
the `X-API-Key` header and exposes `{CORS_EXPOSE_HEADERS}`.
"""


def openapi_path(werkzeug_path):
    """``/api/kota/<string:code>`` -> ``/api/kota/{code}``."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", werkzeug_path)


def route_path(operation_id):
    """The OpenAPI path of a controller method, from its ``@http.route``."""
    routing = getattr(WilayahApiController, operation_id).original_routing
    return openapi_path(routing["routes"][0])


def _ref(name):
    return {"$ref": SCHEMA_REF + name}


def _bps_pattern(level):
    return rf"^\d{{{BPS_CODE_LENGTH[level]}}}$"


def _code_schema(level):
    """A code that the routes accept: BPS, or dotted Kemendagri below provinces."""
    bps = {"type": "string", "pattern": _bps_pattern(level), "title": "BPS code"}
    if level not in KEMENDAGRI_CODE_RE:
        return {**bps, "examples": [CODE_EXAMPLE[level]]}
    return {
        "type": "string",
        "anyOf": [
            bps,
            {
                "type": "string",
                "pattern": KEMENDAGRI_CODE_RE[level].pattern,
                "title": "Kemendagri code",
            },
        ],
        "examples": [CODE_EXAMPLE[level], KEMENDAGRI_EXAMPLE[level]],
    }


def _code_help(level):
    help_ = f"{BPS_CODE_LENGTH[level]}-digit BPS code"
    if level in KEMENDAGRI_CODE_RE:
        help_ += f" or dotted Kemendagri code (`{KEMENDAGRI_EXAMPLE[level]}`)"
    return help_


def _query_parameter(operation_id, name):
    level = OPERATIONS[operation_id][2]
    if name in PARENT_FILTER:
        parent = PARENT_FILTER[name]
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"Only the children of this {LEVEL_WORD[parent]}: "
            f"its {_code_help(parent)}. An unknown code gives `[]`.",
            "schema": _code_schema(parent),
            "example": CODE_EXAMPLE[parent],
        }
    if name == "name":
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": "Only the units whose name contains this text "
            "(case-insensitive, literal, surrounding blanks ignored).",
            "schema": {"type": "string"},
            "example": LIST_EXAMPLE[level][0],
        }
    if name == "q":
        return {
            "name": name,
            "in": "query",
            "required": True,
            "description": f"Text searched in the names of every level "
            f"(case-insensitive, literal); at least {MIN_QUERY_LENGTH} characters "
            "after trimming.",
            "schema": {"type": "string", "minLength": MIN_QUERY_LENGTH},
            "example": "utara",
        }
    if name == "limit":
        per = " per group" if operation_id == "search" else ""
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"At most this many items{per} (ordered by code); "
            "without it, all of them.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        }
    if name == "offset":
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": "Skip this many items first (ordered by code).",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        }
    raise KeyError(f"No OpenAPI description of query parameter {name!r}")


def _path_parameter(operation_id):
    if operation_id == "kodepos":
        return {
            "name": "code",
            "in": "path",
            "required": True,
            "description": "A 5-digit postal code; matches whole codes only.",
            "schema": {"type": "string", "pattern": r"^\d{5}$"},
            "example": "40266",
        }
    level = OPERATIONS[operation_id][2]
    return {
        "name": "code",
        "in": "path",
        "required": True,
        "description": f"The {LEVEL_WORD[level]}'s {_code_help(level)}.",
        "schema": _code_schema(level),
        "example": CODE_EXAMPLE[level],
    }


def _json_content(schema, example):
    return {"application/json": {"schema": schema, "example": example}}


def _operation(operation_id):
    tag, summary, level = OPERATIONS[operation_id]
    path = route_path(operation_id)
    parameters = [_path_parameter(operation_id)] if "{code}" in path else []
    parameters += [
        _query_parameter(operation_id, n) for n in ROUTE_PARAMS[operation_id]
    ]
    headers = {"ETag": {"$ref": "#/components/headers/ETag"}}
    errors = [400, 401]
    if operation_id == "search":
        ok = _json_content(_ref("SearchResult"), SEARCH_EXAMPLE)
        description = (
            "The matches of every level, grouped; each group by code "
            f"(example: `?{SEARCH_EXAMPLE_QUERY}`)."
        )
    elif operation_id == "kodepos":
        ok = _json_content(
            {"type": "array", "items": _ref("KodeposItem")}, KODEPOS_EXAMPLE
        )
        description = "Every village that has this postal code, by code."
        headers["X-Total-Count"] = {"$ref": "#/components/headers/X-Total-Count"}
        errors.append(404)
    elif operation_id.endswith("_list"):
        ok = _json_content(
            {"type": "array", "items": _ref(LEVEL_SCHEMA[level])},
            LIST_EXAMPLE[level][1],
        )
        description = (
            "The matching units, by code (`[]` when none; example: "
            f"`?name={LIST_EXAMPLE[level][0]}`)."
        )
        headers["X-Total-Count"] = {"$ref": "#/components/headers/X-Total-Count"}
    else:
        ok = _json_content(_ref(LEVEL_SCHEMA[level] + "Detail"), DETAIL_EXAMPLE[level])
        description = "The unit, with its ancestors and Kemendagri code."
        errors.append(404)
    responses = {"200": {"description": description, "headers": headers, "content": ok}}
    responses["304"] = {"$ref": RESPONSE_REF + "NotModified"}
    for status in (*errors, 500, 503):
        responses[str(status)] = {"$ref": RESPONSE_REF + ERRORS[status][0]}
    return {
        "tags": [tag],
        "summary": summary,
        "operationId": operation_id,
        "parameters": parameters,
        "responses": responses,
    }


def _object(properties, example=None):
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if example is not None:
        schema["examples"] = [example]
    return schema


def _schemas():
    string = {"type": "string"}
    postal = {
        "type": "string",
        "pattern": r"^(\d{5}(,\d{5})*)?$",
        "description": 'Postal code(s), comma-separated; `""` when unknown.',
    }
    kemendagri = {
        "type": "string",
        "description": "Dotted Kemendagri code(s), comma-separated where BPS "
        'merges units; `""` when Kemendagri has none.',
    }
    active = {
        "type": "boolean",
        "description": "False for a unit no longer in the current data.",
    }

    def code(level):
        return {"type": "string", "pattern": _bps_pattern(level)}

    def ref(level):
        return _object({"code": code(level), "name": string})

    def detail(level, ancestors):
        properties = {"code": code(level), "name": string}
        if level == "kelurahan":
            properties["postal_code"] = postal
        properties.update(ancestors)
        properties.update(kemendagri_code=kemendagri, active=active)
        return _object(properties, DETAIL_EXAMPLE[level])

    province, city, district = ref("provinsi"), ref("kota"), ref("kecamatan")
    schemas = {
        "Provinsi": _object({"code": code("provinsi"), "name": string}),
        "Kota": _object(
            {"code": code("kota"), "name": string, "province_code": code("provinsi")}
        ),
        "Kecamatan": _object(
            {"code": code("kecamatan"), "name": string, "city_code": code("kota")}
        ),
        "Kelurahan": _object(
            {
                "code": code("kelurahan"),
                "name": string,
                "postal_code": postal,
                "district_code": code("kecamatan"),
            }
        ),
        "ProvinsiDetail": detail("provinsi", {}),
        "KotaDetail": detail("kota", {"province": province}),
        "KecamatanDetail": detail("kecamatan", {"city": city, "province": province}),
        "KelurahanDetail": detail(
            "kelurahan", {"sub_district": district, "city": city, "province": province}
        ),
        "KodeposItem": _object(
            {
                "code": code("kelurahan"),
                "name": string,
                "postal_code": postal,
                "kecamatan": district,
                "kota": city,
                "provinsi": province,
            },
            KODEPOS_EXAMPLE[0],
        ),
        "SearchResult": _object(
            {
                level: {"type": "array", "items": _ref(LEVEL_SCHEMA[level])}
                for level in LEVEL_SCHEMA
            },
            SEARCH_EXAMPLE,
        ),
        "Error": _object(
            {
                "status": {"type": "integer", "description": "The HTTP status."},
                "error": {"type": "string", "description": "Its standard phrase."},
                "message": {"type": "string", "description": "What went wrong."},
            }
        ),
    }
    return schemas


def _error_responses():
    responses = {
        "NotModified": {
            "description": "Not Modified: `If-None-Match` matches the answer's "
            "`ETag`; no body.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        }
    }
    for status, (name, description, message) in ERRORS.items():
        example = {"status": status, "error": ERROR_TITLES[status], "message": message}
        responses[name] = {
            "description": f"{ERROR_TITLES[status]}: {description}",
            "content": _json_content(_ref("Error"), example),
        }
    return responses


def _self_description():
    """The two routes of this document and its page: no key needed."""
    return {
        OPENAPI_PATH: {
            "get": {
                "tags": ["Documentation"],
                "summary": "This OpenAPI 3.1 document",
                "operationId": "openapi",
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document of the API.",
                        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "304": {"$ref": RESPONSE_REF + "NotModified"},
                },
            }
        },
        DOCS_PATH: {
            "get": {
                "tags": ["Documentation"],
                "summary": "This documentation page (Swagger UI)",
                "operationId": "docs",
                "security": [],
                "responses": {
                    "200": {
                        "description": "An HTML page rendering this document.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }


@functools.cache
def build_openapi():
    """The OpenAPI document, as a dict (built once per process; do not mutate)."""
    paths = {}
    for operation_id in OPERATIONS:
        paths[route_path(operation_id)] = {"get": _operation(operation_id)}
    paths.update(_self_description())
    tags = list(dict.fromkeys(operation[0] for operation in OPERATIONS.values()))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Wilayah Indonesia API",
            "version": get_manifest(MODULE)["version"],
            "summary": "Indonesian administrative regions and postal codes.",
            "description": DESCRIPTION,
            "license": {"name": "LGPL-3.0", "identifier": "LGPL-3.0-only"},
        },
        "servers": [{"url": "/", "description": "This Odoo server"}],
        "security": [{"ApiKey": []}],
        "tags": [{"name": tag} for tag in (*tags, "Documentation")],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": f"The value of the system parameter "
                    f"`{API_KEY_PARAM}`.",
                }
            },
            "schemas": _schemas(),
            "responses": _error_responses(),
            "headers": {
                "ETag": {
                    "description": "Identifies this answer; send it back in "
                    "`If-None-Match` to get a `304` while it is unchanged.",
                    "schema": {"type": "string"},
                },
                "X-Total-Count": {
                    "description": "How many items match, before `limit`/`offset`.",
                    "schema": {"type": "integer", "minimum": 0},
                },
            },
        },
    }


@functools.cache
def openapi_json():
    """The document serialized (bytes), built once per process."""
    return json.dumps(build_openapi(), ensure_ascii=False, indent=1).encode()
