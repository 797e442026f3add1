"""What Odoo's import dialog (Actions > Import records) sends: its options,
as ``base_import/static/src/import_model.js`` sets them by default. The tests
and ``make bench-import`` call ``base_import.import`` with them, as the dialog
does: ``parse_preview(options)``, then ``execute_import(fields, columns,
options)`` batch after batch, ``skip`` set to the previous ``nextrow``."""

BATCH_ROWS = 2000  # the dialog's "limit": rows applied per execute_import

DIALOG_OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "",
    "separator": "",
    "quoting": '"',
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": True,
    "has_headers": True,
    "keep_matches": False,
    "limit": BATCH_ROWS,
    "sheets": [],
    "sheet": "",
    "skip": 0,
    "tracking_disable": True,
}
