#!/usr/bin/env bash
# `make i18n`: re-export i18n/<addon>.pot from a database with the addon up to
# date (I18N_DB, default wilayah_i18n), with the header Odoo's own addons ship,
# and merge it into each i18n/*.po: new messages then show as untranslated
# (msgfmt --statistics counts them; tests/test_i18n.py fails until they are).
# shellcheck source=scripts/server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"

I18N_DB="${I18N_DB:-wilayah_i18n}"
setup_main </dev/null
apt_ensure gettext
logfile="$LOG_DIR/i18n-$I18N_DB.log"
: >"$logfile"
ensure_addon_db "$I18N_DB" "$logfile"
pot="$REPO_ROOT/i18n/$ADDON_NAME.pot"
odoo_once "$I18N_DB" "$logfile" --i18n-export="$pot" --modules="$ADDON_NAME" \
    || die "export failed, see $logfile"
# No build stamp nor dates: the file changes only when the messages do.
sed -i -E 's/^"Project-Id-Version: Odoo Server [^"]*\\n"$/"Project-Id-Version: Odoo Server 18.0\\n"/;
    s/^"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"$/"\1: \\n"/' "$pot"
for po in "$REPO_ROOT"/i18n/*.po; do
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
    printf '%s: ' "${po##*/}"
    msgfmt --check --statistics -o /dev/null "$po"
done
