"""Self-description of the API: ``/api/openapi.json`` and ``/api/docs``.

Neither needs the API key. The page is Swagger UI, shipped in the addon
(``static/lib/swagger-ui``), with its own script in a static file so that a
strict Content-Security-Policy (no inline script, no other origin) holds.
"""

import hashlib
import html
import logging

from odoo import http
from odoo.http import request

from .api import JSON_CONTENT_TYPE, ROUTE_OPTIONS, json_error
from .openapi import DOCS_PATH, MODULE, OPENAPI_PATH, openapi_json

_logger = logging.getLogger(__name__)

STATIC = f"/{MODULE}/static"
SWAGGER_UI_VERSION = "5.35.0"  # static/lib/swagger-ui/README.md
SWAGGER_CSS = f"{STATIC}/lib/swagger-ui/swagger-ui.css"
SWAGGER_JS = f"{STATIC}/lib/swagger-ui/swagger-ui-bundle.js"
DOCS_CSS = f"{STATIC}/src/docs/docs.css"
DOCS_JS = f"{STATIC}/src/docs/docs.js"
ALLOWED_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD, OPTIONS"
# Swagger UI sets style attributes and inline SVG; everything else is 'self'.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Wilayah Indonesia API</title>
<link rel="stylesheet" href="{swagger_css}"/>
<link rel="stylesheet" href="{docs_css}"/>
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec_url}">
<noscript><p class="wilayah-noscript">This page needs JavaScript. The API is
described by the OpenAPI document <a href="{spec_url}">{spec_url}</a>.</p></noscript>
</div>
<script src="{swagger_js}"></script>
<script src="{docs_js}"></script>
</body>
</html>
"""


def docs_page():
    version = f"?v={SWAGGER_UI_VERSION}"
    return DOCS_PAGE.format(
        swagger_css=html.escape(SWAGGER_CSS + version),
        swagger_js=html.escape(SWAGGER_JS + version),
        docs_css=html.escape(DOCS_CSS + version),
        docs_js=html.escape(DOCS_JS + version),
        spec_url=html.escape(OPENAPI_PATH),
    ).encode()


class WilayahApiDocsController(http.Controller):
    @http.route(OPENAPI_PATH, **ROUTE_OPTIONS)
    def openapi(self, **_params):
        return self._static_answer(openapi_json, JSON_CONTENT_TYPE, [])

    @http.route(DOCS_PATH, **ROUTE_OPTIONS)
    def docs(self, **_params):
        return self._static_answer(
            docs_page,
            "text/html; charset=utf-8",
            [
                ("Content-Security-Policy", DOCS_CSP),
                ("X-Frame-Options", "SAMEORIGIN"),
                ("Referrer-Policy", "no-referrer"),
            ],
        )

    def _static_answer(self, body_function, content_type, extra_headers):
        """A fixed public answer, with ETag/304 and CORS for any origin."""
        try:
            return self._answer(body_function, content_type, extra_headers)
        except Exception:
            # As the API does: a JSON 500, never a traceback nor an HTML page.
            _logger.exception(
                "Wilayah API: unexpected error on %s", request.httprequest.path
            )
            return json_error(500, "Unexpected server error; it has been logged.")

    def _answer(self, body_function, content_type, extra_headers):
        method = request.httprequest.method
        cors = [("Access-Control-Allow-Origin", "*")]
        if method == "OPTIONS":
            return request.make_response(
                b"",
                headers=[
                    ("Allow", ALLOW),
                    ("Access-Control-Allow-Methods", ALLOW),
                    ("Access-Control-Allow-Headers", "If-None-Match, Accept"),
                    ("Access-Control-Max-Age", "86400"),
                    *cors,
                ],
                status=204,
            )
        if method not in ALLOWED_METHODS:
            return json_error(
                405,
                f"Method {method} is not allowed; use GET.",
                [("Allow", ALLOW), *cors],
            )
        body = body_function()
        etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
        headers = [
            ("Content-Type", content_type),
            ("ETag", etag),
            ("Cache-Control", "public, no-cache"),
            ("Access-Control-Expose-Headers", "ETag"),
            *cors,
            *extra_headers,
        ]
        if_none_match = request.httprequest.if_none_match
        if if_none_match and (
            if_none_match.contains_weak(etag.strip('"')) or if_none_match.star_tag
        ):
            return request.make_response(b"", headers=headers, status=304)
        return request.make_response(body, headers=headers)
