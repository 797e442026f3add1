#!/usr/bin/env bash
# make soak: 60 s of mixed valid traffic at 64 connections against Odoo
# --workers=2 (requests, non-2xx, p99, worker restarts), then a PostgreSQL
# restart in the middle of traffic (time to the first correct answer after
# it, no 5xx after recovery). About 2-3 minutes.
#
#   SOAK_DB=wilayah_soak SOAK_PORT=8379 SOAK_DURATION=60 SOAK_CONNECTIONS=64
#   SOAK_PG_CLUSTER=wilayah_soak SOAK_PG_PORT=5499
#
# PostgreSQL gets restarted, so by default the soak runs on its own cluster
# (Debian pg_createcluster <ver> $SOAK_PG_CLUSTER, created on first use,
# stopped again at exit when the soak started it): other databases on the
# machine's main cluster (running tests, dev servers) are not disturbed.
# SOAK_PG_CLUSTER=main restarts the main cluster instead: only on a machine
# nobody else is using.
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

SOAK_DB="${SOAK_DB:-wilayah_soak}"
SOAK_PORT="${SOAK_PORT:-8379}"
SOAK_PG_CLUSTER="${SOAK_PG_CLUSTER:-wilayah_soak}"
SOAK_PG_PORT="${SOAK_PG_PORT:-5499}"
SOAK_STARTED_CLUSTER=

# Version and port of an existing cluster named $1 ("" when there is none).
soak_cluster_line() {
    pg_lsclusters -h 2>/dev/null | awk -v name="$1" '$2 == name {print $1, $3, $4; exit}'
}

soak_prepare_cluster() {
    command -v pg_lsclusters >/dev/null 2>&1 \
        || die "soak needs Debian's postgresql-common (pg_lsclusters, pg_ctlcluster)"
    local line ver port status
    line="$(soak_cluster_line "$SOAK_PG_CLUSTER")"
    if [ -z "$line" ]; then
        [ "$SOAK_PG_CLUSTER" != main ] || die "no PostgreSQL cluster named main"
        ver="$(soak_cluster_line main | cut -d' ' -f1)"
        [ -n "$ver" ] || ver="$(pg_server_version)"
        log "creating PostgreSQL cluster $ver/$SOAK_PG_CLUSTER on port $SOAK_PG_PORT (for the soak only)"
        as_root pg_createcluster "$ver" "$SOAK_PG_CLUSTER" -p "$SOAK_PG_PORT" >/dev/null
        line="$(soak_cluster_line "$SOAK_PG_CLUSTER")"
    fi
    read -r ver port status <<<"$line"
    if [ "$status" != online ]; then
        log "starting PostgreSQL cluster $ver/$SOAK_PG_CLUSTER (port $port)"
        as_root pg_ctlcluster "$ver" "$SOAK_PG_CLUSTER" start
        [ "$SOAK_PG_CLUSTER" = main ] || SOAK_STARTED_CLUSTER="$ver"
    fi
    [ "$SOAK_PG_CLUSTER" != main ] || warn "soak restarts the MAIN PostgreSQL cluster: every connection to it drops"
    export PGPORT="$port"
    SOAK_PG_VERSION="$ver"
    for _ in $(seq 1 30); do pg_isready -q -p "$port" && break; sleep 1; done
    pg_ensure_role
}

soak_stop_cluster() {
    if [ -n "$SOAK_STARTED_CLUSTER" ]; then
        log "stopping PostgreSQL cluster $SOAK_STARTED_CLUSTER/$SOAK_PG_CLUSTER (started by the soak)"
        as_root pg_ctlcluster "$SOAK_STARTED_CLUSTER" "$SOAK_PG_CLUSTER" stop || true
    fi
}

soak_main() {
    command -v wrk >/dev/null 2>&1 || apt_ensure wrk
    setup_main </dev/null
    on_exit soak_stop_cluster # after the server (exit hooks run last first)
    soak_prepare_cluster
    local logfile="$LOG_DIR/soak-$SOAK_DB.log"
    serve_addon "$SOAK_DB" "$SOAK_PORT" "$logfile"
    local rc=0 restart="pg_ctlcluster $SOAK_PG_VERSION $SOAK_PG_CLUSTER restart"
    [ "$(id -u)" -eq 0 ] || restart="sudo $restart"
    KEY="$KEY" "$PYTHON" "$REPO_ROOT/tools/soak.py" --url "http://127.0.0.1:$SOAK_PORT" \
        --key-env KEY --server-pid "$SERVER_PID" --server-log "$logfile" \
        --duration "${SOAK_DURATION:-60}" --connections "${SOAK_CONNECTIONS:-64}" \
        --pg-restart "$restart" \
        --pg-label "PostgreSQL $SOAK_PG_VERSION/$SOAK_PG_CLUSTER, port $PGPORT" || rc=$?
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    soak_main "$@"
fi
