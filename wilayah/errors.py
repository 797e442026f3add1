"""The API's errors: JSON ``{"status", "error", "message"}``, never HTML.

The messages shared by several places are written here; the OpenAPI document
shows the real ones (built by the same functions).
"""

import json

from werkzeug.http import HTTP_STATUS_CODES

SERVER_ERROR = "Unexpected server error; it has been logged."
NO_DATABASE = (
    "The region database is not available right now (the database server is "
    "unreachable, or Odoo serves several databases and none is selected: run it "
    "with --db-filter). Try again shortly."
)


class ApiError(Exception):
    """A client error the API answers with a JSON error of that status."""

    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = tuple(headers)

    def body(self):
        return json.dumps(
            {
                "status": self.status,
                "error": HTTP_STATUS_CODES.get(self.status, "Error"),
                "message": self.message,
            },
            ensure_ascii=False,
        ).encode()


def shortened(value, max_length=40):
    """A client's value, shortened to name it in an error message."""
    return value if len(value) <= max_length else value[:max_length] + "..."


def quoted(value, max_length=40):
    return f"'{shortened(value, max_length)}'"


def invalid_code(level, reference):
    expected = f"{level.code_length} digits"
    if level.kemendagri_parts:
        expected += (
            f" (BPS) or a dotted Kemendagri code such as {level.example_kemendagri}"
        )
    return ApiError(
        400, f"Invalid {level.label} code {quoted(reference)}: expected {expected}."
    )


def not_found(level, reference):
    return ApiError(404, f"No {level.label} with code {quoted(reference)}.")


def unknown_path(path):
    hint = " (API paths are lower case)" if path != path.lower() else ""
    return ApiError(404, f"No API route {shortened(path, 80)}{hint}.")


def method_not_allowed(method, allow):
    return ApiError(
        405, f"Method {method} is not allowed; use GET.", [("Allow", allow)]
    )
