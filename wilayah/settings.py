"""The API key and the CORS origins: their parameters and their rules.

The values live in system parameters (``ir.config_parameter``); the admin
edits them on the API settings page (``models/res_config_settings.py``) and
the controller reads them per request.
"""

import hmac
import re
import secrets

from .errors import ApiError

API_KEY_PARAM = "wilayah.api.key"
# The published module shipped this key: it opens nothing.
API_KEY_PLACEHOLDER = "change_this_to_your_secret_api_key"
CORS_ORIGINS_PARAM = "wilayah.api.cors_origins"
API_KEY_HEADER = "X-API-Key"
# A browser's Origin header: scheme://host[:port], no path.
ORIGIN_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#\s]+$")

API_CLOSED = (
    "The API is closed: no API key is configured. An administrator sets one in "
    f"Settings > Technical > System Parameters, key '{API_KEY_PARAM}' (or "
    "Wilayah Indonesia > Configuration > API Settings)."
)
MISSING_KEY = f"Missing {API_KEY_HEADER} header."
WRONG_KEY = "Invalid API key."


def new_api_key():
    """A fresh random key: 256 bits, 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


def is_usable_key(key):
    """Whether ``key`` (the stored parameter) opens the API."""
    key = (key or "").strip()
    return bool(key) and key != API_KEY_PLACEHOLDER


def check_key(expected, provided):
    """None when ``provided`` (the header, or None) opens the API; else the
    ApiError to answer. Constant time in the key's content."""
    if not is_usable_key(expected):
        return ApiError(503, API_CLOSED)
    if provided is None:
        return ApiError(401, MISSING_KEY)
    # Header values arrive as latin-1 text: compare the raw bytes (a str
    # comparison would refuse non-ASCII text), in constant time.
    provided_bytes = provided.encode("latin-1", "replace")
    if not hmac.compare_digest(provided_bytes, expected.strip().encode()):
        return ApiError(401, WRONG_KEY)
    return None


def allowed_origins(value):
    """The set of origins a stored parameter allows; {"*"} for any."""
    return set((value or "*").replace(",", " ").split()) or {"*"}


def normalize_origins(value):
    """'https://A.example.com/ https://b.example.com' ->
    'https://a.example.com, https://b.example.com'; '*' when empty.
    Raises ValueError(origin) for an entry that is not a web origin."""
    origins = []
    for origin in (value or "").replace(",", " ").split():
        origin = origin.rstrip("/").lower()
        if origin != "*" and not ORIGIN_RE.match(origin):
            raise ValueError(origin)
        if origin not in origins:
            origins.append(origin)
    # '*' already allows any origin: listing others next to it means nothing.
    if not origins or "*" in origins:
        return "*"
    return ", ".join(origins)
