#!/usr/bin/env bash
# Print the API key (system parameter wilayah.api.key) of database $DB.
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${DB:-wilayah}"
pg_detect_port
pg_ready || die "PostgreSQL is not running (make setup / make run)"
db_exists "$DB" || die "database $DB does not exist yet (make run creates it)"
api_key "$DB"
