"""The OpenAPI 3.1 document of the API and its docs page, built from the
route table and the level table.

Served at ``/api/openapi.json`` and ``/api/docs`` (two public rows of the
route table); ``tests/test_openapi.py`` checks the document against Odoo's
routing map, a validator and real answers.
"""

import ast
import functools
import json
import re
from pathlib import Path

from werkzeug.http import HTTP_STATUS_CODES

from .docs_page import DOCS_PATH, OPENAPI_PATH
from .errors import SERVER_ERROR, invalid_code, method_not_allowed, not_found
from .geo import LATITUDE_RANGE, LONGITUDE_RANGE
from .index import answer_of
from .levels import (
    LEVEL_KEYS,
    LEVELS,
    POSTAL_CODE_PATTERN,
    POSTAL_CODES_PATTERN,
    ancestors,
)
from .params import MAX_TEXT_LENGTH
from .routes import (
    ALLOW,
    CORS_EXPOSE_HEADERS,
    EXAMPLES,
    ROUTES,
    ROUTES_BY_NAME,
    detail_schema_name,
    list_schema_name,
    schema_ref,
)
from .settings import (
    API_CLOSED,
    API_KEY_HEADER,
    API_KEY_PARAM,
    CORS_ORIGINS_PARAM,
    MISSING_KEY,
    rate_limited,
)

ADDON_DIR = Path(__file__).resolve().parent.parent
RESPONSE_REF = "#/components/responses/"
# The rate limit of the 429 example (a client the tests give that limit).
EXAMPLE_RATE_LIMIT = 60


def _example_messages():
    """The message a real request gets for each documented status (the tests
    send those requests)."""
    kecamatan = LEVELS["kecamatan"]
    return {
        400: invalid_code(kecamatan, "32040").message,
        401: MISSING_KEY,
        404: not_found(kecamatan, "3204999").message,
        405: method_not_allowed("POST", ALLOW).message,
        429: rate_limited(EXAMPLE_RATE_LIMIT),
        500: SERVER_ERROR,
        503: API_CLOSED,
    }


ERRORS = {
    400: (
        "BadRequest",
        "Malformed input: a code that is not digits of a valid length, a postal "
        "code that is not 5 digits, `q` shorter than 3 characters, a bad "
        "`limit`/`offset`, a `lat`/`lng` that is missing, not a decimal number "
        "or out of range.",
    ),
    401: (
        "Unauthorized",
        f"The `{API_KEY_HEADER}` header is missing, or its key is wrong, revoked "
        "(its client archived), expired, or the legacy key while it is switched "
        "off; the message says which.",
    ),
    404: (
        "NotFound",
        "A well-formed code or postal code that matches nothing, a point in no "
        "unit (the sea, abroad), a unit whose boundary is not known (or an "
        "unknown `/api/...` path).",
    ),
    405: (
        "MethodNotAllowed",
        "Any method other than GET, HEAD and OPTIONS (CORS preflight), on any "
        "`/api/...` path; the `Allow` header lists the allowed ones.",
    ),
    429: (
        "TooManyRequests",
        "The client key's rate limit (requests a minute) is reached; "
        "`Retry-After` gives the seconds to wait.",
    ),
    500: (
        "InternalServerError",
        "Unexpected server error (logged on the server, never a stack trace).",
    ),
    503: (
        "ServiceUnavailable",
        "The API is closed: no key can open it (the legacy key, the system "
        "parameter, is missing, empty, still the published placeholder or "
        "switched off, and no client key is active); or the database is "
        "unreachable (then with `Retry-After`).",
    ),
}
DESCRIPTION = f"""\
Indonesian administrative regions: provinsi (province), kota/kabupaten
(city/regency), kecamatan (district), kelurahan/desa (village) and postal codes.

**Authentication.** Every data route needs a key in the `{API_KEY_HEADER}`
header (**Authorize** above): a client key, one per app, that an administrator
creates in Wilayah Indonesia > Configuration > API Clients (shown once; it can
be revoked, expire, and have a rate limit: over it, `429` with `Retry-After`),
or the legacy key of the published module, the system parameter
`{API_KEY_PARAM}` (unless the administrator switched it off). A key in the
query string is refused (400): URLs end up in logs. This document
(`{OPENAPI_PATH}`) and its page (`{DOCS_PATH}`) need no key.

**Codes** are JSON strings. BPS codes: {
    ", ".join(
        f"{level.word} {level.code_length} digits (`{level.example_code}`)"
        for level in LEVELS.values()
    )
}. Detail routes and parent filters also take the dotted Kemendagri code ({
    ", ".join(
        f"`{level.example_kemendagri}`"
        for level in LEVELS.values()
        if level.kemendagri_parts
    )
}); a province's Kemendagri code is its BPS code. Postal codes are strings; a
village may have several, comma-separated (`"23895,23898"`), or none (`""`).

**Lists** are ordered by code; filters combine with AND; an unknown filter value
gives `[]`. `limit`/`offset` page them and `X-Total-Count` gives the total.
`name` and `q` match literally (`%`, `_`, `\\` are plain characters),
case-insensitively, ignoring surrounding blanks; at most {MAX_TEXT_LENGTH}
characters.

**Map.** Detail answers and address hits carry the unit's centroid
(`latitude`, `longitude`; `null` where its boundary is not known).
`/api/lokasi?lat=&lng=` answers the village at a point and
`/api/{{level}}/{{code}}/geojson` a unit's boundary, from simplified boundaries
(accurate to some tens of metres; see the README).

**Caching.** Every answer has an `ETag`; a request with a matching
`If-None-Match` gets `304 Not Modified` without a body. Answers are gzipped when
the client sends `Accept-Encoding: gzip`.

**Errors** are JSON `{{"status": int, "error": str, "message": str}}`, never HTML:
400 malformed input, 401 missing, wrong, revoked or expired key, 404 nothing with
that code, 405 a method other than GET/HEAD/OPTIONS, 429 over the key's rate
limit, 503 no key can open the API, 500 unexpected.

**CORS.** Browsers may call the API from the origins the administrator allows
(system parameter `{CORS_ORIGINS_PARAM}`, default any; a client key may have
origins of its own instead); the preflight allows the `{API_KEY_HEADER}` header
and exposes `{CORS_EXPOSE_HEADERS}`.
"""


def openapi_path(werkzeug_path):
    """``/api/kota/<string:code>`` -> ``/api/kota/{code}``."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", werkzeug_path)


def _json_content(schema, example):
    return {"application/json": {"schema": schema, "example": example}}


def code_schema(level):
    """A code that the routes accept: BPS, or dotted Kemendagri below provinces."""
    bps = {"type": "string", "pattern": level.code_pattern, "title": "BPS code"}
    if not level.kemendagri_parts:
        return {**bps, "examples": [level.example_code]}
    kemendagri = {
        "type": "string",
        "pattern": level.kemendagri_pattern,
        "title": "Kemendagri code",
    }
    return {
        "type": "string",
        "anyOf": [bps, kemendagri],
        "examples": [level.example_code, level.example_kemendagri],
    }


def any_code_schema():
    """A code of a unit at any level (the `within` of address search)."""
    return {
        "type": "string",
        "anyOf": [
            {"type": "string", "pattern": pattern}
            for level in LEVELS.values()
            for pattern in (level.code_pattern, level.kemendagri_pattern)
            if pattern
        ],
        "examples": [LEVELS["kota"].example_code, LEVELS["kota"].example_kemendagri],
    }


def _parameter_schema(param):
    if param.kind == "code":
        return code_schema(LEVELS[param.level]) if param.level else any_code_schema()
    if param.kind == "levels":
        keys = "|".join(LEVELS)
        return {"type": "string", "pattern": rf"^\s*({keys})?(\s*,\s*({keys})?)*\s*$"}
    if param.kind == "level":
        return {"type": "string", "enum": list(LEVELS), "default": param.default}
    if param.kind == "degrees":
        return {"type": "number", "minimum": param.minimum, "maximum": param.maximum}
    if param.kind == "postal":
        return {"type": "string", "pattern": f"^{POSTAL_CODE_PATTERN}$"}
    if param.kind == "count":
        schema = {"type": "integer", "minimum": param.minimum}
        if param.maximum is not None:
            schema["maximum"] = param.maximum
        elif param.minimum == 0:
            schema["default"] = 0
        if param.default is not None:
            schema["default"] = param.default
        return schema
    schema = {"type": "string", "maxLength": MAX_TEXT_LENGTH}
    if param.min_length:
        schema["minLength"] = param.min_length
    return schema


def _parameter(param, where):
    parameter = {
        "name": param.name,
        "in": where,
        "required": where == "path" or param.required,
        "description": param.description,
        "schema": _parameter_schema(param),
    }
    if param.example is not None:
        numeric = param.kind == "degrees"
        parameter["example"] = float(param.example) if numeric else param.example
    return parameter


def _operation(route):
    parameters = [_parameter(route.code, "path")] if route.code else []
    parameters += [_parameter(param, "query") for param in route.params]
    headers = {"ETag": {"$ref": "#/components/headers/ETag"}}
    if route.paged:
        headers["X-Total-Count"] = {"$ref": "#/components/headers/X-Total-Count"}
    ok = {
        "description": route.description,
        "headers": headers,
        "content": _json_content(route.schema, route.example),
    }
    statuses = (400, 401, 404) if route.not_found else (400, 401)
    responses = {"200": ok, "304": {"$ref": RESPONSE_REF + "NotModified"}}
    for status in (*statuses, 429, 500, 503):
        responses[str(status)] = {"$ref": RESPONSE_REF + ERRORS[status][0]}
    return {
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": route.name,
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
        "pattern": POSTAL_CODES_PATTERN,
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
    coordinates = {
        "latitude": _degrees(*LATITUDE_RANGE, "Latitude"),
        "longitude": _degrees(*LONGITUDE_RANGE, "Longitude"),
    }

    def code(level):
        return {"type": "string", "pattern": level.code_pattern}

    def ref(level):
        return _object({"code": code(level), "name": string})

    def unit_type(level):
        values = [kind.value for kind in level.types]
        # the rule's docstring, in JSON's words
        rule = re.sub(r"\bNone\b", "`null`", " ".join(level.type_rule.__doc__.split()))
        return {
            "type": ["string", "null"],
            "enum": [*values, None],
            "description": f"The kind of {level.word}: "
            f"{', '.join(f'`{value}`' for value in values)}, from its codes. {rule}",
        }

    schemas = {}
    for level in LEVELS.values():
        item = {"code": code(level), "name": string}
        detail = dict(item)
        if level.has_postal_code:
            item["postal_code"] = detail["postal_code"] = postal
        if level.types:
            detail["type"] = unit_type(level)  # not in lists (the published shape)
        if level.parent:
            item[LEVELS[level.parent].code_key] = code(LEVELS[level.parent])
        for ancestor in ancestors(level.key):
            detail[LEVELS[ancestor].detail_key] = ref(LEVELS[ancestor])
        detail.update(kemendagri_code=kemendagri, active=active, **coordinates)
        example = EXAMPLES.units[level.key][level.example_code]
        schemas[list_schema_name(level.key)] = _object(item)
        schemas[detail_schema_name(level.key)] = _object(
            detail, EXAMPLES.detail(level.key, example)
        )
    kodepos_item = {
        "code": code(LEVELS["kelurahan"]),
        "name": string,
        "postal_code": postal,
        **{ancestor: ref(LEVELS[ancestor]) for ancestor in ancestors("kelurahan")},
    }
    schemas["KodeposItem"] = _object(kodepos_item, ROUTES_BY_NAME["kodepos"].example[0])
    schemas["SearchResult"] = _object(
        {
            level: {"type": "array", "items": schema_ref(list_schema_name(level))}
            for level in LEVELS
        },
        ROUTES_BY_NAME["search"].example,
    )
    schemas["AlamatHit"] = _alamat_hit_schema(string, postal, ref, coordinates)
    schemas["Boundary"] = _boundary_schema()
    schemas["Error"] = _object(
        {
            "status": {"type": "integer", "description": "The HTTP status."},
            "error": {"type": "string", "description": "Its standard phrase."},
            "message": {"type": "string", "description": "What went wrong."},
        }
    )
    return schemas


def _degrees(low, high, what):
    return {
        "type": ["number", "null"],
        "minimum": low,
        "maximum": high,
        "description": f"{what} of the unit's centroid, in decimal degrees (WGS "
        "84); `null` where its boundary is not known.",
    }


def _boundary_schema():
    """A GeoJSON Feature with a MultiPolygon (RFC 7946), as the geojson
    routes answer it."""
    # (prefixItems would say which is which, but schemathesis 4 reads it
    # as an invalid schema)
    position = {
        "type": "array",
        "items": {
            "type": "number",
            "minimum": LONGITUDE_RANGE[0],
            "maximum": LONGITUDE_RANGE[1],
        },
        "minItems": 2,
        "maxItems": 2,
        "description": "[longitude, latitude], in decimal degrees (WGS 84).",
    }
    ring = {"type": "array", "items": position, "minItems": 4}
    polygon = {"type": "array", "items": ring, "minItems": 1}
    return _object(
        {
            "type": {"const": "Feature"},
            "geometry": _object(
                {
                    "type": {"const": "MultiPolygon"},
                    "coordinates": {"type": "array", "items": polygon, "minItems": 1},
                }
            ),
            "properties": _object(
                {
                    "code": {"type": "string", "description": "Its BPS code."},
                    "name": {"type": "string"},
                    "level": {"type": "string", "enum": list(LEVELS)},
                }
            ),
        },
        ROUTES_BY_NAME[f"{LEVEL_KEYS[-1]}_geojson"].example,
    )


def _alamat_hit_schema(string, postal, ref, coordinates):
    """A hit of /api/alamat: the parents above its level, a postal code for
    a village."""
    types = [kind for level in LEVELS.values() for kind in level.types]
    properties = {
        "level": {"type": "string", "enum": list(LEVELS)},
        "code": {
            "type": "string",
            "description": "BPS code: "
            + ", ".join(
                f"{level.code_length} digits for a {level.word}"
                for level in LEVELS.values()
            )
            + ".",
        },
        "name": string,
        "type": {
            "type": ["string", "null"],
            "enum": [*(kind.value for kind in types), None],
            "description": "The kind of unit, as in the detail routes "
            f"({', '.join(f'`{kind.value}`' for kind in types)}); `null` for "
            "the levels without kinds and where the codes do not tell.",
        },
        "postal_code": {
            **postal,
            "description": "Only in a village's hit. " + postal["description"],
        },
        **{
            level.key: {
                **ref(level),
                "description": f"Its {level.word}, below " f"{level.word} level only.",
            }
            for level in LEVELS.values()
            if level.child
        },
        **coordinates,
        "label": {
            "type": "string",
            "description": "Ready to show: its name and its parents' names, "
            "nearest first, with KAB./KOTA before a regency's or city's name, and "
            "a village's postal code(s).",
        },
        "score": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "How much of the query the hit and its parents "
            "account for (1: all of it, exactly).",
        },
    }
    schema = _object(properties, ROUTES_BY_NAME["alamat"].example[0])
    schema["required"] = [
        "level",
        "code",
        "name",
        "type",
        "latitude",
        "longitude",
        "label",
        "score",
    ]
    return schema


def _responses():
    responses = {
        "NotModified": {
            "description": "Not Modified: `If-None-Match` matches the answer's "
            "`ETag`; no body.",
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        }
    }
    messages = _example_messages()
    for status, (name, description) in ERRORS.items():
        title = HTTP_STATUS_CODES[status]
        example = {"status": status, "error": title, "message": messages[status]}
        responses[name] = {
            "description": f"{title}: {description}",
            "content": _json_content(schema_ref("Error"), example),
        }
    responses["TooManyRequests"]["headers"] = {
        "Retry-After": {
            "description": "Seconds until the key may make a request again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    }
    return responses


def _public_operation(route):
    content = {route.content_type.split(";")[0]: {"schema": route.schema}}
    responses = {
        "200": {
            "description": route.description,
            "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
            "content": content,
        },
        "304": {"$ref": RESPONSE_REF + "NotModified"},
    }
    return {
        "tags": [route.tag],
        "summary": route.summary,
        "operationId": route.name,
        "security": [],
        "responses": responses,
    }


def _manifest_version():
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text())
    return manifest["version"]


@functools.cache
def build_openapi():
    """The OpenAPI document, as a dict (built once per process; do not mutate)."""
    paths = {
        openapi_path(route.path): {
            "get": _public_operation(route) if route.public else _operation(route)
        }
        for route in ROUTES
    }
    tags = list(dict.fromkeys(route.tag for route in ROUTES))
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Wilayah Indonesia API",
            "version": _manifest_version(),
            "summary": "Indonesian administrative regions and postal codes.",
            "description": DESCRIPTION,
            "license": {"name": "LGPL-3.0", "identifier": "LGPL-3.0-only"},
        },
        "servers": [{"url": "/", "description": "This Odoo server"}],
        "security": [{"ApiKey": []}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": API_KEY_HEADER,
                    "description": "A client key (Wilayah Indonesia > "
                    "Configuration > API Clients) or the legacy key, the value of "
                    f"the system parameter `{API_KEY_PARAM}`.",
                }
            },
            "schemas": _schemas(),
            "responses": _responses(),
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
def openapi_answer():
    document = json.dumps(build_openapi(), ensure_ascii=False, indent=1).encode()
    return answer_of(document)
