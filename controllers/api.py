"""REST routes of the Wilayah Indonesia API (see README and /api/docs).

Plain ``type='http'`` routes, like ``/web/health``: no session, no login, a
read-only cursor, JSON in and out. The key is checked in constant time and
never logged nor echoed; every failure, expected or not, is a JSON error.
"""

import json
import logging

from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from ..models.wilayah_api_index import ApiError
from ..models.wilayah_data import API_KEY_PARAM, API_KEY_PLACEHOLDER, CORS_ORIGINS_PARAM

_logger = logging.getLogger(__name__)

ALLOWED_METHODS = ("GET", "HEAD")
CORS_METHODS = "GET, HEAD, OPTIONS"
CORS_ALLOW_HEADERS = "X-API-Key, If-None-Match, Accept, Content-Type"
CORS_EXPOSE_HEADERS = "ETag, X-Total-Count"
CORS_MAX_AGE = "86400"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
NO_DATABASE_MESSAGE = (
    "The region database is not available right now (the database server is "
    "unreachable, or Odoo serves several databases and none is selected: run it "
    "with --db-filter). Try again shortly."
)

ROUTE_OPTIONS = {
    "type": "http",
    "auth": "none",
    "methods": None,  # every method reaches us, so that others get a JSON 405
    "csrf": False,
    "save_session": False,
    "readonly": True,
}


def json_error(status, message, headers=()):
    body = json.dumps(
        {
            "status": status,
            "error": HTTP_STATUS_CODES.get(status, "Error"),
            "message": message,
        },
        ensure_ascii=False,
    )
    return request.make_response(
        body,
        headers=[
            ("Content-Type", JSON_CONTENT_TYPE),
            ("Cache-Control", "no-store"),
            *headers,
        ],
        status=status,
    )


class WilayahApiController(http.Controller):
    # --- routes -------------------------------------------------------------

    @http.route("/api/provinsi", **ROUTE_OPTIONS)
    def provinsi_list(self, **_params):
        return self._serve("provinsi_list")

    @http.route("/api/provinsi/<string:code>", **ROUTE_OPTIONS)
    def provinsi_detail(self, code, **_params):
        return self._serve("provinsi_detail", code)

    @http.route("/api/kota", **ROUTE_OPTIONS)
    def kota_list(self, **_params):
        return self._serve("kota_list")

    @http.route("/api/kota/<string:code>", **ROUTE_OPTIONS)
    def kota_detail(self, code, **_params):
        return self._serve("kota_detail", code)

    @http.route("/api/kecamatan", **ROUTE_OPTIONS)
    def kecamatan_list(self, **_params):
        return self._serve("kecamatan_list")

    @http.route("/api/kecamatan/<string:code>", **ROUTE_OPTIONS)
    def kecamatan_detail(self, code, **_params):
        return self._serve("kecamatan_detail", code)

    @http.route("/api/kelurahan", **ROUTE_OPTIONS)
    def kelurahan_list(self, **_params):
        return self._serve("kelurahan_list")

    @http.route("/api/kelurahan/<string:code>", **ROUTE_OPTIONS)
    def kelurahan_detail(self, code, **_params):
        return self._serve("kelurahan_detail", code)

    @http.route("/api/kodepos/<string:code>", **ROUTE_OPTIONS)
    def kodepos(self, code, **_params):
        return self._serve("kodepos", code)

    @http.route("/api/search", **ROUTE_OPTIONS)
    def search(self, **_params):
        return self._serve("search")

    @http.route(["/api", "/api/<path:_rest>"], **ROUTE_OPTIONS)
    def not_found(self, **_params):
        return self._serve(None)

    # --- plumbing -----------------------------------------------------------

    def _serve(self, route, reference=""):
        try:
            return self._answer(route, reference)
        except Exception:
            # Never a traceback nor an HTML page: log it here, answer a JSON 500.
            _logger.exception(
                "Wilayah API: unexpected error on %s", request.httprequest.path
            )
            return json_error(500, "Unexpected server error; it has been logged.")

    def _answer(self, route, reference):
        httprequest = request.httprequest
        method = httprequest.method
        if not request.db:
            # Served without a database (only when the addon is a server-wide
            # module): PostgreSQL is unreachable, or Odoo cannot tell which of
            # several databases to use. Not a 404: the regions still exist.
            return json_error(503, NO_DATABASE_MESSAGE, [("Retry-After", "5")])
        cors_headers = self._cors_headers()
        if method == "OPTIONS":
            return self._preflight(cors_headers)
        if method not in ALLOWED_METHODS:
            return json_error(
                405,
                f"Method {method} is not allowed; use GET.",
                [("Allow", CORS_METHODS), *cors_headers],
            )
        denied = self._check_key()
        if denied:
            return json_error(*denied, cors_headers)
        if route is None:
            path = httprequest.path
            path = path if len(path) <= 80 else path[:80] + "..."
            return json_error(404, f"No API route {path}.", cors_headers)

        index = request.env["wilayah.api.index"].sudo()._get_index()
        try:
            answer = index.answer(route, reference.strip(), httprequest.args)
        except ApiError as error:
            return json_error(error.status, error.message, cors_headers)

        headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("ETag", answer.etag),
            ("Cache-Control", "private, no-cache"),
            ("Vary", "Accept-Encoding, X-API-Key, Origin"),
            *cors_headers,
        ]
        if answer.total is not None:
            headers.append(("X-Total-Count", str(answer.total)))
        if self._etag_matches(answer.etag):
            return request.make_response(b"", headers=headers, status=304)
        body = answer.body
        if answer.gzipped is not None and self._accepts_gzip():
            body = answer.gzipped
            headers.append(("Content-Encoding", "gzip"))
        return request.make_response(body, headers=headers)

    def _check_key(self):
        """(status, message) when the request may not be served, else None."""
        expected = (
            request.env["ir.config_parameter"].sudo().get_param(API_KEY_PARAM) or ""
        )
        expected = expected.strip()
        if not expected or expected == API_KEY_PLACEHOLDER:
            return (
                503,
                "The API is closed: no API key is configured. An administrator sets "
                "one in Settings > Technical > System Parameters, key "
                f"'{API_KEY_PARAM}' (or Wilayah Indonesia > Configuration > "
                "API Settings).",
            )
        provided = request.httprequest.headers.get("X-API-Key")
        if provided is None:
            return 401, "Missing X-API-Key header."
        # Header values arrive as latin-1 text: compare the raw bytes.
        provided_bytes = provided.encode("latin-1", "replace")
        if not consteq(provided_bytes, expected.encode()):
            return 401, "Invalid API key."
        return None

    def _etag_matches(self, etag):
        if_none_match = request.httprequest.if_none_match
        return bool(if_none_match) and (
            if_none_match.contains_weak(etag.strip('"')) or if_none_match.star_tag
        )

    def _accepts_gzip(self):
        accept_encoding = request.httprequest.headers.get("Accept-Encoding")
        return (
            bool(accept_encoding) and parse_accept_header(accept_encoding)["gzip"] > 0
        )

    def _allowed_origins(self):
        value = (
            request.env["ir.config_parameter"].sudo().get_param(CORS_ORIGINS_PARAM)
            or "*"
        )
        return set(value.replace(",", " ").split()) or {"*"}

    def _cors_headers(self):
        origin = request.httprequest.headers.get("Origin")
        if not origin:
            return []
        allowed = self._allowed_origins()
        if "*" in allowed:
            return [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
            ]
        if origin in allowed:
            return [
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
            ]
        return []

    def _preflight(self, cors_headers):
        """Answer a CORS preflight ourselves: Odoo's ``cors=`` would not allow
        the X-API-Key header."""
        headers = [("Allow", CORS_METHODS), ("Cache-Control", "no-store")]
        if request.httprequest.headers.get("Origin"):
            if not cors_headers:
                return json_error(
                    403, "This origin is not allowed to call the API.", headers
                )
            headers += [
                *cors_headers,
                ("Access-Control-Allow-Methods", CORS_METHODS),
                ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
            ]
        return request.make_response(b"", headers=headers, status=204)
