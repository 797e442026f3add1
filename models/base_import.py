import logging
import sys
import threading
import time

from odoo import models

from odoo.addons.base_import.models.base_import import ImportValidationError

from ..wilayah.levels import by_model

_logger = logging.getLogger(__name__)

# The options that decide how a file is read into rows.
READ_OPTIONS = ("encoding", "separator", "quoting", "has_headers", "sheet")


class _ReadFile:
    """The rows of the file being imported into a region model, read and
    mapped once for all the batches of the import that this worker serves.
    At most one file per worker: dropped after the import's last batch, or
    when no batch came for IDLE_SECONDS (the dialog's other worker never sees
    the last batch)."""

    IDLE_SECONDS = 30
    entry = None  # (key, rows of the whole file, field paths, repeated keys)
    timer = None

    @classmethod
    def keep(cls, entry):
        """Keep ``entry`` (one attribute: threads read it whole) for the next
        batch; each batch restarts the idle timer."""
        cls.entry = entry
        if cls.timer:
            cls.timer.cancel()
        cls.timer = threading.Timer(cls.IDLE_SECONDS, cls.clear)
        cls.timer.daemon = True
        cls.timer.start()

    @classmethod
    def clear(cls):
        cls.entry = None


def _deep_size(rows):
    return sys.getsizeof(rows) + sum(
        sys.getsizeof(row) + sum(sys.getsizeof(value) for value in row) for row in rows
    )


class BaseImportImport(models.TransientModel):
    _inherit = "base_import.import"

    def _convert_import_data(self, fields, options):
        """For a region model: read and map the file once, refuse it when it
        gives one code or external id to several rows (nothing of it is
        applied), and hand on only the rows of the current batch.

        The dialog calls ``execute_import`` once per batch of 2,000 rows with
        the whole file, and base_import reads, maps and merges every row from
        the batch's first one to the end, each time: 84,197 kelurahan rows cost
        it about 1 s per batch, 43 times, while the batch itself loads in
        0.15 s (``make bench-import``).
        """
        if not by_model(self.res_model):
            return super()._convert_import_data(fields, options)
        # the file changes only through a write (the dialog's set_file, a
        # request of its own), which moves write_date: no need to read it
        key = (
            self.env.cr.dbname,
            self.id,
            self.write_date,
            tuple(fields),
            tuple(str(options.get(name)) for name in READ_OPTIONS),
        )
        entry = _ReadFile.entry
        if entry is None or entry[0] != key:
            started = time.perf_counter()
            rows, import_fields = super()._convert_import_data(
                fields, dict(options, skip=0)
            )
            problems = self.env[self.res_model]._load_repeated_keys(import_fields, rows)
            entry = (key, rows, import_fields, problems)
            _logger.info(
                "Import into %s: %d rows read once for all batches in %.2f s, "
                "%.1f MiB held until the last batch (or %d s without one).",
                self.res_model,
                len(rows),
                time.perf_counter() - started,
                _deep_size(rows) / 2**20,
                _ReadFile.IDLE_SECONDS,
            )
        _ReadFile.keep(entry)
        _key, rows, import_fields, problems = entry
        skip = options.get("skip") or 0
        problems = [problem for problem in problems if problem[1] > skip]
        if problems:
            raise ImportValidationError(
                self.env[self.res_model]._load_repeated_keys_message(problems)
            )
        limit = options.get("limit")
        window = rows[skip : skip + limit if limit else None]
        # copies: the steps after this one change rows in place
        return [list(row) for row in window], list(import_fields)

    def execute_import(self, fields, columns, options, dryrun=False):
        result = super().execute_import(fields, columns, options, dryrun=dryrun)
        if by_model(self.res_model) and not result.get("nextrow"):
            _ReadFile.clear()  # the last batch, or an error: the import is over
        return result
