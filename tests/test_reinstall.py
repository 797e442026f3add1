import shutil
import subprocess
import tempfile

import odoo
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL

from ..models.wilayah_data import DATA_CHECKSUM_PARAM
from ..wilayah import ADDON as MODULE
from ..wilayah.levels import LEVELS
from ..wilayah.settings import API_KEY_PARAM, LEGACY_KEY_ENABLED_PARAM
from .common import odoo_command

UNINSTALL = f"""
env["ir.module.module"].search([("name", "=", {MODULE!r})]).button_immediate_uninstall()
"""
# A contact whose address names a village (its units cannot be deleted while
# it does: ondelete restrict).
ADDRESS = f"""
env["res.partner"].create({{
    "name": "Toko Uji",
    "wilayah_kelurahan_id": env.ref("{MODULE}.kelurahan_3204050001").id,
}})
# and an API client, with the legacy key switched off
env["wilayah.api.client"].create({{"name": "Toko Uji"}})._generate_key()
env["ir.config_parameter"].set_param("{LEGACY_KEY_ENABLED_PARAM}", "False")
env.cr.commit()
"""


@tagged("post_install", "-at_install")
class TestReinstall(BaseCase):
    """Install, uninstall, install again in one database, as an admin does it
    (Apps > Uninstall, then Install): real Odoo processes on a scratch
    database next to the test database, dropped at the end."""

    def setUp(self):
        super().setUp()
        self.db_name = f"{get_db_name()}_reinstall"
        self.data_dir = tempfile.mkdtemp(prefix="wilayah-reinstall-")
        self._drop()
        self.addCleanup(self._drop)
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)

    def _drop(self):
        odoo.sql_db.close_db(self.db_name)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(
                SQL(
                    "DROP DATABASE IF EXISTS %s WITH (FORCE)",
                    SQL.identifier(self.db_name),
                )
            )

    def _odoo(self, *args, stdin=None):
        command = odoo_command(
            args[0], self.db_name, self.data_dir, "--log-level", "warn", *args[1:]
        )
        done = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        self.assertEqual(
            done.returncode, 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"
        )

    def _install(self):
        self._odoo(
            "server",
            "-i",
            MODULE,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--max-cron-threads=0",
        )

    def _state(self):
        """Units per level, the wilayah.* parameters and the module's state."""
        with odoo.sql_db.db_connect(self.db_name).cursor() as cr:
            units = {}
            for level in LEVELS.values():
                cr.execute("SELECT to_regclass(%s) IS NOT NULL", [level.table])
                if cr.fetchone()[0]:
                    cr.execute(f'SELECT count(*) FROM "{level.table}"')  # noqa: S608
                    units[level.key] = cr.fetchone()[0]
            cr.execute(
                "SELECT key, value FROM ir_config_parameter WHERE key LIKE 'wilayah.%'"
            )
            params = dict(cr.fetchall())
            cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
            state = cr.fetchone()[0]
        return units, params, state

    def _address_format(self):
        with odoo.sql_db.db_connect(self.db_name).cursor() as cr:
            cr.execute("SELECT address_format FROM res_country WHERE code = 'ID'")
            return cr.fetchone()[0]

    def test_install_uninstall_install(self):
        shipped = {level.key: level.shipped_units for level in LEVELS.values()}

        self._install()
        units, params, state = self._state()
        self.assertEqual(state, "installed")
        self.assertEqual(units, shipped)
        self.assertIn(DATA_CHECKSUM_PARAM, params)
        key = params[API_KEY_PARAM]
        self.assertGreaterEqual(len(key), 32)
        self.assertIn("wilayah_kelurahan_name", self._address_format())
        self._odoo("shell", "--no-http", stdin=ADDRESS)
        self.assertEqual(self._state()[1][LEGACY_KEY_ENABLED_PARAM], "False")

        self._odoo("shell", "--no-http", stdin=UNINSTALL)
        units, params, state = self._state()
        self.assertEqual(state, "uninstalled")
        # the contact stays, without the fields; Indonesia prints as Odoo does
        self.assertNotIn("wilayah", self._address_format())
        with odoo.sql_db.db_connect(self.db_name).cursor() as cr:
            cr.execute("SELECT city FROM res_partner WHERE name = 'Toko Uji'")
            self.assertEqual(cr.fetchall(), [("Kabupaten Bandung",)])
            cr.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'res_partner' AND column_name LIKE 'wilayah%'"
            )
            self.assertFalse(cr.fetchall())
        self.assertEqual(units, {}, "the uninstall drops the region tables")
        with odoo.sql_db.db_connect(self.db_name).cursor() as cr:
            cr.execute("SELECT to_regclass('wilayah_api_client')")
            self.assertIsNone(cr.fetchone()[0], "the API clients go too")
        # the loader's bookkeeping and the legacy key's switch go, the admin's
        # key stays (compared without printing it)
        self.assertEqual(set(params), {API_KEY_PARAM})
        self.assertTrue(params[API_KEY_PARAM] == key, "the uninstall keeps the key")

        self._install()
        units, params, state = self._state()
        self.assertEqual(state, "installed")
        self.assertEqual(units, shipped, "the reinstall loads the data again")
        self.assertIn(DATA_CHECKSUM_PARAM, params)
        self.assertTrue(params[API_KEY_PARAM] == key, "the reinstall keeps the key")
