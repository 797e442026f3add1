from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tests.common import new_test_user

KEY_PARAM = "wilayah.api.key"
CORS_PARAM = "wilayah.api.cors_origins"
PLACEHOLDER = "change_this_to_your_secret_api_key"


@tagged("post_install", "-at_install")
class TestWilayahSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            "wilayah_settings_admin",
            groups="base.group_user,base.group_system",
        )
        cls.internal = new_test_user(
            cls.env, "wilayah_settings_user", groups="base.group_user"
        )
        cls.params = cls.env["ir.config_parameter"].sudo()

    def _settings(self, vals=None, user=None):
        return (
            self.env["res.config.settings"]
            .with_user(user or self.admin)
            .create(vals or {})
        )

    def test_status_closed_without_real_key(self):
        for value in (False, "", "   ", PLACEHOLDER, f" {PLACEHOLDER} "):
            with self.subTest(value=value):
                if value is False:
                    self.params.search([("key", "=", KEY_PARAM)]).unlink()
                else:
                    # set_param would drop an empty value: store it as is.
                    self.params.set_param(KEY_PARAM, "x")
                    self.params.search([("key", "=", KEY_PARAM)]).value = value
                settings = self._settings()
                self.assertEqual(settings.wilayah_api_status, "closed")
                self.assertTrue(settings.wilayah_api_status_reason)
        self.assertIn("placeholder", settings.wilayah_api_status_reason)

    def test_status_open_with_real_key(self):
        self.params.set_param(KEY_PARAM, "a-real-secret-key-0123456789-abcdefghij")
        settings = self._settings()
        self.assertEqual(settings.wilayah_api_status, "open")
        self.assertEqual(
            settings.wilayah_api_key, "a-real-secret-key-0123456789-abcdefghij"
        )

    def test_new_form_shows_status_and_key(self):
        # The settings form as the web client opens it (first onchange).
        self.params.set_param(KEY_PARAM, "a-real-secret-key-0123456789-abcdefghij")
        form = Form(self.env["res.config.settings"].with_user(self.admin))
        self.assertEqual(form.wilayah_api_status, "open")
        self.assertEqual(
            form.wilayah_api_key, "a-real-secret-key-0123456789-abcdefghij"
        )
        self.assertTrue(form.wilayah_api_status_reason)
        self.assertFalse(form.wilayah_api_key_reveal)

    def test_regenerate_key(self):
        self.params.set_param(KEY_PARAM, PLACEHOLDER)
        settings = self._settings()
        self.assertEqual(settings.wilayah_api_status, "closed")
        settings.action_wilayah_api_regenerate_key()
        first = self.params.get_param(KEY_PARAM)
        self.assertNotEqual(first, PLACEHOLDER)
        self.assertGreaterEqual(len(first), 32)
        # The form shows the new key and status right away.
        self.assertEqual(settings.wilayah_api_key, first)
        self.assertEqual(settings.wilayah_api_status, "open")
        settings.action_wilayah_api_regenerate_key()
        second = self.params.get_param(KEY_PARAM)
        self.assertGreaterEqual(len(second), 32)
        self.assertNotEqual(second, first)

    def test_saving_settings_keeps_the_key(self):
        self.params.set_param(KEY_PARAM, "key-before-the-form-was-opened-0123456789")
        settings = self._settings()
        # Another admin regenerates the key while this form is open.
        self._settings().action_wilayah_api_regenerate_key()
        regenerated = self.params.get_param(KEY_PARAM)
        settings.execute()
        self.assertEqual(self.params.get_param(KEY_PARAM), regenerated)

    def test_cors_origins(self):
        self.params.search([("key", "=", CORS_PARAM)]).unlink()
        self.assertEqual(self._settings().wilayah_api_cors_origins, "*")

        self._settings(
            {
                "wilayah_api_cors_origins": "https://Shop.example.com/  https://hr.example.com"
            }
        ).execute()
        self.assertEqual(
            self.params.get_param(CORS_PARAM),
            "https://shop.example.com, https://hr.example.com",
        )
        self.assertEqual(
            self._settings().wilayah_api_cors_origins,
            "https://shop.example.com, https://hr.example.com",
        )

        self._settings({"wilayah_api_cors_origins": "http://localhost:8080"}).execute()
        self.assertEqual(self.params.get_param(CORS_PARAM), "http://localhost:8080")

        self._settings({"wilayah_api_cors_origins": "*"}).execute()
        self.assertEqual(self.params.get_param(CORS_PARAM), "*")

        # Cleared means the default: any origin.
        self._settings({"wilayah_api_cors_origins": ""}).execute()
        self.assertEqual(self.params.get_param(CORS_PARAM) or "*", "*")

    def test_cors_origins_validation(self):
        self.params.set_param(CORS_PARAM, "https://shop.example.com")
        for value in ("shop.example.com", "https://shop.example.com/path", "https://"):
            with self.subTest(value=value):
                with self.assertRaises(ValidationError):
                    self._settings({"wilayah_api_cors_origins": value}).execute()
        self.assertEqual(self.params.get_param(CORS_PARAM), "https://shop.example.com")

    def test_non_admin_cannot_read_or_run(self):
        self.params.set_param(KEY_PARAM, "a-real-secret-key-0123456789-abcdefghij")
        with self.assertRaises(AccessError):
            self._settings(user=self.internal)
        settings = self._settings().with_user(self.internal)
        with self.assertRaises(AccessError):
            settings.read(["wilayah_api_key"])
        with self.assertRaises(AccessError):
            settings.action_wilayah_api_regenerate_key()
        with self.assertRaises(AccessError):
            settings.execute()
        self.assertFalse(settings.wilayah_api_key)
        self.assertEqual(
            self.params.get_param(KEY_PARAM), "a-real-secret-key-0123456789-abcdefghij"
        )

    def test_only_admins_read_the_settings(self):
        """Odoo reads config_parameter fields as superuser in default_get (and
        onchange), whoever asks: the API's own fields stay with admins."""
        self.params.set_param(CORS_PARAM, "https://shop.example.com")
        settings = self.env["res.config.settings"]
        ours = [name for name in settings._fields if name.startswith("wilayah_api_")]
        self.assertIn("wilayah_api_cors_origins", ours)
        for name in ours:
            with self.subTest(field=name):
                self.assertEqual(settings._fields[name].groups, "base.group_system")
        portal = new_test_user(
            self.env, "wilayah_settings_portal", groups="base.group_portal"
        )
        # what a new settings form asks (the clients are a list of records)
        spec = {name: {} for name in ours if name != "wilayah_api_client_ids"}
        for user in (self.internal, portal):
            with self.subTest(user=user.login):
                self.assertEqual(settings.with_user(user).default_get(ours), {})
                self.assertNotIn(
                    "wilayah_api_legacy_key_enabled",
                    settings.with_user(user).get_values(),
                )
                try:
                    values = settings.with_user(user).onchange({}, [], spec)["value"]
                except AccessError:  # Odoo may refuse it outright: as good
                    values = {}
                self.assertFalse(
                    {name: value for name, value in values.items() if value}
                )
        values = settings.with_user(self.admin).default_get(ours)
        self.assertEqual(values["wilayah_api_cors_origins"], "https://shop.example.com")
        self.assertIn("wilayah_api_legacy_key_enabled", values)
        values = settings.with_user(self.admin).onchange({}, [], spec)["value"]
        self.assertIn(values["wilayah_api_status"], ("open", "closed"))
        self.assertTrue(values["wilayah_api_status_reason"])

    def test_settings_view_and_menu(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="infinys_wilayah_indonesia_api"', arch)
        for field in (
            "wilayah_api_status",
            "wilayah_api_key",
            "wilayah_api_cors_origins",
        ):
            self.assertIn(f'name="{field}"', arch)
        self.assertIn('name="action_wilayah_api_regenerate_key"', arch)
        self.assertIn("confirm=", arch)
        action = self.env.ref(
            "infinys_wilayah_indonesia_api.wilayah_config_settings_action"
        )
        self.assertEqual(action.res_model, "res.config.settings")
        menu = self.env.ref("infinys_wilayah_indonesia_api.wilayah_menu_api_settings")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.admin)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.internal)._visible_menu_ids())
