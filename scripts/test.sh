#!/usr/bin/env bash
# make test (test.sh): lint, then the addon's tests with Odoo's own runner in a
# fresh database. The last line printed is always "P passed, F failed" (from
# Odoo's counts). The database is kept afterwards for inspection.
#   TEST_DB=wilayah_test TEST_PORT=8169 TEST_TIMEOUT=3000 SKIP_LINT=1
#   TEST_TAGS=/infinys_wilayah_indonesia_api  TEST_ADDON=<module to test>
#
# make check-upgrade (test.sh upgrade): end-to-end check of install, `-u` and
# the drop-in replacement of the published module, with real Odoo processes:
#   1. install the addon in a new database: counts, external ids, API key,
#      per-level load timings from the log;
#   2. `-u` with unchanged data: the log says "Wilayah data is up to date" and
#      rows, write dates, external ids and the key are unchanged;
#   3. drop-in: a database in the published module's state is upgraded with
#      this code by `-u`: every record keeps its id, nothing is duplicated,
#      the data is current, the admin's key is kept.
#      With PUBLISHED_ADDON=<dir of the published infinys_wilayah_indonesia_api>
#      that state is made for real (install the published module, import its
#      four CSVs with load() as Actions > Import does); otherwise it is faked
#      through SQL on a copy of the installed database. The published module is
#      at https://github.com/InfinysCloud/infinys_wilayah_indonesia_api (the
#      addon is the infinys_wilayah_indonesia_api folder of that repository).
#   4. (drop-in) the API answers with the admin's key, and refuses the
#      published placeholder key with 503.
#   UPGRADE_DB=wlchk_<pid> (the drop-in database is <UPGRADE_DB>_dropin)
#   UPGRADE_PORT=8391  KEEP_DB=1 keeps both databases
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

# ------------------------------------------------------------------ make test
test_main() {
    local test_db="${TEST_DB:-wilayah_test}" timeout="${TEST_TIMEOUT:-3000}"
    local addon="${TEST_ADDON:-$ADDON_NAME}" problems=() lint_rc=0 odoo_rc=0
    local tags="${TEST_TAGS:-/$addon}" test_log
    setup_main </dev/null

    if [ "${SKIP_LINT:-0}" = 1 ]; then
        log "lint skipped (SKIP_LINT=1)"
    else
        log "lint"
        bash "$REPO_ROOT/scripts/lint.sh" </dev/null || lint_rc=$?
        [ "$lint_rc" -eq 0 ] || problems+=("lint reported findings (exit $lint_rc)")
    fi

    # The addon's tests validate the served OpenAPI document with it.
    WILAYAH_OPENAPI_VALIDATOR="$(openapi_validator)"
    export WILAYAH_OPENAPI_VALIDATOR

    test_log="$LOG_DIR/test-$test_db.log"
    : >"$test_log"
    log "dropping database $test_db"
    dropdb --if-exists "$test_db"
    # Odoo creates the database itself (template0, C collate, pg_trgm) and inits base.
    log "creating database $test_db and running tests (tags $tags, log $test_log)"
    timeout --kill-after=30 "$timeout" \
        "${ODOO_CMD[@]}" -c "$ODOO_CONF" -d "$test_db" --db-filter "^$test_db\$" \
        -i "$addon" --without-demo=all --test-enable --test-tags "$tags" \
        --stop-after-init --http-port "${TEST_PORT:-8169}" --workers 0 \
        --max-cron-threads 0 --log-level info </dev/null 2>&1 | tee "$test_log" || odoo_rc=$?
    [ "$odoo_rc" -eq 124 ] && problems+=("Odoo timed out after ${timeout}s")
    [ "$odoo_rc" -eq 0 ] || problems+=("Odoo exited with status $odoo_rc")

    # Odoo 18 (odoo/service/server.py, odoo/tests/result.py) logs at the end:
    #   <date> <time>,<ms> <pid> <LEVEL> <db> odoo.tests.result: \
    #       F failed, E error(s) of T tests when loading database '<db>'
    local summary_re summary passed=0 failed=0 n_fail n_err n_run level_re n_bad
    summary_re="odoo\\.tests\\.result: ([0-9]+) failed, ([0-9]+) error\\(s\\) of ([0-9]+) tests when loading database '$test_db'"
    summary="$(grep -E "$summary_re" "$test_log" | tail -n1 || true)"
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
    n_bad="$(grep -cE "$level_re" "$test_log" || true)"
    if [ "$n_bad" -gt 0 ]; then
        problems+=("$n_bad ERROR/CRITICAL log line(s) in $test_log")
        echo "---- ERROR/CRITICAL log lines ----"
        grep -E "$level_re" "$test_log" | cut -c1-400 | head -n 50
    fi
    grep -E 'odoo\.tests\.stats:' "$test_log" | tail -n 20 || true

    local status=0
    if [ "${#problems[@]}" -gt 0 ]; then
        status=1
        echo "---- test run FAILED (database $test_db kept) ----"
        printf ' - %s\n' "${problems[@]}"
    else
        echo "---- test run OK (database $test_db kept, log $test_log) ----"
    fi
    echo "$passed passed, $failed failed"
    return "$status"
}

# --------------------------------------------------------- make check-upgrade
PLACEHOLDER="change_this_to_your_secret_api_key"
ADMIN_KEY="admin-own-secret-key-0123456789abcdef"

say() { printf '\n== %s\n' "$*"; }
q() { psql -X -q -d "$1" -tAc "$2"; }

# upgrade_odoo old|new DB LOG ARGS...: one Odoo run that stops after init,
# with the published module (old) or this one (new); fails on a non-zero
# exit status and on ERROR/CRITICAL lines.
upgrade_odoo() {
    local which="$1" db="$2" logfile="$3"
    shift 3
    : >"$logfile"
    odoo_once "$db" "$logfile" "${ODOO_ARGS[@]}" --addons-path="$(addons_of "$which")" \
        --without-demo=all "$@" || {
        tail -40 "$logfile"
        die "odoo $* (log: $logfile)"
    }
    if grep -E " (ERROR|CRITICAL) " "$logfile" >/dev/null; then
        grep -E " (ERROR|CRITICAL) " "$logfile" | head -5
        die "errors in $logfile"
    fi
}

addons_of() { printf '%s,%s\n' "$CORE_ADDONS" "$WORK/$1"; }

# check_current DB: the data is exactly the shipped one, once per code
check_current() {
    local db="$1" level table expected got
    for level in provinsi:38 kota:514 kecamatan:7277 kelurahan:84197; do
        table="wilayah_${level%%:*}"
        expected="${level#*:}"
        got="$(q "$db" "SELECT count(*) FILTER (WHERE active) || ' '
                        || count(*) - count(DISTINCT code) FROM $table")"
        [ "$got" = "$expected 0" ] ||
            die "$table: active units and duplicate codes are '$got'"
        got="$(q "$db" "SELECT count(*) FROM $table t JOIN ir_model_data d
                          ON d.module = '$ADDON_NAME' AND d.res_id = t.id
                         AND d.name = '${level%%:*}_' || t.code
                       WHERE t.active")"
        [ "$got" = "$expected" ] || die "$table: $got units with external ids"
        got="$(q "$db" "SELECT count(*) FROM pg_constraint
                       WHERE conname = '${table}_code_unique'")"
        [ "$got" = 1 ] || die "$table: no unique constraint on the code"
    done
    got="$(q "$db" "SELECT k.name || '|' || k.postal_code || '|' || c.kemendagri_code
                      FROM wilayah_kelurahan k
                      JOIN wilayah_kecamatan c ON c.id = k.kecamatan_id
                     WHERE k.code = '3204050001'")"
    [ "$got" = "NEGLAWANGI|40386|32.04.31" ] || die "3204050001 is '$got'"
    # types (README "Routes"), "-" for none
    for level in "kota:kabupaten 416, kota 98" \
        "kelurahan:- 580, desa 75130, kelurahan 8487"; do
        table="wilayah_${level%%:*}"
        got="$(q "$db" "SELECT string_agg(type || ' ' || n, ', ' ORDER BY type)
                          FROM (SELECT COALESCE(type, '-') AS type, count(*) AS n
                                  FROM $table WHERE active GROUP BY 1) t")"
        [ "$got" = "${level#*:}" ] || die "$table: types are '$got'"
    done
}

# api_status DB KEY PATH: sets STATUS to the HTTP status of a GET on a server
# for DB alone (the answer in $WORK/answer.json).
api_status() {
    local db="$1" key="$2" path="$3"
    start_server "$db" "$UPGRADE_PORT" "$WORK/server.log" "${ODOO_ARGS[@]}"
    STATUS="$(curl -s -o "$WORK/answer.json" -w '%{http_code}' \
        -H "X-API-Key: $key" "http://127.0.0.1:$UPGRADE_PORT$path" || true)"
    stop_server
}

upgrade_cleanup() {
    if [ -z "${KEEP_DB:-}" ]; then
        dropdb --if-exists "$CHECK_DB" >/dev/null 2>&1 || true
        dropdb --if-exists "$CHECK_DROPIN" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}

# The published module's state, faked through SQL: no external ids of this
# addon, no data checksum, four provinces missing, an older name and postal
# code, no Kemendagri codes nor types, __import__ external ids, the
# placeholder key.
fake_published_state() {
    psql -X -q -v ON_ERROR_STOP=1 -d "$1" <<SQL
SET client_min_messages = warning;
ALTER TABLE wilayah_provinsi DROP COLUMN IF EXISTS type;
ALTER TABLE wilayah_kota DROP COLUMN IF EXISTS type;
ALTER TABLE wilayah_kecamatan DROP COLUMN IF EXISTS type;
ALTER TABLE wilayah_kelurahan DROP COLUMN IF EXISTS type;
DELETE FROM ir_model_data
 WHERE module = '$ADDON_NAME' AND model LIKE 'wilayah.%';
DELETE FROM ir_config_parameter WHERE key = 'wilayah.data.checksum';
DELETE FROM wilayah_kelurahan WHERE left(code, 2) IN ('92', '95', '96', '97');
DELETE FROM wilayah_kecamatan WHERE left(code, 2) IN ('92', '95', '96', '97');
DELETE FROM wilayah_kota WHERE left(code, 2) IN ('92', '95', '96', '97');
DELETE FROM wilayah_provinsi WHERE code IN ('92', '95', '96', '97');
UPDATE wilayah_kelurahan SET name = initcap(name), postal_code = '40385'
 WHERE code = '3204050001';
UPDATE wilayah_provinsi SET kemendagri_code = NULL;
UPDATE wilayah_kota SET kemendagri_code = NULL;
UPDATE wilayah_kecamatan SET kemendagri_code = NULL;
UPDATE wilayah_kelurahan SET kemendagri_code = NULL;
INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
SELECT '__import__', code, 'wilayah.provinsi', id, false FROM wilayah_provinsi
UNION ALL SELECT '__import__', code, 'wilayah.kota', id, false FROM wilayah_kota
UNION ALL SELECT '__import__', code, 'wilayah.kecamatan', id, false
  FROM wilayah_kecamatan
UNION ALL SELECT '__import__', code, 'wilayah.kelurahan', id, false
  FROM wilayah_kelurahan;
UPDATE ir_config_parameter SET value = '$PLACEHOLDER'
 WHERE key = 'wilayah.api.key';
SQL
}

# The published module installed, and its four CSVs imported with load() as
# Actions > Import does.
import_published() {
    local db="$1" start
    upgrade_odoo old "$db" "$WORK/published.log" -i "$ADDON_NAME"
    start=$(date +%s)
    "${ODOO_CMD[@]}" shell -c "$ODOO_CONF" -d "$db" "${ODOO_ARGS[@]}" \
        --addons-path="$(addons_of old)" --no-http >"$WORK/import.log" 2>&1 <<PY
import csv
for model, name in [("wilayah.provinsi", "provinsi"), ("wilayah.kota", "kota"),
                    ("wilayah.kecamatan", "kecamatan"),
                    ("wilayah.kelurahan", "kelurahan")]:
    with open("$WORK/old/$ADDON_NAME/data_import/data_%s.csv" % name) as f:
        rows = list(csv.reader(f))
    for i in range(1, len(rows), 10000):
        res = env[model].with_context(import_file=True).load(
            rows[0], rows[i:i + 10000])
        errors = [m for m in res["messages"] if m["type"] == "error"]
        assert not errors, errors[:3]
    env.cr.commit()
    print("IMPORTED", model, len(rows) - 1)
PY
    grep IMPORTED "$WORK/import.log" || {
        tail -20 "$WORK/import.log"
        die "import of the published CSVs"
    }
    echo "imported in $(($(date +%s) - start)) s"
}

imported_ids() {
    q "$1" "SELECT count(*) || ',' || md5(string_agg(name || ':' || res_id, ','
            ORDER BY name)) FROM ir_model_data
            WHERE module = '__import__' AND model LIKE 'wilayah.%'"
}

upgrade_main() {
    export LC_ALL=C
    setup_main </dev/null
    CHECK_DB="${UPGRADE_DB:-wlchk_$$}"
    CHECK_DROPIN="${CHECK_DB}_dropin"
    UPGRADE_PORT="${UPGRADE_PORT:-8391}"
    WORK="$(mktemp -d /tmp/wilayah-check.XXXXXX)"
    on_exit upgrade_cleanup
    # Runs keep their filestore in $WORK; the published module comes from $WORK/old.
    ODOO_ARGS=(--data-dir="$WORK/data")
    CORE_ADDONS="$(odoo_core_addons)"
    mkdir -p "$WORK/new" "$WORK/old" "$WORK/data"
    ln -s "$REPO_ROOT" "$WORK/new/$ADDON_NAME"
    if [ -n "${PUBLISHED_ADDON:-}" ]; then
        ln -s "$(cd "$PUBLISHED_ADDON" && pwd)" "$WORK/old/$ADDON_NAME"
    fi
    local start key_len before after table missing recoded placeholder

    say "1. install into $CHECK_DB"
    dropdb --if-exists "$CHECK_DB"
    start=$(date +%s)
    upgrade_odoo new "$CHECK_DB" "$WORK/install.log" -i "$ADDON_NAME"
    echo "install: $(($(date +%s) - start)) s for the whole Odoo run (base included)"
    grep -o "Wilayah data .*" "$WORK/install.log"
    check_current "$CHECK_DB"
    key_len="$(q "$CHECK_DB" "SELECT length(value) FROM ir_config_parameter
                         WHERE key = 'wilayah.api.key'")"
    [ "${key_len:-0}" -ge 32 ] || die "API key of length '$key_len'"
    echo "counts, external ids and a $key_len-character API key: ok"

    say "2. -u with unchanged data"
    before="$(db_fingerprint "$CHECK_DB")"
    upgrade_odoo new "$CHECK_DB" "$WORK/upgrade.log" -u "$ADDON_NAME"
    grep -q "Wilayah data is up to date" "$WORK/upgrade.log" ||
        die "the upgrade reloaded the data"
    after="$(db_fingerprint "$CHECK_DB")"
    [ "$before" = "$after" ] || die "the upgrade changed: $before -> $after"
    echo "nothing reloaded, nothing changed (rows, write dates, external ids, key): ok"

    dropdb --if-exists "$CHECK_DROPIN"
    if [ -n "${PUBLISHED_ADDON:-}" ]; then
        say "3. drop-in: the published module installed and its CSVs imported"
        import_published "$CHECK_DROPIN"
    else
        say "3. drop-in: the published module's state faked through SQL"
        createdb -T "$CHECK_DB" "$CHECK_DROPIN"
        fake_published_state "$CHECK_DROPIN"
    fi
    for table in wilayah_provinsi wilayah_kota wilayah_kecamatan wilayah_kelurahan; do
        q "$CHECK_DROPIN" "SELECT id, code FROM $table ORDER BY id" >"$WORK/$table.before"
        # units sharing a code with another one (the published data has one)
        q "$CHECK_DROPIN" "SELECT count(*) - count(DISTINCT code) FROM $table" \
            >"$WORK/$table.shared"
    done
    before="$(imported_ids "$CHECK_DROPIN")"
    placeholder="$(q "$CHECK_DROPIN" "SELECT value FROM ir_config_parameter
                                    WHERE key = 'wilayah.api.key'")"
    echo "published state: $(q "$CHECK_DROPIN" "SELECT
        (SELECT count(*) FROM wilayah_provinsi) || '/' ||
        (SELECT count(*) FROM wilayah_kota) || '/' ||
        (SELECT count(*) FROM wilayah_kecamatan) || '/' ||
        (SELECT count(*) FROM wilayah_kelurahan)") units, key: $placeholder"

    upgrade_odoo new "$CHECK_DROPIN" "$WORK/dropin.log" -u "$ADDON_NAME"
    grep -o "Wilayah data .*" "$WORK/dropin.log"
    check_current "$CHECK_DROPIN"
    for table in wilayah_provinsi wilayah_kota wilayah_kecamatan wilayah_kelurahan; do
        q "$CHECK_DROPIN" "SELECT id, code FROM $table ORDER BY id" >"$WORK/$table.after"
        # every record is still there, under the same code but for those that
        # shared another unit's code
        missing="$(comm -23 <(cut -d'|' -f1 "$WORK/$table.before" | sort) \
            <(cut -d'|' -f1 "$WORK/$table.after" | sort) | wc -l)"
        [ "$missing" = 0 ] || die "$table: $missing records are gone"
        recoded="$(join -t'|' <(sort -t'|' -k1,1 "$WORK/$table.before") \
            <(sort -t'|' -k1,1 "$WORK/$table.after") |
            awk -F'|' '$2 != $3' | tee "$WORK/$table.recoded" | wc -l)"
        [ "$recoded" = "$(cat "$WORK/$table.shared")" ] ||
            die "$table: $recoded records changed code: $(head -3 "$WORK/$table.recoded")"
        if [ "$recoded" != 0 ]; then
            echo "$table: had a code of another unit (id|old|new): $(cat "$WORK/$table.recoded")"
        fi
    done
    [ "$(imported_ids "$CHECK_DROPIN")" = "$before" ] || die "the imported external ids changed"
    [ "$(q "$CHECK_DROPIN" "SELECT value FROM ir_config_parameter
                          WHERE key = 'wilayah.api.key'")" = "$PLACEHOLDER" ] ||
        die "the placeholder key was not kept"
    echo "ids kept, nothing duplicated, data current, placeholder key kept: ok"

    say "4. the API after the drop-in"
    api_status "$CHECK_DROPIN" "$PLACEHOLDER" /api/provinsi/32
    [ "$STATUS" = 503 ] || die "placeholder key: HTTP $STATUS (expected 503)"
    echo "placeholder key refused: HTTP 503"
    q "$CHECK_DROPIN" "UPDATE ir_config_parameter SET value = '$ADMIN_KEY'
                     WHERE key = 'wilayah.api.key'" >/dev/null
    api_status "$CHECK_DROPIN" "$ADMIN_KEY" /api/kecamatan/3204050
    [ "$STATUS" = 200 ] || die "admin's key: HTTP $STATUS (expected 200)"
    grep -q '"KERTASARI"' "$WORK/answer.json" || die "answer: $(cat "$WORK/answer.json")"
    echo "admin's key accepted: HTTP 200 $(head -c 200 "$WORK/answer.json")"

    upgrade_odoo new "$CHECK_DROPIN" "$WORK/dropin2.log" -u "$ADDON_NAME"
    grep -q "Wilayah data is up to date" "$WORK/dropin2.log" ||
        die "the second upgrade reloaded the data"
    echo "a second -u: nothing reloaded"
    say "all checks passed"
}

case "${1:-}" in
"") test_main ;;
upgrade) upgrade_main ;;
*) die "usage: $0 [upgrade]" ;;
esac
