"""The Indonesian translation (i18n/id.po) as an Indonesian admin meets it, and
the shipped i18n files in step with the code."""

import io
import re

import polib

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export

from ..wilayah.levels import LEVELS
from ..wilayah.settings import API_KEY_PARAM, API_KEY_PLACEHOLDER

MODULE = "infinys_wilayah_indonesia_api"
LANG = "id_ID"
POT_PATH = f"{MODULE}/i18n/{MODULE}.pot"
PO_PATH = f"{MODULE}/i18n/id.po"
# What a translation must keep of its msgid: placeholders, entities, markup.
KEPT = re.compile(r"%\(\w+\)s|%[sd]|&\w+;|<[^>]*>")

# The menus, by external id, as an Indonesian admin reads them.
MENUS = {
    "wilayah_menu_root": "Wilayah Indonesia",
    "wilayah_menu_provinsi": "Provinsi",
    "wilayah_menu_kota": "Kota/Kabupaten",
    "wilayah_menu_kecamatan": "Kecamatan",
    "wilayah_menu_kelurahan": "Kelurahan/Desa",
    "wilayah_menu_configuration": "Konfigurasi",
    "wilayah_menu_api_settings": "Pengaturan API",
    "wilayah_menu_api_clients": "Klien API",
}
# What only administrators see.
ADMIN_MENUS = (
    "wilayah_menu_configuration",
    "wilayah_menu_api_settings",
    "wilayah_menu_api_clients",
)


def read_po(path):
    """The entries of a shipped .po/.pot file of this module."""
    return polib.pofile(file_path(path))


@tagged("post_install", "-at_install")
class TestWilayahI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(LANG)
        cls.env["ir.module.module"]._load_module_terms([MODULE], [LANG], overwrite=True)
        cls.admin = new_test_user(
            cls.env,
            "wilayah_i18n_admin",
            groups="base.group_user,base.group_system",
            lang=LANG,
        )
        cls.internal = new_test_user(
            cls.env, "wilayah_i18n_user", groups="base.group_user", lang=LANG
        )
        # Code 99 is not used by the bundled data.
        cls.provinsi = cls.env["wilayah.provinsi"].create(
            {"name": "PROVINSI UJI", "code": "99"}
        )

    def env_of(self, user):
        """The environment the web client gives ``user``: their language."""
        return self.env(user=user, context=user.with_user(user).context_get())

    # -- what an Indonesian admin reads ---------------------------------------

    def menus_of(self, user):
        """This module's menus as the web client loads them for ``user``:
        {external id without the module: name}."""
        menus = self.env_of(user)["ir.ui.menu"].load_menus(debug=False)
        return {
            menu["xmlid"].removeprefix(f"{MODULE}."): menu["name"]
            for key, menu in menus.items()
            if key != "root" and menu["xmlid"].startswith(f"{MODULE}.")
        }

    def test_menus(self):
        self.assertEqual(self.env_of(self.admin).lang, LANG)
        self.assertEqual(self.menus_of(self.admin), MENUS)
        # An internal user has no Configuration menu, the rest alike.
        self.assertEqual(
            self.menus_of(self.internal),
            {xmlid: name for xmlid, name in MENUS.items() if xmlid not in ADMIN_MENUS},
        )
        action = self.env_of(self.admin).ref(f"{MODULE}.wilayah_config_settings_action")
        self.assertEqual(action.name, "Pengaturan API")
        # The English terms stay for English users.
        menu = self.env.ref(f"{MODULE}.wilayah_menu_configuration")
        self.assertEqual(menu.with_context(lang="en_US").name, "Configuration")

    def test_field_labels_and_help(self):
        env = self.env_of(self.admin)
        fields = env["wilayah.provinsi"].fields_get(
            ["name", "active", "create_uid", "kemendagri_code"], ["string", "help"]
        )
        self.assertEqual(fields["name"]["string"], "Nama Provinsi")
        self.assertEqual(fields["active"]["string"], "Aktif")
        self.assertEqual(fields["create_uid"]["string"], "Dibuat oleh")
        self.assertTrue(
            fields["kemendagri_code"]["help"].startswith(
                "Kode wilayah yang sama menurut penomoran Kemendagri"
            ),
            fields["kemendagri_code"]["help"],
        )
        settings = env["res.config.settings"].fields_get(
            ["wilayah_api_cors_origins", "wilayah_api_status"],
            ["string", "selection"],
        )
        self.assertEqual(
            settings["wilayah_api_cors_origins"]["string"], "Origin yang Diizinkan"
        )
        self.assertEqual(
            settings["wilayah_api_status"]["selection"],
            [("open", "Terbuka"), ("closed", "Ditutup")],
        )

    def test_types(self):
        """The types' names are Indonesian already; "Kota" names the type too,
        so it stays "Kota" (not "Kota/Kabupaten") wherever it is shown."""
        env = self.env_of(self.admin)
        for level in LEVELS.values():
            if not level.types:
                continue
            with self.subTest(level=level.key):
                field = env[level.model].fields_get(["type"], ["string", "selection"])
                self.assertEqual(field["type"]["string"], "Jenis")
                self.assertEqual(
                    field["type"]["selection"],
                    [(unit_type.value, unit_type.label) for unit_type in level.types],
                )
                search = env[level.model].get_views([(False, "search")])["views"][
                    "search"
                ]["arch"]
                for unit_type in level.types:
                    self.assertIn(f'string="{unit_type.label}"', search)
        search = env["wilayah.kelurahan"].get_views([(False, "search")])["views"]
        self.assertIn('"Tanpa Jenis"', search["search"]["arch"])

    def test_views_and_actions(self):
        env = self.env_of(self.admin)
        views = env["wilayah.kelurahan"].get_views([(False, "form"), (False, "search")])
        search = views["views"]["search"]["arch"]
        for text in ("Nama atau Kode", "Tanpa Kode Pos", "Diarsipkan"):
            self.assertIn(f'"{text}"', search)
        self.assertIn("contoh: 3204050001", views["views"]["form"]["arch"])
        help_ = env.ref(f"{MODULE}.wilayah_kelurahan_action").help
        self.assertIn("Tidak ada kelurahan/desa yang ditemukan", help_)
        self.assertIn("(Action &gt; Impor recor)", help_)

    def test_validation_messages(self):
        env = self.env_of(self.admin)
        Kota = env["wilayah.kota"]
        provinsi = self.provinsi.with_env(env)
        with self.assertRaises(ValidationError) as caught:
            Kota.create({"name": "X", "code": "990", "provinsi_id": provinsi.id})
        self.assertEqual(
            caught.exception.args[0],
            "Kode Kota '990' harus terdiri dari tepat 4 digit.",
        )
        with self.assertRaises(ValidationError) as caught:
            Kota.create({"name": "X", "code": "9801", "provinsi_id": provinsi.id})
        self.assertEqual(
            caught.exception.args[0],
            "Kode Kota '9801' harus diawali dengan kode wilayah induknya, "
            "99 PROVINSI UJI.",
        )
        Kota.create({"name": "KOTA UJI", "code": "9901", "provinsi_id": provinsi.id})
        with self.assertRaises(UserError) as caught:
            provinsi.unlink()
        self.assertEqual(
            caught.exception.args[0],
            "99 PROVINSI UJI tidak dapat dihapus karena masih ada 1 wilayah di "
            "bawahnya. Sebagai gantinya, arsipkan wilayah ini.",
        )

    def test_settings_messages(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(API_KEY_PARAM, API_KEY_PLACEHOLDER)
        Settings = self.env_of(self.admin)["res.config.settings"]
        settings = Settings.create({})
        self.assertEqual(settings.wilayah_api_status, "closed")
        self.assertTrue(
            settings.wilayah_api_status_reason.startswith(
                "API key masih berupa nilai contoh"
            ),
            settings.wilayah_api_status_reason,
        )
        with self.assertRaises(ValidationError) as caught:
            Settings._normalize_cors_origins("shop.example.com")
        self.assertEqual(
            caught.exception.args[0],
            "'shop.example.com' bukan origin web. Gunakan * atau origin seperti "
            "https://shop.example.com, dipisahkan dengan koma.",
        )
        with self.assertRaises(AccessError) as caught:
            settings.with_env(
                self.env_of(self.internal)
            ).action_wilayah_api_regenerate_key()
        self.assertEqual(
            caught.exception.args[0],
            "Hanya administrator yang dapat membuat ulang API key.",
        )

    # -- the shipped files --------------------------------------------------

    def test_pot_in_sync_with_code(self):
        buffer = io.BytesIO()
        trans_export(False, [MODULE], buffer, "po", self.env.cr)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        shipped = {entry.msgid for entry in read_po(POT_PATH)}
        self.assertTrue(exported)
        self.assertEqual(
            sorted(exported - shipped),
            [],
            f"terms missing from {POT_PATH}: re-export it",
        )
        self.assertEqual(
            sorted(shipped - exported),
            [],
            f"terms of {POT_PATH} no longer in the code: re-export it",
        )

    def test_id_po_translates_the_pot(self):
        pot = read_po(POT_PATH)
        translations = {
            entry.msgid: entry.msgstr
            for entry in read_po(PO_PATH)
            if entry.msgstr and "fuzzy" not in entry.flags and not entry.obsolete
        }
        self.assertEqual(read_po(PO_PATH).metadata.get("Language"), "id")
        translated = [entry for entry in pot if entry.msgid in translations]
        self.assertGreaterEqual(len(translated), 0.9 * len(pot))
        self.assertEqual(
            [entry.msgid for entry in pot if entry.msgid not in translations], []
        )
        self.assertEqual(
            sorted(set(translations) - {entry.msgid for entry in pot}),
            [],
            f"{PO_PATH} translates terms that are no longer in the .pot",
        )
        for msgid, msgstr in translations.items():
            with self.subTest(msgid=msgid):
                self.assertEqual(
                    sorted(KEPT.findall(msgstr)), sorted(KEPT.findall(msgid))
                )
