#!/usr/bin/env bash
# ruff (check + format --check) and pylint-odoo (OCA mandatory checks) on the
# addon; README.rst and static/description/index.html as tools/gen_readme.py
# writes them from readme/*.md and __manifest__.py. Tools come from PyPI into a
# venv in the state dir (tool_venv). Exit status is non-zero on any finding.
#   RUFF_VERSION, PYLINT_ODOO_VERSION, TOOL_PYTHON (for the venv)
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Pins used by OCA's oca-addons-repo-template for Odoo 18.0 (keep in sync with
# .pre-commit-config.yaml).
VENV="$(tool_venv lint "ruff==${RUFF_VERSION:-0.6.8} pylint-odoo==${PYLINT_ODOO_VERSION:-9.1.3}")"

# pylint-odoo needs the addon under its technical name: lint through a link.
lint_parent="$(mktemp -d)"
on_exit rm -rf "$lint_parent"
ln -s "$REPO_ROOT" "$lint_parent/$ADDON_NAME"

rc=0
cd "$REPO_ROOT" || die "cannot cd to $REPO_ROOT"
log "ruff check"
"$VENV/bin/ruff" check --no-fix . || rc=1
log "ruff format --check"
"$VENV/bin/ruff" format --check . || rc=1
log "pylint-odoo (OCA mandatory checks, .pylintrc)"
(cd "$lint_parent" && "$VENV/bin/pylint" --rcfile="$REPO_ROOT/.pylintrc" \
    --disable=import-error "$ADDON_NAME") || rc=1
log "README.rst and the Apps page in sync with readme/ (tools/gen_readme.py --check)"
apt_ensure python3-docutils
"$PYTHON" "$REPO_ROOT/tools/gen_readme.py" --check || rc=1
if [ "$rc" -ne 0 ]; then
    echo "lint: findings reported above" >&2
else
    echo "lint: clean" >&2
fi
exit "$rc"
