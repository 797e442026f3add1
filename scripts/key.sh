#!/usr/bin/env bash
# Print the API key (system parameter wilayah.api.key) of database $DB.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${DB:-wilayah}"
pg_detect_port
pg_ready || die "PostgreSQL is not running (make setup / make run)"
db_exists "$DB" || die "database $DB does not exist yet (make run creates it)"
key="$(psql -d "$DB" -tAc \
    "SELECT value FROM ir_config_parameter WHERE key='wilayah.api.key'")"
[ -n "$key" ] || die "no system parameter wilayah.api.key in database $DB"
printf '%s\n' "$key"
