"""HTTP of the Wilayah Indonesia API: one endpoint per row of the route table
(``wilayah/routes.py``), all served by one dispatcher.

Plain ``type='http'`` routes, like ``/web/health``: no session, no login, a
read-only cursor, JSON in and out. The key is checked in constant time and
never logged nor echoed (the access log names the client instead); every
failure, expected or not, is a JSON error.
"""

import logging
import time

from werkzeug.http import parse_accept_header

from odoo import http
from odoo.http import request

from ..wilayah.clients import (
    LEGACY,
    install_access_log_filter,
    is_key_query_name,
    set_log_caller,
    utc_today,
)
from ..wilayah.errors import (
    NO_DATABASE,
    SERVER_ERROR,
    ApiError,
    method_not_allowed,
    unknown_path,
)
from ..wilayah.params import parse_params
from ..wilayah.routes import (
    ALLOW,
    API_PREFIX,
    CORS_EXPOSE_HEADERS,
    JSON_CONTENT_TYPE,
    ROUTES,
)
from ..wilayah.settings import (
    API_KEY_HEADER,
    CORS_ORIGINS_PARAM,
    KEY_IN_QUERY,
    allowed_origins,
    rate_limited,
)

_logger = logging.getLogger(__name__)
install_access_log_filter()

SERVED_METHODS = ("GET", "HEAD")
CORS_ALLOW_HEADERS = f"{API_KEY_HEADER}, If-None-Match, Accept, Content-Type"
CORS_PUBLIC_ALLOW_HEADERS = "If-None-Match, Accept"
CORS_MAX_AGE = "86400"
VARY_KEYED = f"Accept-Encoding, {API_KEY_HEADER}, Origin"
FORBIDDEN_ORIGIN = "This origin is not allowed to call the API."

ROUTE_OPTIONS = {
    "type": "http",
    "auth": "none",
    "methods": None,  # every method reaches us, so that others get a JSON 405
    "csrf": False,
    "save_session": False,
    "readonly": True,
}


def error_response(error, headers=()):
    return request.make_response(
        error.body(),
        headers=[
            ("Content-Type", JSON_CONTENT_TYPE),
            ("Cache-Control", "no-store"),
            *error.headers,
            *headers,
        ],
        status=error.status,
    )


class WilayahApiController(http.Controller):
    # The routes of the table are added below the class, one method each.

    @http.route([API_PREFIX, f"{API_PREFIX}/<path:_rest>"], **ROUTE_OPTIONS)
    def not_found(self, **_params):
        return self._serve(None)

    def _serve(self, route, code=""):
        try:
            return self._answer(route, code)
        except Exception:
            # Never a traceback nor an HTML page: log it here, answer a JSON 500.
            _logger.exception(
                "Wilayah API: unexpected error on %s", request.httprequest.path
            )
            return error_response(ApiError(500, SERVER_ERROR))

    def _answer(self, route, code):
        public = route is not None and route.public
        if not public and not request.db:
            # Served without a database (only when the addon is a server-wide
            # module): PostgreSQL is unreachable, or Odoo cannot tell which of
            # several databases to use. Not a 404: the regions still exist.
            return error_response(ApiError(503, NO_DATABASE, [("Retry-After", "5")]))
        set_log_caller(None)
        now = time.time()
        access = None if public else self._access()
        if any(map(is_key_query_name, request.httprequest.args)):
            # Before anything else: a key in a URL is never read, on any route.
            return error_response(
                ApiError(400, KEY_IN_QUERY),
                self._cors_headers(public, access, None, now),
            )
        method = request.httprequest.method
        if method == "OPTIONS":
            return self._preflight(
                public, self._cors_headers(public, access, None, now)
            )
        caller = None  # until the key is checked
        try:
            if method not in SERVED_METHODS:
                raise method_not_allowed(method, ALLOW)
            if public:
                answer = route.answer(None, code, {}, None)
            else:
                caller = access.check_key(
                    request.httprequest.headers.get(API_KEY_HEADER), utc_today(now)
                )
                self._admit(caller, now)
                answer = self._api_answer(route, code)
        except ApiError as error:
            return error_response(
                error, self._cors_headers(public, access, caller, now)
            )
        cors = self._cors_headers(public, access, caller, now)
        headers = [
            ("Content-Type", route.content_type),
            ("ETag", answer.etag),
            ("Cache-Control", "public, no-cache" if public else "private, no-cache"),
            ("Vary", "Accept-Encoding" if public else VARY_KEYED),
            *cors,
            *route.headers,
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

    def _access(self):
        return request.env["wilayah.api.client"].sudo()._api_access()

    def _admit(self, caller, now):
        """Name the caller in the access log, count its request and hold it
        to its rate limit (a 429 ApiError)."""
        if caller is LEGACY:
            set_log_caller(LEGACY)
            return
        set_log_caller(caller.log_name)
        clients = request.env["wilayah.api.client"].sudo()
        clients._count_request(caller, now)
        if caller.rate_limit:
            wait = clients._rate_limiter().hit(caller, now)
            if wait:
                raise ApiError(
                    429, rate_limited(caller.rate_limit), [("Retry-After", str(wait))]
                )

    def _api_answer(self, route, code):
        """The answer of a keyed route (an ApiError when there is none)."""
        if route is None:
            raise unknown_path(request.httprequest.path)
        args = parse_params(route.params, request.httprequest.args)
        index = request.env["wilayah.api.index"].sudo()._get_index()
        shapes = request.env["wilayah.shape"].sudo()._shape_source()
        return index.answer(route, code.strip(), args, shapes)

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

    def _cors_headers(self, public, access, caller, now):
        """CORS headers for this request's Origin and ``caller`` (None before
        its key is checked); [] when the origin is not allowed."""
        origin = request.httprequest.headers.get("Origin")
        if public:
            allow = "*"
        elif not origin:
            return []
        else:
            allowed = access.origins_for(
                caller,
                allowed_origins(
                    request.env["ir.config_parameter"]
                    .sudo()
                    .get_param(CORS_ORIGINS_PARAM)
                ),
                utc_today(now),
            )
            if "*" in allowed:
                allow = "*"
            elif origin in allowed:
                allow = origin
            else:
                return []
        expose = "ETag" if public else CORS_EXPOSE_HEADERS
        return [
            ("Access-Control-Allow-Origin", allow),
            ("Access-Control-Expose-Headers", expose),
        ]

    def _preflight(self, public, cors):
        """Answer a CORS preflight ourselves: Odoo's ``cors=`` would not allow
        the X-API-Key header."""
        headers = [("Allow", ALLOW)]
        if request.httprequest.headers.get("Origin") or public:
            if not cors:
                return error_response(ApiError(403, FORBIDDEN_ORIGIN), headers)
            allow_headers = CORS_PUBLIC_ALLOW_HEADERS if public else CORS_ALLOW_HEADERS
            headers += [
                *cors,
                ("Access-Control-Allow-Methods", ALLOW),
                ("Access-Control-Allow-Headers", allow_headers),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
            ]
        headers.append(("Cache-Control", "no-store"))
        return request.make_response(b"", headers=headers, status=204)


def _endpoint(route):
    """The controller method of one row of the route table."""

    def endpoint(self, code="", **_params):
        return self._serve(route, code if route.code else "")

    endpoint.__name__ = route.name
    endpoint.__qualname__ = f"{WilayahApiController.__name__}.{route.name}"
    return http.route(route.path, **ROUTE_OPTIONS)(endpoint)


def _add_routes():
    for route in ROUTES:
        # A row must not replace the controller's own methods, nor another row.
        if hasattr(WilayahApiController, route.name):
            raise ValueError(f"Route name {route.name!r} is already taken")
        setattr(WilayahApiController, route.name, _endpoint(route))


_add_routes()
