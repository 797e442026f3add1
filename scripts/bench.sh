#!/usr/bin/env bash
# make bench: throughput of the API routes as a ratio to Odoo's /web/health,
# measured in the same run on the same server (--workers=2) with the same wrk
# settings (-t2 -c4). Prints one Markdown table, two worker memory checks and
# the first /api/alamat request of each worker on the fresh server, then the
# server time of the kelurahan dropdown of Odoo's address forms (logs in to
# the database as admin/admin: tools/bench_dropdown.py), the point lookup in
# PostgreSQL (tools/bench_geo.py), and the install time before and after the
# boundaries (BENCH_INSTALL_BEFORE=<git revision>, default the last release
# without them).
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

# The last release without the boundaries (18.0.1.1.0): the "before" of
# bench_install.
INSTALL_BEFORE_DEFAULT=727de7e

# bench_install: the whole `odoo -i` of the addon into a new database (base
# and its dependencies included), for the addon at BENCH_INSTALL_BEFORE and
# for this checkout, one after the other: what loading the boundaries adds.
bench_install() {
    local before="${BENCH_INSTALL_BEFORE:-$INSTALL_BEFORE_DEFAULT}" copy core
    copy="$(mktemp -d /tmp/wilayah-install-before.XXXXXX)"
    mkdir -p "$copy/$ADDON_NAME"
    if ! git -C "$REPO_ROOT" archive "$before" | tar -x -C "$copy/$ADDON_NAME"; then
        warn "install bench: no revision $before in this clone"
        rm -rf "$copy"
        return 0
    fi
    core="$(odoo_core_addons)"
    echo
    echo "### Install time: \`odoo -i $ADDON_NAME\` into a new database"
    echo
    echo "| addon | whole run (base included) | the addon's module | regions loaded in | boundaries loaded in |"
    echo "|---|---:|---:|---:|---:|"
    local which db addons logfile started seconds module data shapes
    for which in before after; do
        db="wilayah_bench_install_$which"
        addons="$core,$STATE_DIR/addons"
        [ "$which" = before ] && addons="$core,$copy"
        logfile="$LOG_DIR/bench-install-$which.log"
        : >"$logfile"
        dropdb --if-exists "$db" 2>/dev/null
        started="$(date +%s%N)"
        odoo_once "$db" "$logfile" --addons-path "$addons" -i "$ADDON_NAME" \
            --without-demo=all || warn "install bench: -i failed (log: $logfile)"
        seconds="$(awk "BEGIN { print ($(date +%s%N) - $started) / 1e9 }")"
        module="$(grep -o "Module $ADDON_NAME loaded in [0-9.]*s" "$logfile" | grep -o '[0-9.]*s$' || true)"
        data="$(grep -o 'Wilayah data loaded in [0-9.]* s' "$logfile" | grep -o '[0-9.]* s$' || true)"
        shapes="$(grep -o 'Wilayah shapes loaded in [0-9.]* s' "$logfile" | grep -o '[0-9.]* s$' || true)"
        printf '| %s | %.1f s | %s | %s | %s |\n' \
            "$([ "$which" = before ] && echo "$before (before)" || echo "this checkout")" \
            "$seconds" "${module:--}" "${data:--}" "${shapes:--}"
        dropdb --if-exists "$db" 2>/dev/null
    done
    rm -rf "$copy"
}

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
    bench_install
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    bench_main "$@"
fi
