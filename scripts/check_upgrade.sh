#!/usr/bin/env bash
# End-to-end check of install, `-u` and the drop-in replacement of the published
# module, with real Odoo processes (not a unit test).
#
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
#      through SQL on an installed database. The published module is at
#      https://github.com/InfinysCloud/infinys_wilayah_indonesia_api (the
#      addon is the infinys_wilayah_indonesia_api folder of that repository).
#   4. (drop-in) the API answers with the admin's key, and refuses the
#      published placeholder key with 503.
#
# Env: PYTHON (/usr/bin/python3), ODOO_BIN (odoo launcher), ODOO_ADDONS (core
# addons dirs), PORT (8391), KEEP_DB=1 to keep the databases.
set -euo pipefail
export LC_ALL=C

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ADDON_DIR="$(cd "$HERE/.." && pwd)"
ADDON=infinys_wilayah_indonesia_api
PYTHON="${PYTHON:-/usr/bin/python3}"
ODOO_BIN="${ODOO_BIN:-/opt/odoo-18.0/setup/odoo}"
ODOO_ADDONS="${ODOO_ADDONS:-/opt/odoo-18.0/odoo/addons}"
PORT="${PORT:-8391}"
WORK="$(mktemp -d /tmp/wilayah-check.XXXXXX)"
DB="wlchk_$$"
DB_DROPIN="wlchk_dropin_$$"
ADMIN_KEY="admin-own-secret-key-0123456789abcdef"
PLACEHOLDER="change_this_to_your_secret_api_key"
SERVER_PID=""

mkdir -p "$WORK/new" "$WORK/old" "$WORK/data"
ln -s "$ADDON_DIR" "$WORK/new/$ADDON"
if [ -n "${PUBLISHED_ADDON:-}" ]; then
    ln -s "$(cd "$PUBLISHED_ADDON" && pwd)" "$WORK/old/$ADDON"
fi

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    if [ -z "${KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        dropdb --if-exists "$DB_DROPIN" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}
q() { psql -X -q -d "$1" -tAc "$2"; }

# odoo ADDONS_DIR DB LOG ARGS...: one --stop-after-init run, log kept
odoo_run() {
    local addons="$1" db="$2" log="$3"
    shift 3
    "$PYTHON" "$ODOO_BIN" -d "$db" --addons-path="$ODOO_ADDONS,$addons" \
        --data-dir="$WORK/data" --without-demo=all --no-http --stop-after-init \
        "$@" >"$log" 2>&1 || {
        tail -40 "$log"
        fail "odoo $* (log: $log)"
    }
    if grep -E " (ERROR|CRITICAL) " "$log" >/dev/null; then
        grep -E " (ERROR|CRITICAL) " "$log" | head -5
        fail "errors in $log"
    fi
}

# Everything an upgrade could change, one line.
STATE_SQL="
SELECT concat_ws(' ',
  (SELECT count(*) || ',' || count(*) FILTER (WHERE active) || ',' || max(id)
          || ',' || max(write_date) FROM wilayah_provinsi),
  (SELECT count(*) || ',' || count(*) FILTER (WHERE active) || ',' || max(id)
          || ',' || max(write_date) FROM wilayah_kota),
  (SELECT count(*) || ',' || count(*) FILTER (WHERE active) || ',' || max(id)
          || ',' || max(write_date) FROM wilayah_kecamatan),
  (SELECT count(*) || ',' || count(*) FILTER (WHERE active) || ',' || max(id)
          || ',' || max(write_date) FROM wilayah_kelurahan),
  (SELECT count(*) || ',' || max(id) FROM ir_model_data
    WHERE model LIKE 'wilayah.%'),
  (SELECT md5(value) FROM ir_config_parameter WHERE key = 'wilayah.api.key'))"

# check_current DB: the data is exactly the shipped one, once per code
check_current() {
    local db="$1" level table expected got
    for level in provinsi:38 kota:514 kecamatan:7277 kelurahan:84197; do
        table="wilayah_${level%%:*}"
        expected="${level#*:}"
        got="$(q "$db" "SELECT count(*) FILTER (WHERE active) || ' '
                        || count(*) - count(DISTINCT code) FROM $table")"
        [ "$got" = "$expected 0" ] ||
            fail "$table: active units and duplicate codes are '$got'"
        got="$(q "$db" "SELECT count(*) FROM $table t JOIN ir_model_data d
                          ON d.module = '$ADDON' AND d.res_id = t.id
                         AND d.name = '${level%%:*}_' || t.code
                       WHERE t.active")"
        [ "$got" = "$expected" ] || fail "$table: $got units with external ids"
        got="$(q "$db" "SELECT count(*) FROM pg_constraint
                       WHERE conname = '${table}_code_unique'")"
        [ "$got" = 1 ] || fail "$table: no unique constraint on the code"
    done
    got="$(q "$db" "SELECT k.name || '|' || k.postal_code || '|' || c.kemendagri_code
                      FROM wilayah_kelurahan k
                      JOIN wilayah_kecamatan c ON c.id = k.kecamatan_id
                     WHERE k.code = '3204050001'")"
    [ "$got" = "NEGLAWANGI|40386|32.04.31" ] || fail "3204050001 is '$got'"
}

# api_status DB KEY PATH: HTTP status of a GET on a server for DB alone
api_status() {
    local db="$1" key="$2" path="$3" status
    "$PYTHON" "$ODOO_BIN" -d "$db" --db-filter="^$db\$" \
        --addons-path="$ODOO_ADDONS,$WORK/new" --data-dir="$WORK/data" \
        --http-port="$PORT" --workers=0 >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 60); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/web/health" && break
        sleep 0.5
    done
    status="$(curl -s -o "$WORK/answer.json" -w '%{http_code}' \
        -H "X-API-Key: $key" "http://127.0.0.1:$PORT$path")"
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    echo "$status"
}

# ---------------------------------------------------------------------------
say "1. install into $DB"
start=$(date +%s)
odoo_run "$WORK/new" "$DB" "$WORK/install.log" -i "$ADDON"
echo "install: $(($(date +%s) - start)) s for the whole Odoo run (base included)"
grep -o "Wilayah data .*" "$WORK/install.log"
check_current "$DB"
key_len="$(q "$DB" "SELECT length(value) FROM ir_config_parameter
                     WHERE key = 'wilayah.api.key'")"
[ "${key_len:-0}" -ge 32 ] || fail "API key of length '$key_len'"
echo "counts, external ids and a $key_len-character API key: ok"

say "2. -u with unchanged data"
before="$(q "$DB" "$STATE_SQL")"
odoo_run "$WORK/new" "$DB" "$WORK/upgrade.log" -u "$ADDON"
grep -q "Wilayah data is up to date" "$WORK/upgrade.log" ||
    fail "the upgrade reloaded the data"
after="$(q "$DB" "$STATE_SQL")"
[ "$before" = "$after" ] || fail "the upgrade changed: $before -> $after"
echo "nothing reloaded, nothing changed (rows, write dates, external ids, key): ok"

# ---------------------------------------------------------------------------
if [ -n "${PUBLISHED_ADDON:-}" ]; then
    say "3. drop-in: the published module installed and its CSVs imported"
    odoo_run "$WORK/old" "$DB_DROPIN" "$WORK/published.log" -i "$ADDON"
    start=$(date +%s)
    "$PYTHON" "$ODOO_BIN" shell -d "$DB_DROPIN" --addons-path="$ODOO_ADDONS,$WORK/old" \
        --data-dir="$WORK/data" --no-http >"$WORK/import.log" 2>&1 <<EOF
import csv
for model, name in [("wilayah.provinsi", "provinsi"), ("wilayah.kota", "kota"),
                    ("wilayah.kecamatan", "kecamatan"),
                    ("wilayah.kelurahan", "kelurahan")]:
    with open("$WORK/old/$ADDON/data_import/data_%s.csv" % name) as f:
        rows = list(csv.reader(f))
    for i in range(1, len(rows), 10000):
        res = env[model].with_context(import_file=True).load(
            rows[0], rows[i:i + 10000])
        errors = [m for m in res["messages"] if m["type"] == "error"]
        assert not errors, errors[:3]
    env.cr.commit()
    print("IMPORTED", model, len(rows) - 1)
EOF
    grep IMPORTED "$WORK/import.log" || {
        tail -20 "$WORK/import.log"
        fail "import of the published CSVs"
    }
    echo "imported in $(($(date +%s) - start)) s"
else
    say "3. drop-in: the published module's state faked through SQL"
    createdb -T "$DB" "$DB_DROPIN"
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB_DROPIN" <<'EOF'
DELETE FROM ir_model_data
 WHERE module = 'infinys_wilayah_indonesia_api' AND model LIKE 'wilayah.%';
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
UPDATE ir_config_parameter SET value = 'change_this_to_your_secret_api_key'
 WHERE key = 'wilayah.api.key';
EOF
fi
for table in wilayah_provinsi wilayah_kota wilayah_kecamatan wilayah_kelurahan; do
    q "$DB_DROPIN" "SELECT id, code FROM $table ORDER BY id" >"$WORK/$table.before"
    # units sharing a code with another one (the published data has one)
    q "$DB_DROPIN" "SELECT count(*) - count(DISTINCT code) FROM $table" \
        >"$WORK/$table.shared"
done
imported_before="$(q "$DB_DROPIN" "SELECT count(*) || ',' || md5(string_agg(
    name || ':' || res_id, ',' ORDER BY name)) FROM ir_model_data
    WHERE module = '__import__' AND model LIKE 'wilayah.%'")"
echo "published state: $(q "$DB_DROPIN" "SELECT
    (SELECT count(*) FROM wilayah_provinsi) || '/' ||
    (SELECT count(*) FROM wilayah_kota) || '/' ||
    (SELECT count(*) FROM wilayah_kecamatan) || '/' ||
    (SELECT count(*) FROM wilayah_kelurahan)") units, key:" \
    "$(q "$DB_DROPIN" "SELECT value FROM ir_config_parameter
                        WHERE key = 'wilayah.api.key'")"

odoo_run "$WORK/new" "$DB_DROPIN" "$WORK/dropin.log" -u "$ADDON"
grep -o "Wilayah data .*" "$WORK/dropin.log"
check_current "$DB_DROPIN"
for table in wilayah_provinsi wilayah_kota wilayah_kecamatan wilayah_kelurahan; do
    q "$DB_DROPIN" "SELECT id, code FROM $table ORDER BY id" >"$WORK/$table.after"
    # every record is still there, under the same code but for those that
    # shared another unit's code
    missing="$(comm -23 <(cut -d'|' -f1 "$WORK/$table.before" | sort) \
        <(cut -d'|' -f1 "$WORK/$table.after" | sort) | wc -l)"
    [ "$missing" = 0 ] || fail "$table: $missing records are gone"
    recoded="$(join -t'|' <(sort -t'|' -k1,1 "$WORK/$table.before") \
        <(sort -t'|' -k1,1 "$WORK/$table.after") |
        awk -F'|' '$2 != $3' | tee "$WORK/$table.recoded" | wc -l)"
    [ "$recoded" = "$(cat "$WORK/$table.shared")" ] ||
        fail "$table: $recoded records changed code: $(head -3 "$WORK/$table.recoded")"
    if [ "$recoded" != 0 ]; then
        echo "$table: had a code of another unit (id|old|new): $(cat "$WORK/$table.recoded")"
    fi
done
[ "$(q "$DB_DROPIN" "SELECT count(*) || ',' || md5(string_agg(
    name || ':' || res_id, ',' ORDER BY name)) FROM ir_model_data
    WHERE module = '__import__' AND model LIKE 'wilayah.%'")" = "$imported_before" ] ||
    fail "the imported external ids changed"
[ "$(q "$DB_DROPIN" "SELECT value FROM ir_config_parameter
                      WHERE key = 'wilayah.api.key'")" = "$PLACEHOLDER" ] ||
    fail "the placeholder key was not kept"
echo "ids kept, nothing duplicated, data current, placeholder key kept: ok"

say "4. the API after the drop-in"
status="$(api_status "$DB_DROPIN" "$PLACEHOLDER" /api/provinsi/32)"
[ "$status" = 503 ] || fail "placeholder key: HTTP $status (expected 503)"
echo "placeholder key refused: HTTP 503"
q "$DB_DROPIN" "UPDATE ir_config_parameter SET value = '$ADMIN_KEY'
                 WHERE key = 'wilayah.api.key'" >/dev/null
status="$(api_status "$DB_DROPIN" "$ADMIN_KEY" /api/kecamatan/3204050)"
[ "$status" = 200 ] || fail "admin's key: HTTP $status (expected 200)"
grep -q '"KERTASARI"' "$WORK/answer.json" || fail "answer: $(cat "$WORK/answer.json")"
echo "admin's key accepted: HTTP 200 $(head -c 200 "$WORK/answer.json")"

odoo_run "$WORK/new" "$DB_DROPIN" "$WORK/dropin2.log" -u "$ADDON"
grep -q "Wilayah data is up to date" "$WORK/dropin2.log" ||
    fail "the second upgrade reloaded the data"
echo "a second -u: nothing reloaded"
say "all checks passed"
