#!/usr/bin/env bash
# Idempotent machine setup: Debian packages, PostgreSQL (+role, pg_trgm),
# Odoo 18 source, and the state dir (addons symlink, odoo.conf, filestore, logs).
# Re-runs need no network when everything is already there.
# Can be sourced: then call setup_main.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(
    python3-babel python3-chardet python3-cryptography python3-dateutil
    python3-decorator python3-docutils python3-freezegun python3-geoip2
    python3-gevent python3-greenlet python3-idna python3-pil python3-jinja2
    python3-libsass python3-lxml python3-markupsafe python3-num2words
    python3-ofxparse python3-openpyxl python3-passlib python3-polib
    python3-psutil python3-psycopg2 python3-pydot python3-pyparsing
    python3-pypdf2 python3-qrcode python3-renderpm python3-reportlab
    python3-requests python3-rjsmin python3-stdnum python3-tz python3-vobject
    python3-werkzeug python3-xlrd python3-xlsxwriter python3-xlwt python3-zeep
    python3-ldap python3-asn1crypto python3-cbor2 python3-openssl python3-serial
    python3-usb postgresql-client fonts-dejavu-core wrk
    postgresql postgresql-contrib make git ca-certificates
    # for the addon's tests: the OpenAPI document is checked with jsonschema,
    # and its patterns are compiled as JavaScript RegExps (what browsers and
    # code generators do with them) by node
    python3-jsonschema nodejs
)

install_packages() {
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "apt-get not found: install Odoo 18's Python deps and PostgreSQL yourself"
        return 0
    fi
    apt_ensure "${APT_PACKAGES[@]}"
    # lxml >= 5.2 split lxml.html.clean out (Ubuntu 24.04): add it only if needed
    # and only if apt knows the package.
    if ! "$PYTHON" -c 'import lxml.html.clean' >/dev/null 2>&1; then
        if ! apt-cache show python3-lxml-html-clean >/dev/null 2>&1; then
            as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        fi
        if apt-cache show python3-lxml-html-clean >/dev/null 2>&1; then
            apt_ensure python3-lxml-html-clean
        fi
    fi
}

# Once per script run (run.sh, test.sh, serve_addon in server.sh...).
SETUP_DONE=
setup_main() {
    [ -z "$SETUP_DONE" ] || return 0
    log "setup: packages"
    install_packages
    log "setup: PostgreSQL"
    pg_start
    pg_ensure_role
    pg_ensure_trgm
    log "setup: Odoo 18"
    odoo_resolve
    log "setup: state dir $STATE_DIR"
    ensure_state_dir
    SETUP_DONE=1
    log "setup: done (odoo $("$PYTHON" -c 'import odoo.release as r; print(r.version)'), config $ODOO_CONF)"
}

# Sourced by the other scripts (so PYTHONPATH/PGPORT stay set there) or run directly.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    setup_main "$@"
fi
