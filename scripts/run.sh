#!/usr/bin/env bash
# Set up, install/upgrade the addon in $DB when needed, then serve Odoo in the
# foreground on http://localhost:$PORT (single database, so auth='none' routes
# get a registry).
#   DB=wilayah PORT=8069 WORKERS=0 (threaded) ; extra args are passed to Odoo.
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

DB="${DB:-wilayah}"
PORT="${PORT:-8069}"
RUN_LOG="$LOG_DIR/odoo-$DB.log"
setup_main
ensure_addon_db "$DB" "$RUN_LOG" --verbose
KEY_CMD="make -s key"
[ "$DB" = wilayah ] || KEY_CMD+=" DB=$DB"

cat <<MSG

  Odoo 18 serving database '$DB' on http://localhost:$PORT
  API key:      $KEY_CMD        (system parameter wilayah.api.key; admins also see it
                in Wilayah Indonesia > Configuration > API Settings)
  Example:      curl -H "X-API-Key: \$($KEY_CMD)" http://localhost:$PORT/api/provinsi/32
  Docs:         http://localhost:$PORT/api/docs
  Health:       curl http://localhost:$PORT/web/health
  Log (copy):   $RUN_LOG
  Stop with Ctrl-C.

MSG

exec "${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$DB" --db-filter "^$DB\$" \
    --http-port "$PORT" --workers "${WORKERS:-0}" "$@" 2> >(tee -a "$RUN_LOG" >&2)
