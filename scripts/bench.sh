#!/usr/bin/env bash
# make bench: throughput of the API routes as a ratio to Odoo's /web/health,
# measured in the same run on the same server (--workers=2) with the same wrk
# settings (-t2 -c4). Prints one Markdown table and a worker memory check.
#
#   BENCH_DB=wilayah_bench BENCH_PORT=8369 DURATION=8 ROUNDS=3
#   URL=http://127.0.0.1:8069 KEY=<api key>   use a running server instead
#                                             (no memory check unless SERVER_PID=<odoo master pid>)
#
# Starts its own Odoo (installing the addon into $BENCH_DB when missing,
# upgrading it when the addon's files changed) and stops it at exit.
# The functions below are also used by scripts/soak.sh (it sources this file).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# Odoo's database connection options: only when PGPORT is set (soak.sh runs
# its own cluster on another port).
bench_db_args() {
    if [ -n "${PGPORT:-}" ]; then
        printf '%s\n' --db_port "$PGPORT"
    fi
}

bench_addon_state() {
    psql -d "$1" -tAc \
        "SELECT state FROM ir_module_module WHERE name='$ADDON_NAME'" 2>/dev/null || true
}

# Install the addon into database $1 when missing; upgrade it when the addon's
# files changed since (same hash file convention as run.sh).
bench_ensure_db() {
    local db="$1" logfile="$2" hash_file hash_now
    local -a dbargs common
    mapfile -t dbargs < <(bench_db_args)
    common=(-c "$ODOO_CONF" -d "$db" --db-filter "^$db\$" "${dbargs[@]}" --no-http
        --max-cron-threads 0 --stop-after-init)
    hash_file="$STATE_DIR/addon-hash.$db${PGPORT:+.$PGPORT}"
    hash_now="$(addon_hash)"
    if ! db_exists "$db" || [ "$(bench_addon_state "$db")" != installed ]; then
        log "installing $ADDON_NAME into database $db (log: $logfile)"
        "${ODOO_CMD[@]}" "${common[@]}" -i "$ADDON_NAME" --without-demo=all \
            >>"$logfile" 2>&1 </dev/null || true
        [ "$(bench_addon_state "$db")" = installed ] || die "install failed, see $logfile"
        echo "$hash_now" >"$hash_file"
    elif [ "$(cat "$hash_file" 2>/dev/null || true)" != "$hash_now" ]; then
        log "addon files changed: upgrading $ADDON_NAME in $db (log: $logfile)"
        "${ODOO_CMD[@]}" "${common[@]}" -u "$ADDON_NAME" >>"$logfile" 2>&1 </dev/null \
            || die "upgrade failed, see $logfile"
        echo "$hash_now" >"$hash_file"
    fi
}

# Start Odoo with 2 HTTP workers in the background: bench_start_server DB PORT LOG.
# Sets BENCH_SERVER_PID; the caller installs a trap calling bench_stop_server.
bench_start_server() {
    local db="$1" port="$2" logfile="$3" i
    local -a dbargs
    mapfile -t dbargs < <(bench_db_args)
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/web/health"; then
        die "port $port is already in use: set BENCH_PORT/SOAK_PORT, or URL= to use that server"
    fi
    log "starting Odoo on 127.0.0.1:$port, database $db, --workers=2 (log: $logfile)"
    "${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$db" --db-filter "^$db\$" "${dbargs[@]}" \
        --workers=2 --max-cron-threads=0 --http-interface 127.0.0.1 --http-port "$port" \
        --gevent-port "$((port + 1))" --logfile "$logfile" </dev/null >>"$logfile" 2>&1 &
    BENCH_SERVER_PID=$!
    for i in $(seq 1 120); do
        kill -0 "$BENCH_SERVER_PID" 2>/dev/null || die "Odoo exited at start, see $logfile"
        if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/web/health"; then
            return 0
        fi
        sleep 1
    done
    die "Odoo did not answer /web/health within 120 s, see $logfile"
}

bench_stop_server() {
    local pid="${BENCH_SERVER_PID:-}" i
    [ -n "$pid" ] || return 0
    BENCH_SERVER_PID=
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    warn "Odoo ($pid) still running after 15 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

bench_read_key() {
    psql -d "$1" -tAc "SELECT value FROM ir_config_parameter WHERE key='wilayah.api.key'"
}

bench_main() {
    command -v wrk >/dev/null 2>&1 || apt_ensure wrk
    local server_pid="${SERVER_PID:-}"
    if [ -n "${URL:-}" ]; then
        [ -n "${KEY:-}" ] || die "URL= needs KEY= (the server's API key)"
        case "$URL" in
        http://127.0.0.1:* | http://localhost:* | http://\[::1\]:*) ;;
        *) die "URL must point to this machine (http://127.0.0.1:<port>)" ;;
        esac
        odoo_resolve
    else
        setup_main </dev/null
        local db="${BENCH_DB:-wilayah_bench}" port="${BENCH_PORT:-8369}"
        local logfile="$LOG_DIR/bench-$db.log"
        : >"$logfile"
        bench_ensure_db "$db" "$logfile"
        KEY="$(bench_read_key "$db")"
        [ -n "$KEY" ] || die "database $db has no wilayah.api.key"
        trap bench_stop_server EXIT
        trap 'exit 130' INT TERM
        bench_start_server "$db" "$port" "$logfile"
        URL="http://127.0.0.1:$port"
        server_pid="$BENCH_SERVER_PID"
    fi
    local rc=0
    KEY="$KEY" "$PYTHON" "$REPO_ROOT/tools/bench.py" --url "$URL" --key-env KEY \
        --duration "${DURATION:-8}" --rounds "${ROUNDS:-3}" \
        ${server_pid:+--server-pid "$server_pid"} || rc=$?
    [ "$rc" -eq 0 ] || warn "tools/bench.py exited with status $rc"
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    bench_main "$@"
fi
