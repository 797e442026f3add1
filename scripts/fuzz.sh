#!/usr/bin/env bash
# make fuzz: fuzz the API on a server of its own, in about 4 minutes.
#   1. schemathesis (PyPI, in a venv in the state dir) against /api/openapi.json,
#      with the API key and without it: no 5xx, answers that match the schema
#      (status, content type, body);
#   2. tools/fuzz_api.py: a corpus of hostile raw requests (SQL fragments,
#      % _ \, NUL bytes, invalid UTF-8 in path and query, 10,000-character
#      values, repeated parameters, huge and non-ASCII headers, every method;
#      address searches of 200 words, every script, control characters, bad
#      level keys, within codes and limits);
#   3. the server log: no traceback, never the key; the data is unchanged
#      (db_fingerprint before and after both runs).
# Exit status non-zero on any failure.
#
#   FUZZ_DB=wilayah_fuzz FUZZ_PORT=8469   database (installed when missing,
#                                         upgraded when the addon changed) and port
#   FUZZ_EXAMPLES=50                      schemathesis examples per operation
#   FUZZ_TIME=100 FUZZ_TIME_NOKEY=40      schemathesis time budgets (seconds)
#   FUZZ_SEED=<n>                         reproduce a schemathesis run
#   SCHEMATHESIS_VERSION=4.32.5           (a venv in the state dir, see tool_venv)
#   FUZZ_SKIP_SCHEMATHESIS=1              only the hostile corpus
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

FUZZ_DB="${FUZZ_DB:-wilayah_fuzz}"
FUZZ_PORT="${FUZZ_PORT:-8469}"
FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-50}"
FUZZ_TIME="${FUZZ_TIME:-100}"
FUZZ_TIME_NOKEY="${FUZZ_TIME_NOKEY:-40}"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
FUZZ_URL="http://127.0.0.1:$FUZZ_PORT"
FUZZ_LOG="$LOG_DIR/fuzz-$FUZZ_DB.log"
FUZZ_REPORTS="$STATE_DIR/fuzz-reports"
problems=()

# ---------------------------------------------------------------- the runs
# schemathesis_run NAME TIME [--config-file FILE]: one `st run`, reports kept.
schemathesis_run() {
    local name="$1" budget="$2" rc=0
    shift 2
    log "schemathesis ($name): up to $FUZZ_EXAMPLES examples per operation, ${budget}s"
    local -a args=(run "$FUZZ_URL/api/openapi.json"
        --checks "$ST_CHECKS" --max-examples "$FUZZ_EXAMPLES" --max-time "$budget"
        --workers 1 --request-timeout 30 --wait-for-schema 30
        --suppress-health-check all --report junit
        --report-junit-path "$FUZZ_REPORTS/schemathesis-$name.xml")
    [ -n "${FUZZ_SEED:-}" ] && args+=(--seed "$FUZZ_SEED")
    timeout --kill-after=10 "$((budget + 120))" \
        "$ST_VENV/bin/st" --no-color "$@" "${args[@]}" </dev/null || rc=$?
    [ "$rc" -eq 0 ] || problems+=("schemathesis ($name) failed (exit $rc)")
}

# Tracebacks in the server log; the one Odoo's core raises before any addon
# code when a request has no Host header (KeyError 'HTTP_HOST' in
# odoo/http.py _get_session_and_dbname) is listed, not counted.
check_server_log() {
    local out rc=0
    out="$("$PYTHON" - "$FUZZ_LOG" "$SERVER_LOG_START" <<'EOF'
import re, sys
path, start = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    f.seek(start)
    lines = f.read().decode("utf-8", "replace").splitlines()
entry = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ")
known = bad = 0
i = 0
while i < len(lines):
    if lines[i].startswith("Traceback (most recent call last)"):
        block = [lines[i - 1] if i else ""]
        i += 1
        while i < len(lines) and not entry.match(lines[i]):
            block.append(lines[i])
            i += 1
        last = next((l for l in reversed(block) if l.strip()), "")
        if last == "KeyError: 'HTTP_HOST'" and any("_get_session_and_dbname" in l for l in block):
            known += 1
        else:
            bad += 1
            print("\n".join(block[:1] + block[-6:]))
            print("---")
        continue
    i += 1
print(f"log: {bad} traceback(s), {known} known Odoo-core KeyError 'HTTP_HOST' (no Host header)")
sys.exit(1 if bad else 0)
EOF
)" || rc=$?
    printf '%s\n' "$out"
    [ "$rc" -eq 0 ] || problems+=("traceback(s) in the server log $FUZZ_LOG")
    if grep -aqF -- "$KEY" <(tail -c "+$((SERVER_LOG_START + 1))" "$FUZZ_LOG"); then
        problems+=("the API key appears in the server log")
    fi
}

fuzz_main() {
    mkdir -p "$FUZZ_REPORTS"
    if [ "${FUZZ_SKIP_SCHEMATHESIS:-0}" != 1 ]; then
        ST_VENV="$(tool_venv schemathesis "schemathesis==$SCHEMATHESIS_VERSION")"
    fi
    serve_addon "$FUZZ_DB" "$FUZZ_PORT" "$FUZZ_LOG"
    export WILAYAH_FUZZ_KEY="$KEY"
    local before after
    before="$(db_fingerprint "$FUZZ_DB")"

    if [ "${FUZZ_SKIP_SCHEMATHESIS:-0}" = 1 ]; then
        warn "schemathesis skipped (FUZZ_SKIP_SCHEMATHESIS=1)"
    elif ! curl -sf -o /dev/null --max-time 30 "$FUZZ_URL/api/openapi.json"; then
        problems+=("$FUZZ_URL/api/openapi.json is not served: schemathesis not run")
    else
        ST_CHECKS="not_a_server_error,status_code_conformance,content_type_conformance"
        ST_CHECKS+=",response_schema_conformance"
        # The key reaches schemathesis through the environment (a config file
        # placeholder), never on a command line.
        local config="$FUZZ_REPORTS/schemathesis-key.toml"
        # shellcheck disable=SC2016  # a placeholder for schemathesis, not for bash
        printf '[headers]\n"X-API-Key" = "${WILAYAH_FUZZ_KEY}"\n' >"$config"
        local base="$ST_CHECKS"
        ST_CHECKS="$base,ignored_auth"
        schemathesis_run with-key "$FUZZ_TIME" --config-file "$config"
        ST_CHECKS="$base"
        schemathesis_run without-key "$FUZZ_TIME_NOKEY"
    fi

    log "hostile corpus (tools/fuzz_api.py)"
    KEY="$KEY" "$PYTHON" "$REPO_ROOT/tools/fuzz_api.py" --port "$FUZZ_PORT" \
        --key-env KEY --max-seconds 150 </dev/null \
        || problems+=("hostile corpus: failures (tools/fuzz_api.py)")

    after="$(db_fingerprint "$FUZZ_DB")"
    if [ "$before" != "$after" ]; then
        problems+=("data changed during the fuzz run")
        printf 'before:\n%s\nafter:\n%s\n' "$before" "$after"
    fi
    stop_server
    check_server_log

    if [ "${#problems[@]}" -gt 0 ]; then
        echo "---- fuzz FAILED (server log $FUZZ_LOG, reports $FUZZ_REPORTS) ----"
        printf ' - %s\n' "${problems[@]}"
        return 1
    fi
    echo "---- fuzz OK (server log $FUZZ_LOG, reports $FUZZ_REPORTS) ----"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    fuzz_main "$@"
fi
