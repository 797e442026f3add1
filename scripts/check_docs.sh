#!/usr/bin/env bash
# Browser check of /api/docs on a running server (make docs-check):
# headless Chromium (Debian's chromium + chromium-driver, driven by
# python3-selenium) loads the page, checks that it lists every path of
# /api/openapi.json, and runs "Authorize" + "Try it out" + "Execute" on
# /api/provinsi/{code} with 32. Also validates the document with
# openapi-spec-validator (from PyPI, in a venv in the state dir).
#   URL=http://localhost:8069  server to check (default: localhost:$PORT)
#   KEY=<api key>              default: the key of database $DB (scripts/key.sh)
#   SHOT=/tmp/wilayah-docs.png where the screenshot goes
#   DOCS_VALIDATE=0            skip the OpenAPI validation (no PyPI access)
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL="${URL:-http://localhost:${PORT:-8069}}"
SHOT="${SHOT:-/tmp/wilayah-docs.png}"

apt_ensure chromium chromium-driver python3-selenium
if [ -z "${KEY:-}" ]; then
    KEY="$(bash "$REPO_ROOT/scripts/key.sh")"
fi
export URL KEY

if ! curl -fsS -o /dev/null "$URL/api/openapi.json"; then
    die "no server answers $URL/api/openapi.json (start one: make run)"
fi

rc=0
if [ "${DOCS_VALIDATE:-1}" = 1 ]; then
    validator="$(openapi_validator)"
    doc="$(mktemp --suffix=.json)"
    on_exit rm -f "$doc"
    curl -fsS -o "$doc" "$URL/api/openapi.json"
    log "openapi-spec-validator $URL/api/openapi.json"
    "$validator" --schema 3.1.0 "$doc" || rc=1
fi

log "browser check of $URL/api/docs (screenshot: $SHOT)"
"$PYTHON" "$REPO_ROOT/scripts/check_docs.py" "$SHOT" || rc=1
exit "$rc"
