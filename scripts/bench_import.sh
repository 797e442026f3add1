#!/usr/bin/env bash
# make bench-import: the shipped region files imported through the import
# dialog's own calls (base_import: parse_preview, then execute_import in
# batches of 2,000 rows), each file twice. Prints one Markdown table.
#
#   BENCH_IMPORT_DB=wilayah_bench_import BENCH_IMPORT_PORT=8379
#   BASELINE=<git revision>   first the same bench on that revision of the
#                             addon (its own state dir and database), for a
#                             before/after comparison from one run
#
# The database is made anew (the addon installed with its data) and kept
# afterwards; Odoo (--workers=2) is started for the run and stopped at exit.
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

# bench_baseline REV DB PORT: this bench (tool and script of the checkout) on
# the addon as it was at REV, in a copy outside the repository.
bench_baseline() {
    local rev="$1" db="$2" port="$3" copy
    copy="$(mktemp -d /tmp/wilayah-baseline.XXXXXX)/$ADDON_NAME"
    mkdir -p "$copy"
    git -C "$REPO_ROOT" archive "$rev" | tar -x -C "$copy"
    mkdir -p "$copy/wilayah" "$copy/tools" "$copy/scripts"
    cp "$REPO_ROOT/wilayah/import_dialog.py" "$copy/wilayah/"
    cp "$REPO_ROOT/tools/bench_import.py" "$copy/tools/"
    cp "$REPO_ROOT/scripts/bench_import.sh" "$copy/scripts/"
    log "baseline: the addon at $rev (copy in $copy)"
    STATE_DIR="$STATE_DIR/baseline" BASELINE="" BENCH_LABEL="$rev (baseline)" \
        BENCH_IMPORT_DB="${db}_baseline" \
        BENCH_IMPORT_PORT="$((port + 10))" bash "$copy/scripts/bench_import.sh" </dev/null
    rm -rf "$(dirname "$copy")"
}

bench_import_main() {
    local db="${BENCH_IMPORT_DB:-wilayah_bench_import}" port="${BENCH_IMPORT_PORT:-8379}"
    local logfile="$LOG_DIR/bench-import-$db.log"
    setup_main </dev/null
    if [ -n "${BASELINE:-}" ]; then
        bench_baseline "$BASELINE" "$db" "$port" || warn "the baseline bench failed"
        echo
    fi
    log "dropping database $db: every run imports into the data as installed"
    dropdb --if-exists "$db"
    serve_addon "$db" "$port" "$logfile"
    local rc=0
    "$PYTHON" "$REPO_ROOT/tools/bench_import.py" --url "http://127.0.0.1:$port" \
        --db "$db" --label "addon ${BENCH_LABEL:-$(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo '?')}" ||
        rc=$?
    [ "$rc" -eq 0 ] || warn "tools/bench_import.py exited with status $rc (log: $logfile)"
    # models/base_import.py: what a worker held for the batches of each import
    echo
    echo "Held by a worker from an import's first batch to its last (server log):"
    echo
    grep -o "Import into .*held until the last batch.*" "$logfile" | sort | uniq -c |
        sed 's/^ */- /' || true
    return "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    bench_import_main "$@"
fi
