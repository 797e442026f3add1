"""Shared base of the HTTP tests of the Wilayah Indonesia API, and the
command line of the tests that run real Odoo processes."""

import os
import sys
from urllib.parse import urlencode

from odoo.tests import HttpCase, TransactionCase
from odoo.tools import config

from ..wilayah.levels import LEVELS
from ..wilayah.settings import API_KEY_PARAM, API_KEY_PLACEHOLDER, CORS_ORIGINS_PARAM

KEY = "wla-test-key-6f1d2c9a0b8e4f7a9c3d5e1b2a4c6d8e"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
ERROR_KEYS = {"status", "error", "message"}
# BPS codes of the provinces created in 2022: the published module's data,
# and the releases before, do not have them
PAPUA_2022 = ("92", "95", "96", "97")

__all__ = [
    "API_KEY_PARAM",
    "API_KEY_PLACEHOLDER",
    "CORS_ORIGINS_PARAM",
    "ERROR_KEYS",
    "JSON_CONTENT_TYPE",
    "KEY",
    "PAPUA_2022",
    "WilayahApiCase",
    "WilayahCase",
    "odoo_command",
    "url",
]
LAUNCHER = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "scripts",
    "odoo-launcher.py",
)


def odoo_command(subcommand, db_name, data_dir, *args):
    """The command line of Odoo's ``subcommand`` on ``db_name``, configured as
    this test run's Odoo, with a data directory of its own. The addon is not
    loaded server-wide, whatever the configuration says: Odoo refuses to
    uninstall a server-wide module (README, "Uninstall")."""
    command = [sys.executable, LAUNCHER, subcommand]
    if config.rcfile and os.path.exists(config.rcfile):
        command += ["-c", config.rcfile]
    return [
        *command,
        "--addons-path", config["addons_path"],
        "--data-dir", data_dir,
        "-d", db_name,
        "--load", "base,web",
        *args,
    ]  # fmt: skip


class WilayahCase(TransactionCase):
    """A TransactionCase with the four models at hand: ``self.Provinsi``,
    ``self.Kota``, ``self.Kecamatan``, ``self.Kelurahan``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for level in LEVELS.values():
            setattr(cls, level.key.capitalize(), cls.env[level.model])


def url(path, **params):
    """``path`` with ``params`` percent-encoded as its query string."""
    return f"{path}?{urlencode(params)}" if params else path


class WilayahApiCase(HttpCase):
    """An HttpCase whose database has a known API key.

    The test server runs in this process and answers with this test's
    transaction, so whatever a test writes through the ORM (a key, a region)
    is what the API sees on its next request.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.set_api_key(KEY)

    @classmethod
    def set_api_key(cls, key):
        cls.env["ir.config_parameter"].sudo().set_param(API_KEY_PARAM, key)

    def request(self, method, path, key=KEY, headers=None, **kwargs):
        """Send ``method`` to ``path``; ``key=None`` sends no X-API-Key."""
        all_headers = {} if key is None else {"X-API-Key": key}
        all_headers.update(headers or {})
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return self.opener.request(
            method, self.base_url() + path, headers=all_headers, **kwargs
        )

    def get(self, path, key=KEY, headers=None, **kwargs):
        return self.request("GET", path, key=key, headers=headers, **kwargs)

    def assertJsonResponse(self, response, status=200):
        self.assertEqual(
            response.status_code,
            status,
            f"{response.request.method} {response.request.url}: {response.text[:500]}",
        )
        self.assertEqual(response.headers.get("Content-Type"), JSON_CONTENT_TYPE)
        return response.json()

    def get_json(self, path, status=200, key=KEY, headers=None):
        """GET ``path``, assert its status and JSON content type, return the
        parsed body."""
        return self.assertJsonResponse(self.get(path, key=key, headers=headers), status)

    def assertJsonError(self, response, status, message_contains=None):
        """Assert ``response`` is the API's JSON error of ``status``."""
        body = self.assertJsonResponse(response, status)
        self.assertEqual(set(body), ERROR_KEYS, body)
        self.assertEqual(body["status"], status)
        self.assertIsInstance(body["error"], str)
        self.assertTrue(body["error"])
        self.assertIsInstance(body["message"], str)
        self.assertTrue(body["message"])
        self.assertNotIn("Traceback", response.text)
        if message_contains:
            self.assertIn(message_contains, body["message"])
        return body

    def get_error(self, path, status, key=KEY, headers=None, message_contains=None):
        return self.assertJsonError(
            self.get(path, key=key, headers=headers), status, message_contains
        )
