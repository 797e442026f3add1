import logging

from odoo.tools import SQL

from .models.wilayah_data import DATA_CHECKSUM_PARAM
from .wilayah.address import ADDRESS_LEVELS, address_field
from .wilayah.levels import LEVELS
from .wilayah.settings import LEGACY_KEY_ENABLED_PARAM

_logger = logging.getLogger(__name__)


def pre_init_hook(env):
    """Enable pg_trgm so that name searches use trigram indexes (``index='trigram'``).

    pg_trgm is a trusted extension: the database owner may create it. Where it
    cannot be had, Odoo falls back to plain indexes and everything still works.
    """
    try:
        with env.cr.savepoint():
            env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        env.registry.has_trigram = True
    except Exception:  # pylint: disable=broad-except
        _logger.warning("pg_trgm is not available: name searches use plain indexes.")


def uninstall_hook(env):
    """Drop the 92k regions with SQL, as product_unspsc does: the ORM would
    unlink them one external id at a time. Then the loader's bookkeeping, so
    that a later install loads the data again. The admin's settings (API key,
    allowed origins) stay: a reinstall keeps them (README, "Uninstall"). The
    legacy key's switch goes with the API clients Odoo drops: a reinstall
    without clients must not start closed."""
    env["res.country"]._wilayah_uninstall_address_format()
    for key in ADDRESS_LEVELS:  # addresses let go of the units (ondelete restrict)
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s = NULL WHERE %s IS NOT NULL",
                SQL.identifier(address_field(key)),
                SQL.identifier(address_field(key)),
            )
        )
    for level in reversed(LEVELS.values()):  # children first
        env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(level.table)))
        env.cr.execute("DELETE FROM ir_model_data WHERE model = %s", [level.model])
    env["ir.config_parameter"].sudo().search(
        [("key", "in", (DATA_CHECKSUM_PARAM, LEGACY_KEY_ENABLED_PARAM))]
    ).unlink()
    env["wilayah.shape"]._drop_shapes()
