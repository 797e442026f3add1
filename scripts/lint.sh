#!/usr/bin/env bash
# ruff (check + format --check) and pylint-odoo (OCA mandatory checks) on the
# addon. Tools come from PyPI into a venv in the state dir (created once).
# Exit status is non-zero on any finding.
#   LINT_PYTHON=python for the venv (default $PYTHON), RUFF_VERSION, PYLINT_ODOO_VERSION
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pins used by OCA's oca-addons-repo-template for Odoo 18.0 (keep in sync with
# .pre-commit-config.yaml).
RUFF_VERSION="${RUFF_VERSION:-0.6.8}"
PYLINT_ODOO_VERSION="${PYLINT_ODOO_VERSION:-9.1.3}"
LINT_PYTHON="${LINT_PYTHON:-$PYTHON}"
VENV="$STATE_DIR/lint-venv"
STAMP="$VENV/.installed"
want="ruff==$RUFF_VERSION pylint-odoo==$PYLINT_ODOO_VERSION"

make_venv() {
    rm -rf "$VENV"
    if ! "$LINT_PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian/Ubuntu ship venv/ensurepip separately.
        local pyver
        pyver="$("$LINT_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        rm -rf "$VENV"
        if apt-cache show "python$pyver-venv" >/dev/null 2>&1; then
            apt_ensure python3-venv "python$pyver-venv"
        else
            apt_ensure python3-venv
        fi
        "$LINT_PYTHON" -m venv "$VENV"
    fi
}

if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]; then
    log "installing lint tools ($want) into $VENV"
    mkdir -p "$STATE_DIR"
    make_venv
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check $want
    echo "$want" >"$STAMP"
fi

# pylint-odoo needs the addon under its technical name: lint through the
# state dir's symlink (or a temporary one when setup did not run).
lint_parent="$STATE_DIR/addons"
if [ "$(readlink -f "$lint_parent/$ADDON_NAME" 2>/dev/null || true)" != "$REPO_ROOT" ]; then
    lint_parent="$(mktemp -d)"
    trap 'rm -rf "$lint_parent"' EXIT
    ln -s "$REPO_ROOT" "$lint_parent/$ADDON_NAME"
fi

rc=0
cd "$REPO_ROOT"
log "ruff check"
"$VENV/bin/ruff" check --no-fix . || rc=1
log "ruff format --check"
"$VENV/bin/ruff" format --check . || rc=1
log "pylint-odoo (OCA mandatory checks, .pylintrc)"
if [ -f "$REPO_ROOT/__init__.py" ]; then
    (cd "$lint_parent" && "$VENV/bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" \
        --disable=import-error "$ADDON_NAME") || rc=1
else
    warn "no __init__.py in the addon yet: pylint skipped"
fi
if [ "$rc" -ne 0 ]; then
    echo "lint: findings reported above" >&2
else
    echo "lint: clean" >&2
fi
exit "$rc"
