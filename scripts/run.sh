#!/usr/bin/env bash
# Set up, install/upgrade the addon in $DB when needed, then serve Odoo in the
# foreground on http://localhost:$PORT (single database, so auth='none' routes
# get a registry).
#   DB=wilayah PORT=8069 WORKERS=0 (threaded) ; extra args are passed to Odoo.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

DB="${DB:-wilayah}"
PORT="${PORT:-8069}"
WORKERS="${WORKERS:-0}"

setup_main
RUN_LOG="$LOG_DIR/odoo-$DB.log"
HASH_FILE="$STATE_DIR/addon-hash.$DB"
COMMON=(-c "$ODOO_CONF" -d "$DB" --db-filter "^$DB\$")

addon_state() {
    psql -d "$DB" -tAc \
        "SELECT state FROM ir_module_module WHERE name='$ADDON_NAME'" 2>/dev/null || true
}

hash_now="$(addon_hash)"
if ! db_exists "$DB" || [ "$(addon_state)" != installed ]; then
    log "installing $ADDON_NAME into database $DB (log: $RUN_LOG)"
    "${ODOO_CMD[@]}" "${COMMON[@]}" -i "$ADDON_NAME" --without-demo=all \
        --stop-after-init --no-http 2>&1 | tee -a "$RUN_LOG"
    [ "$(addon_state)" = installed ] || die "install of $ADDON_NAME failed, see $RUN_LOG"
    echo "$hash_now" >"$HASH_FILE"
elif [ "$(cat "$HASH_FILE" 2>/dev/null || true)" != "$hash_now" ]; then
    log "addon code changed: upgrading $ADDON_NAME in $DB (log: $RUN_LOG)"
    "${ODOO_CMD[@]}" "${COMMON[@]}" -u "$ADDON_NAME" \
        --stop-after-init --no-http 2>&1 | tee -a "$RUN_LOG"
    echo "$hash_now" >"$HASH_FILE"
else
    log "addon unchanged since last run: no upgrade"
fi

cat <<EOF

  Odoo 18 serving database '$DB' on http://localhost:$PORT
  API key:      make -s key        (system parameter wilayah.api.key)
  Example:      curl -H "X-API-Key: \$(make -s key)" http://localhost:$PORT/api/provinsi
  Health:       curl http://localhost:$PORT/web/health
  Log (copy):   $RUN_LOG
  Stop with Ctrl-C.

EOF

exec "${ODOO_CMD[@]}" "${COMMON[@]}" --http-port "$PORT" --workers "$WORKERS" \
    "$@" 2> >(tee -a "$RUN_LOG" >&2)
