"""The API keys and the CORS origins: their parameters and their rules.

The legacy key (the published module's single key) and the origins live in
system parameters (``ir.config_parameter``) that the admin edits on the API
settings page (``models/res_config_settings.py``); client keys in
``wilayah.api.client`` (``clients.py``). The controller checks every request
against one ``ApiAccess`` a worker keeps until registry signaling drops it.
"""

import hmac
import re
import secrets
from dataclasses import dataclass

from .clients import LEGACY, ClientTable
from .errors import ApiError

API_KEY_PARAM = "wilayah.api.key"
# "False" switches the legacy key off: then only client keys open the API.
LEGACY_KEY_ENABLED_PARAM = "wilayah.api.legacy_key_enabled"
# The published module shipped this key: it opens nothing.
API_KEY_PLACEHOLDER = "change_this_to_your_secret_api_key"
CORS_ORIGINS_PARAM = "wilayah.api.cors_origins"
API_KEY_HEADER = "X-API-Key"
# A browser's Origin header: scheme://host[:port], no path.
ORIGIN_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#\s]+$")

API_CLOSED = (
    "The API is closed: no API key is configured. An administrator creates a "
    "client key in Wilayah Indonesia > Configuration > API Clients, or sets the "
    f"legacy key in Settings > Technical > System Parameters, key '{API_KEY_PARAM}' "
    "(or Wilayah Indonesia > Configuration > API Settings)."
)
API_CLOSED_LEGACY_OFF = (
    "The API is closed: the legacy key is switched off and no client key is "
    "active. An administrator creates one in Wilayah Indonesia > Configuration > "
    "API Clients."
)
MISSING_KEY = f"Missing {API_KEY_HEADER} header."
WRONG_KEY = "Invalid API key."
LEGACY_KEY_OFF = (
    "The legacy API key is switched off: ask the administrator for a client key."
)
REVOKED_KEY = "This API key was revoked."
KEY_IN_QUERY = (
    f"Send the API key in the {API_KEY_HEADER} header, never in the URL: URLs "
    "are written to server logs and browser histories. This request was not "
    "served; if the key in it was real, have it regenerated."
)


def expired_key(expires):
    return f"This API key expired on {expires.isoformat()}."


def rate_limited(limit):
    return (
        f"Too many requests: this key may make {limit} requests a minute. Retry "
        "after the number of seconds in the Retry-After header."
    )


def new_api_key():
    """A fresh random key: 256 bits, 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


def is_usable_key(key):
    """Whether ``key`` (the stored parameter) opens the API."""
    key = (key or "").strip()
    return bool(key) and key != API_KEY_PLACEHOLDER


def legacy_key_enabled(value):
    """Whether the stored ``LEGACY_KEY_ENABLED_PARAM`` lets the legacy key in
    (it does unless switched off: the published module's clients go on)."""
    return (value or "").strip() != "False"


# What opens the API (ApiAccess.status): the first two mean open.
OPEN_LEGACY = "open_legacy"  # the legacy key and client keys
OPEN_CLIENTS = "open_clients"  # client keys only: the legacy key is switched off
CLOSED_LEGACY_OFF = "closed_legacy_off"  # switched off, and no usable client key
CLOSED_NO_KEY = "closed_no_key"  # no legacy key, no usable client key
CLOSED_PLACEHOLDER = "closed_placeholder"  # the published placeholder, no client
OPEN_STATUSES = (OPEN_LEGACY, OPEN_CLIENTS)


@dataclass(frozen=True)
class ApiAccess:
    """Everything a request's key is checked against."""

    legacy_key: str  # the stored parameter, stripped, or ""
    legacy_enabled: bool
    clients: ClientTable

    def status(self, today):
        """What opens the API on ``today``: one of the statuses above."""
        legacy = is_usable_key(self.legacy_key)
        if legacy and self.legacy_enabled:
            return OPEN_LEGACY
        if self.clients.usable_on(today):
            return OPEN_CLIENTS
        if legacy:
            return CLOSED_LEGACY_OFF
        if self.legacy_key:
            return CLOSED_PLACEHOLDER
        return CLOSED_NO_KEY

    def check_key(self, provided, today):
        """The caller of ``provided`` (the header, or None): ``LEGACY`` or an
        ``ApiClient``; raises the ApiError to answer otherwise. A known key
        that no longer opens the API says why (switched off, revoked,
        expired); any other gets 503 while nothing opens the API."""
        status = self.status(today)
        closed = None
        if status not in OPEN_STATUSES:
            closed = ApiError(
                503,
                API_CLOSED_LEGACY_OFF if status == CLOSED_LEGACY_OFF else API_CLOSED,
            )
        # Blanks around a pasted key are not part of it (the stored one is
        # stripped too); a blank header is a missing one.
        provided = (provided or "").strip()
        if not provided:
            raise closed or ApiError(401, MISSING_KEY)
        # Header values arrive as latin-1 text: compare the raw bytes (a str
        # comparison would refuse non-ASCII text), in constant time.
        provided_bytes = provided.encode("latin-1", "replace")
        if is_usable_key(self.legacy_key) and hmac.compare_digest(
            provided_bytes, self.legacy_key.encode()
        ):
            if not self.legacy_enabled:
                raise ApiError(401, LEGACY_KEY_OFF)
            return LEGACY
        client = self.clients.find(provided_bytes)
        if client is None:
            raise closed or ApiError(401, WRONG_KEY)
        if not client.active:
            raise ApiError(401, REVOKED_KEY)
        if client.expired_on(today):
            raise ApiError(401, expired_key(client.expires))
        return client

    def origins_for(self, caller, global_origins, today):
        """The origins a browser may send this caller's key from; before the
        key is checked (caller None: a preflight, an error) every origin some
        key may be sent from."""
        if isinstance(caller, str) or caller is None:
            if caller is None and "*" not in global_origins:
                return global_origins | self.clients.origins(today)
            return global_origins
        return caller.origins or global_origins


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
