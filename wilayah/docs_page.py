"""The /api/docs page: Swagger UI, shipped in the addon
(``static/lib/swagger-ui``), with its own script in a static file so that a
strict Content-Security-Policy (no inline script, no other origin) holds.
"""

import functools
import html

from . import ADDON
from .index import answer_of

OPENAPI_PATH = "/api/openapi.json"
DOCS_PATH = "/api/docs"
STATIC = f"/{ADDON}/static"
SWAGGER_CSS = f"{STATIC}/lib/swagger-ui/swagger-ui.css"
SWAGGER_JS = f"{STATIC}/lib/swagger-ui/swagger-ui-bundle.js"
DOCS_CSS = f"{STATIC}/src/docs/docs.css"
DOCS_JS = f"{STATIC}/src/docs/docs.js"
# Swagger UI sets style attributes and inline SVG; everything else is 'self'.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
DOCS_HEADERS = (
    ("Content-Security-Policy", DOCS_CSP),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "no-referrer"),
)
SWAGGER_UI_VERSION = "5.35.0"  # static/lib/swagger-ui/README.md
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


@functools.cache
def docs_answer():
    version = f"?v={SWAGGER_UI_VERSION}"
    page = DOCS_PAGE.format(
        swagger_css=html.escape(SWAGGER_CSS + version),
        swagger_js=html.escape(SWAGGER_JS + version),
        docs_css=html.escape(DOCS_CSS + version),
        docs_js=html.escape(DOCS_JS + version),
        spec_url=html.escape(OPENAPI_PATH),
    )
    return answer_of(page.encode())
