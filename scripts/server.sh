#!/usr/bin/env bash
# Shared by run.sh, bench.sh, soak.sh, fuzz.sh and test.sh (sourced; sources
# setup.sh and lib.sh): a database with the addon installed and up to date, and
# an Odoo server started in the background and stopped again.
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# Odoo's database connection options: only when PGPORT is set (soak.sh runs
# its own cluster on another port).
odoo_db_args() {
    if [ -n "${PGPORT:-}" ]; then
        printf '%s\n' --db_port "$PGPORT"
    fi
}

addon_state() {
    psql -d "$1" -tAc \
        "SELECT state FROM ir_module_module WHERE name='$ADDON_NAME'" 2>/dev/null || true
}

# ensure_addon_db DB LOG [--verbose]: install the addon into DB when it is
# missing; upgrade it when the addon's files changed since the last install or
# upgrade (a hash kept in the state dir). --verbose also shows Odoo's output.
ensure_addon_db() {
    local db="$1" logfile="$2" verbose="${3:-}" hash_file hash_now
    hash_file="$STATE_DIR/addon-hash.$db${PGPORT:+.$PGPORT}"
    hash_now="$(addon_hash)"
    if ! db_exists "$db" || [ "$(addon_state "$db")" != installed ]; then
        log "installing $ADDON_NAME into database $db (log: $logfile)"
        odoo_once "$db" "$logfile" ${verbose:+"$verbose"} -i "$ADDON_NAME" --without-demo=all || true
        [ "$(addon_state "$db")" = installed ] || die "install failed, see $logfile"
    elif [ "$(cat "$hash_file" 2>/dev/null || true)" != "$hash_now" ]; then
        log "addon files changed: upgrading $ADDON_NAME in $db (log: $logfile)"
        odoo_once "$db" "$logfile" ${verbose:+"$verbose"} -u "$ADDON_NAME" \
            || die "upgrade failed, see $logfile"
    else
        log "addon unchanged since the last install/upgrade of $db: no upgrade"
    fi
    echo "$hash_now" >"$hash_file"
}

# odoo_once DB LOG [--verbose] [ODOO ARGS...]: one Odoo run on DB that stops
# after init (no HTTP, no cron), its output appended to LOG (and shown with
# --verbose); the status is Odoo's.
odoo_once() {
    local db="$1" logfile="$2" verbose=
    shift 2
    if [ "${1:-}" = --verbose ]; then
        verbose=1
        shift
    fi
    local -a dbargs cmd
    mapfile -t dbargs < <(odoo_db_args)
    cmd=("${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$db" --db-filter "^$db\$" "${dbargs[@]}"
        --no-http --max-cron-threads 0 --stop-after-init "$@")
    if [ -n "$verbose" ]; then
        "${cmd[@]}" </dev/null 2>&1 | tee -a "$logfile"
        return "${PIPESTATUS[0]}"
    fi
    "${cmd[@]}" </dev/null >>"$logfile" 2>&1
}

# serve_addon DB PORT LOG: setup (once), the addon installed or upgraded in
# DB, KEY set to DB's API key, and Odoo serving DB on 127.0.0.1:PORT in the
# background (start_server) until the script exits. LOG starts empty.
serve_addon() {
    local db="$1" port="$2" logfile="$3"
    setup_main </dev/null
    : >"$logfile"
    ensure_addon_db "$db" "$logfile"
    # shellcheck disable=SC2034  # read by the caller
    KEY="$(api_key "$db")"
    on_exit stop_server
    start_server "$db" "$port" "$logfile"
}

# start_server DB PORT LOG [ODOO ARGS...]: Odoo with 2 HTTP workers on
# 127.0.0.1:PORT in the background, once /web/health answers. Sets SERVER_PID,
# and SERVER_LOG_START to LOG's size before the server wrote to it. The caller
# stops it with stop_server (serve_addon does it at exit).
start_server() {
    local db="$1" port="$2" logfile="$3"
    shift 3
    local -a dbargs
    mapfile -t dbargs < <(odoo_db_args)
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/web/health"; then
        die "port $port is already in use: choose another port, or URL= to use that server"
    fi
    log "starting Odoo on 127.0.0.1:$port, database $db, --workers=2 (log: $logfile)"
    touch "$logfile"
    # shellcheck disable=SC2034  # read by the caller (fuzz.sh)
    SERVER_LOG_START="$(stat -c %s "$logfile")"
    # shellcheck disable=SC2094  # Odoo's log and its stray output: both appended
    "${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$db" --db-filter "^$db\$" "${dbargs[@]}" \
        --workers=2 --max-cron-threads=0 --http-interface 127.0.0.1 --http-port "$port" \
        --gevent-port "$((port + 1))" --logfile "$logfile" "$@" </dev/null >>"$logfile" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        kill -0 "$SERVER_PID" 2>/dev/null || die "Odoo exited at start, see $logfile"
        if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/web/health"; then
            return 0
        fi
        sleep 1
    done
    die "Odoo did not answer /web/health within 120 s, see $logfile"
}

stop_server() {
    local pid="${SERVER_PID:-}"
    [ -n "$pid" ] || return 0
    SERVER_PID=
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    warn "Odoo ($pid) still running after 15 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
}
