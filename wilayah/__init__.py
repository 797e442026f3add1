"""The API's plain logic: levels, index, parameters, errors, routes, OpenAPI.

No ORM here: ``models/`` reads the database and ``controllers/`` does HTTP;
unit tests and the tools in ``tools/`` import this package directly.
"""

# The addon's technical name: its static files' URLs and its external ids.
ADDON = "infinys_wilayah_indonesia_api"
