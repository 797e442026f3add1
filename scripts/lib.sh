# shellcheck shell=bash
# Common helpers, sourced by the other scripts (not executable on its own).
#
# Environment variables honoured (all optional):
#   PYTHON      interpreter that has Odoo's deps (default /usr/bin/python3)
#   ODOO_SRC    path to an Odoo 18 source tree (contains odoo/ package)
#   ODOO_HOME   where to download/extract Odoo when it is not importable
#               (default $HOME/.cache/infinys-wilayah/odoo-18.0)
#   ODOO_URL    tarball to download (default: official 18.0 nightly)
#   STATE_DIR   state dir outside the repo (default $HOME/.local/share/infinys-wilayah)
#   TOOL_PYTHON interpreter for the tool venvs (default $PYTHON), see tool_venv
#   DB, PORT, WORKERS, TEST_DB, TEST_PORT  see run.sh / test.sh

set -euo pipefail
# a failure inside $(...) stops the script too (bash >= 4.4)
shopt -s inherit_errexit

ADDON_NAME=infinys_wilayah_indonesia_api
HOME="${HOME:-$(getent passwd "$(id -un)" | cut -d: -f6)}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PYTHON="${PYTHON:-/usr/bin/python3}"
STATE_DIR="${STATE_DIR:-$HOME/.local/share/infinys-wilayah}"
ODOO_HOME="${ODOO_HOME:-$HOME/.cache/infinys-wilayah/odoo-18.0}"
ODOO_URL="${ODOO_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"
ODOO_CONF="$STATE_DIR/odoo.conf"
LOG_DIR="$STATE_DIR/logs"
export TZ=UTC            # as Odoo's own launcher does
export PGTZ=UTC

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root (directly, or through sudo when available).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (install sudo or run as root)"
    fi
}

# Run a command as the postgres unix user.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else
        sudo -u postgres "$@"
    fi
}

# on_exit CMD [ARGS...]: run CMD when the script exits (also on Ctrl-C and
# TERM, which exit with 130); the last registered runs first.
EXIT_HOOKS=()
on_exit() {
    EXIT_HOOKS=("$(printf '%q ' "$@")" "${EXIT_HOOKS[@]}")
    trap _run_exit_hooks EXIT
    trap 'exit 130' INT TERM
}
_run_exit_hooks() {
    local hook
    for hook in "${EXIT_HOOKS[@]}"; do eval "$hook" || true; done
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Install the given Debian packages that are missing (apt-get update first).
apt_ensure() {
    local missing=() p
    command -v dpkg-query >/dev/null 2>&1 || { warn "no dpkg: cannot install $*"; return 0; }
    for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"
}

# tool_venv NAME "pkg==1.0 other==2.0": a venv in $STATE_DIR/venvs/NAME with
# these pinned PyPI packages; prints its directory. Made again only when the
# package list changes (kept in NAME/.installed).
tool_venv() {
    local name="$1" want="$2" py="${TOOL_PYTHON:-$PYTHON}" venv pyver
    venv="$STATE_DIR/venvs/$name"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.installed" 2>/dev/null || true)" = "$want" ]; then
        printf '%s\n' "$venv"
        return 0
    fi
    log "installing $want into $venv"
    rm -rf "$venv"
    mkdir -p "$STATE_DIR/venvs"
    if ! "$py" -m venv "$venv" >/dev/null 2>&1; then
        # Debian/Ubuntu ship venv/ensurepip apart (python3.X-venv on some releases)
        rm -rf "$venv"
        pyver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        if apt-cache show "python$pyver-venv" >/dev/null 2>&1; then
            apt_ensure python3-venv "python$pyver-venv" >&2
        else
            apt_ensure python3-venv >&2
        fi
        "$py" -m venv "$venv" >&2 || die "$py -m venv $venv failed"
    fi
    # shellcheck disable=SC2086  # $want is a list of requirements
    "$venv/bin/python" -m pip install -q --disable-pip-version-check $want >&2 || {
        rm -rf "$venv"
        die "pip install $want failed"
    }
    printf '%s\n' "$want" >"$venv/.installed"
    printf '%s\n' "$venv"
}

# openapi-spec-validator (PyPI, pinned) in its tool venv: prints the command.
# Used by test.sh (the addon's tests validate /api/openapi.json with it) and
# check_docs.sh.
OPENAPI_SPEC_VALIDATOR_VERSION="${OPENAPI_SPEC_VALIDATOR_VERSION:-0.7.1}"
openapi_validator() {
    local venv
    venv="$(tool_venv openapi "openapi-spec-validator==$OPENAPI_SPEC_VALIDATOR_VERSION")"
    printf '%s\n' "$venv/bin/openapi-spec-validator"
}

# ---------------------------------------------------------------- PostgreSQL
# The cluster the scripts use (Debian pg_lsclusters) as "version name port
# status": the one named main when there is one, else the newest. Never
# another cluster while main exists (soak.sh's own clusters, other people's).
pg_cluster() {
    pg_lsclusters -h 2>/dev/null | sort -k1,1nr | awk '
        $2 == "main" { print $1, $2, $3, $4; found = 1; exit }
        first == "" { first = $1 " " $2 " " $3 " " $4 }
        END { if (!found && first != "") print first }'
}

# Newest PostgreSQL server installed (a version number), for new clusters.
pg_server_version() {
    find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n1
}

# Port of that cluster when it is running, exported as PGPORT.
pg_detect_port() {
    if [ -z "${PGPORT:-}" ] && command -v pg_lsclusters >/dev/null 2>&1; then
        local port status
        read -r _ _ port status <<<"$(pg_cluster)" || true
        if [ "$status" = online ]; then export PGPORT="$port"; fi
    fi
    return 0
}

pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q; }

# Start PostgreSQL when it is not answering; create a cluster when none exists.
pg_start() {
    pg_detect_port
    pg_ready && return 0
    apt_ensure postgresql postgresql-contrib postgresql-client
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name
        read -r ver name _ <<<"$(pg_cluster)" || true
        if [ -z "$ver" ]; then
            ver="$(pg_server_version)"
            [ -n "$ver" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
            log "creating PostgreSQL cluster $ver/main"
            as_root pg_createcluster "$ver" main
            name=main
        fi
        log "starting PostgreSQL cluster $ver/$name"
        as_root pg_ctlcluster "$ver" "$name" start || true
        unset PGPORT
        pg_detect_port
    else
        as_root service postgresql start || true
    fi
    for _ in $(seq 1 60); do pg_ready && return 0; sleep 1; done
    die "PostgreSQL does not accept connections (pg_isready failed)"
}

# Superuser role for the current unix user (Odoo uses the unix socket, peer auth).
pg_ensure_role() {
    local me
    me="$(id -un)"
    [ "$me" = postgres ] && return 0
    if [ "$(as_postgres psql -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$me'")" != 1 ]; then
        log "creating PostgreSQL superuser role $me"
        as_postgres createuser -s "$me"
    fi
}

pg_ensure_trgm() {
    local ok
    ok="$(psql -d postgres -tAc "SELECT 1 FROM pg_available_extensions WHERE name='pg_trgm'" 2>/dev/null || true)"
    if [ "$ok" != 1 ]; then
        apt_ensure postgresql-contrib
    fi
}

db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]
}

# api_key DB: the API key of DB (system parameter wilayah.api.key).
api_key() {
    local key
    key="$(psql -X -d "$1" -tAc \
        "SELECT value FROM ir_config_parameter WHERE key='wilayah.api.key'")"
    [ -n "$key" ] || die "no system parameter wilayah.api.key in database $1"
    printf '%s\n' "$key"
}

# db_fingerprint DB: one line per region table (rows, active rows, last id,
# last write date), for their external ids (count, last id) and for the
# wilayah.* system parameters (count, digest of keys and values). Equal before
# and after something ran: it wrote no region data and no parameter.
db_fingerprint() {
    local t sql=""
    for t in wilayah_provinsi wilayah_kota wilayah_kecamatan wilayah_kelurahan; do
        sql+="SELECT '$t', concat_ws(',', count(*), count(*) FILTER (WHERE active),"
        sql+=" max(id), max(write_date)) FROM $t UNION ALL "
    done
    sql+="SELECT 'ir_model_data', concat_ws(',', count(*), max(id)) FROM ir_model_data"
    sql+=" WHERE model LIKE 'wilayah.%' UNION ALL "
    sql+="SELECT 'params', concat_ws(',', count(*), md5(string_agg(key || '=' ||"
    sql+=" coalesce(value, ''), ',' ORDER BY key))) FROM ir_config_parameter"
    sql+=" WHERE key LIKE 'wilayah.%'"
    # UNION ALL alone has no order (PostgreSQL may run its parts in parallel)
    psql -X -d "$1" -tAc "SELECT * FROM ($sql) AS fingerprint ORDER BY 1"
}

# ---------------------------------------------------------------------- Odoo
odoo_importable() {
    "$PYTHON" -c 'import odoo, odoo.release; assert odoo.release.version_info[0] == 18' \
        >/dev/null 2>&1
}

# Download and extract the official Odoo 18 tarball into $ODOO_HOME.
odoo_download() {
    [ -f "$ODOO_HOME/odoo/release.py" ] && return 0
    log "downloading Odoo 18.0 from $ODOO_URL into $ODOO_HOME"
    local tmp
    tmp="$(mktemp -d)"
    "$PYTHON" - "$ODOO_URL" "$tmp/odoo.tar.gz" <<'EOF'
import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=120) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)
EOF
    mkdir -p "$ODOO_HOME.partial"
    tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_HOME.partial" --strip-components=1
    rm -rf "$tmp" "$ODOO_HOME"
    mkdir -p "$(dirname "$ODOO_HOME")"
    mv "$ODOO_HOME.partial" "$ODOO_HOME"
}

# Resolve where Odoo comes from; exports PYTHONPATH when needed.
odoo_resolve() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -d "$ODOO_SRC/odoo" ] || die "ODOO_SRC=$ODOO_SRC has no odoo/ package"
    elif odoo_importable; then
        return 0
    else
        odoo_download
        ODOO_SRC="$ODOO_HOME"
    fi
    export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
    odoo_importable || die "Odoo 18 is not importable with $PYTHON from $ODOO_SRC"
}

# Core addons dirs computed from odoo.__file__ (+ ../addons for git checkouts).
odoo_core_addons() {
    "$PYTHON" - <<'EOF'
import os, odoo
pkg = os.path.dirname(os.path.abspath(odoo.__file__))
paths = [os.path.join(pkg, "addons")]
extra = os.path.normpath(os.path.join(pkg, "..", "addons"))
if os.path.isdir(extra):
    paths.append(extra)
print(",".join(paths))
EOF
}

# Odoo launcher: "${ODOO_CMD[@]}" -c "$ODOO_CONF" ...
# shellcheck disable=SC2034  # used by the scripts that source this file
ODOO_CMD=("$PYTHON" "$REPO_ROOT/scripts/odoo-launcher.py")

# Setup steps usable from other scripts (cheap when already done).
ensure_state_dir() {
    mkdir -p "$STATE_DIR/addons" "$STATE_DIR/data" "$LOG_DIR"
    ln -sfn "$REPO_ROOT" "$STATE_DIR/addons/$ADDON_NAME"
    local addons
    addons="$(odoo_core_addons),$STATE_DIR/addons"
    cat >"$ODOO_CONF" <<EOF
; generated by scripts/setup.sh - edits are overwritten
[options]
addons_path = $addons
data_dir = $STATE_DIR/data
without_demo = all
; server-wide, so that /api/* answers a JSON 503 (not an HTML 404) while the
; database is unreachable
server_wide_modules = base,web,$ADDON_NAME
list_db = False
proxy_mode = False
max_cron_threads = 1
EOF
}

# Hash of the addon's files (tracked + untracked-not-ignored), for run.sh -u.
addon_hash() {
    (
        cd "$REPO_ROOT"
        if git rev-parse --git-dir >/dev/null 2>&1; then
            git ls-files -z --cached --others --exclude-standard -- . \
                ':!scripts' ':!.ci' ':!Makefile' ':!.*' ':!pyproject.toml'
        else
            find . -type f -not -path './.git/*' -not -path './scripts/*' -print0
        fi | LC_ALL=C sort -z | { xargs -0 -r sha256sum 2>/dev/null || true; } \
            | sha256sum | cut -d' ' -f1
    )
}
