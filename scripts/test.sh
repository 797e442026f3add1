#!/usr/bin/env bash
# Lint, then run the addon's tests with Odoo's own runner in a fresh database.
# The last line printed is always "P passed, F failed" (from Odoo's counts).
#   TEST_DB=wilayah_test TEST_PORT=8169 TEST_TIMEOUT=3000 SKIP_LINT=1
#   TEST_TAGS=/infinys_wilayah_indonesia_api  TEST_ADDON=<module to test>
# The database is kept afterwards for inspection.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

TEST_DB="${TEST_DB:-wilayah_test}"
TEST_PORT="${TEST_PORT:-8169}"
TEST_TIMEOUT="${TEST_TIMEOUT:-3000}"
TEST_ADDON="${TEST_ADDON:-$ADDON_NAME}"
TEST_TAGS="${TEST_TAGS:-/$TEST_ADDON}"

setup_main </dev/null

problems=()

lint_rc=0
if [ "${SKIP_LINT:-0}" = 1 ]; then
    log "lint skipped (SKIP_LINT=1)"
else
    log "lint"
    bash "$REPO_ROOT/scripts/lint.sh" </dev/null || lint_rc=$?
    [ "$lint_rc" -eq 0 ] || problems+=("lint reported findings (exit $lint_rc)")
fi

TEST_LOG="$LOG_DIR/test-$TEST_DB.log"
: >"$TEST_LOG"
log "dropping database $TEST_DB"
dropdb --if-exists "$TEST_DB"
# Odoo creates the database itself (template0, C collate, pg_trgm) and inits base.
log "creating database $TEST_DB and running tests (tags $TEST_TAGS, log $TEST_LOG)"

odoo_rc=0
timeout --kill-after=30 "$TEST_TIMEOUT" \
    "${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$TEST_DB" --db-filter "^$TEST_DB\$" \
    -i "$TEST_ADDON" --without-demo=all --test-enable --test-tags "$TEST_TAGS" \
    --stop-after-init --http-port "$TEST_PORT" --workers 0 --max-cron-threads 0 \
    --log-level info </dev/null 2>&1 | tee "$TEST_LOG" || odoo_rc=$?
[ "$odoo_rc" -eq 124 ] && problems+=("Odoo timed out after ${TEST_TIMEOUT}s")
[ "$odoo_rc" -eq 0 ] || problems+=("Odoo exited with status $odoo_rc")

# Odoo 18 (odoo/service/server.py, odoo/tests/result.py) logs at the end:
#   <date> <time>,<ms> <pid> <LEVEL> <db> odoo.tests.result: \
#       F failed, E error(s) of T tests when loading database '<db>'
summary_re="odoo\\.tests\\.result: ([0-9]+) failed, ([0-9]+) error\\(s\\) of ([0-9]+) tests when loading database '$TEST_DB'"
summary="$(grep -E "$summary_re" "$TEST_LOG" | tail -n1 || true)"
passed=0
failed=0
if [ -z "$summary" ]; then
    problems+=("Odoo's test summary line (odoo.tests.result) is missing")
else
    [[ "$summary" =~ $summary_re ]]
    n_fail="${BASH_REMATCH[1]}" n_err="${BASH_REMATCH[2]}" n_run="${BASH_REMATCH[3]}"
    failed=$((n_fail + n_err))
    passed=$((n_run - failed))
    [ "$passed" -ge 0 ] || passed=0
    [ "$n_run" -gt 0 ] || problems+=("no test was run")
    [ "$failed" -eq 0 ] || problems+=("$n_fail test(s) failed, $n_err error(s)")
fi

# Odoo also signals test failures (and broken installs) by ERROR/CRITICAL lines.
level_re='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8},[0-9]+ [0-9]+ (ERROR|CRITICAL) '
n_bad="$(grep -cE "$level_re" "$TEST_LOG" || true)"
if [ "$n_bad" -gt 0 ]; then
    problems+=("$n_bad ERROR/CRITICAL log line(s) in $TEST_LOG")
    echo "---- ERROR/CRITICAL log lines ----"
    grep -E "$level_re" "$TEST_LOG" | cut -c1-400 | head -n 50
fi
grep -E 'odoo\.tests\.stats:' "$TEST_LOG" | tail -n 20 || true

status=0
if [ "${#problems[@]}" -gt 0 ]; then
    status=1
    echo "---- test run FAILED (database $TEST_DB kept) ----"
    printf ' - %s\n' "${problems[@]}"
else
    echo "---- test run OK (database $TEST_DB kept, log $TEST_LOG) ----"
fi
echo "$passed passed, $failed failed"
exit "$status"
