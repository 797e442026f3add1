#!/usr/bin/env bash
# make bench: throughput of the API routes as a ratio to Odoo's /web/health,
# measured in the same run on the same server (--workers=2) with the same wrk
# settings (-t2 -c4). Prints one Markdown table, two worker memory checks and
# the first /api/alamat request of each worker on the fresh server, then the
# server time of the kelurahan dropdown of Odoo's address forms (logs in to
# the database as admin/admin: tools/bench_dropdown.py).
#
#   BENCH_DB=wilayah_bench BENCH_PORT=8369 DURATION=8 ROUNDS=3
#   URL=http://127.0.0.1:8069 KEY=<api key>   use a running server instead
#                                             (no memory check unless SERVER_PID=<odoo master pid>;
#                                             SERVER_LOG=<its log file> tells the workers apart;
#                                             BENCH_DB=<its database> for the dropdown bench)
#
# Starts its own Odoo (installing the addon into $BENCH_DB when missing,
# upgrading it when the addon's files changed) and stops it at exit, with
# --limit-request=$BENCH_LIMIT_REQUEST (default 10000000): Odoo's default
# recycles a worker after 65,536 requests, which a full bench passes (about
# 200,000 requests), and the memory check compares each worker after the
# bench with the same worker before it. tools/bench.py reads its log to tell
# which worker answered which request.
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

bench_main() {
    command -v wrk >/dev/null 2>&1 || apt_ensure wrk
    local server_pid="${SERVER_PID:-}" server_log="${SERVER_LOG:-}" db="${BENCH_DB:-}"
    if [ -n "${URL:-}" ]; then
        [ -n "${KEY:-}" ] || die "URL= needs KEY= (the server's API key)"
        case "$URL" in
        http://127.0.0.1:* | http://localhost:* | http://\[::1\]:*) ;;
        *) die "URL must point to this machine (http://127.0.0.1:<port>)" ;;
        esac
        odoo_resolve
    else
        local port="${BENCH_PORT:-8369}"
        db="${db:-wilayah_bench}"
        server_log="$LOG_DIR/bench-$db.log"
        # serve_addon (server.sh), with Odoo's worker recycling pushed back
        setup_main </dev/null
        : >"$server_log"
        ensure_addon_db "$db" "$server_log"
        KEY="$(api_key "$db")"
        on_exit stop_server
        start_server "$db" "$port" "$server_log" \
            --limit-request "${BENCH_LIMIT_REQUEST:-10000000}"
        URL="http://127.0.0.1:$port"
        server_pid="$SERVER_PID"
    fi
    local rc=0
    KEY="$KEY" "$PYTHON" "$REPO_ROOT/tools/bench.py" --url "$URL" --key-env KEY \
        --duration "${DURATION:-8}" --rounds "${ROUNDS:-3}" \
        ${server_pid:+--server-pid "$server_pid"} \
        ${db:+--db "$db"} \
        ${server_log:+--server-log "$server_log"} || rc=$?
    [ "$rc" -eq 0 ] || warn "tools/bench.py exited with status $rc"
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    bench_main "$@"
fi
