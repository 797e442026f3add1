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
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

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
        local db="${BENCH_DB:-wilayah_bench}" port="${BENCH_PORT:-8369}"
        serve_addon "$db" "$port" "$LOG_DIR/bench-$db.log"
        URL="http://127.0.0.1:$port"
        server_pid="$SERVER_PID"
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
