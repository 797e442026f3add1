from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from ..wilayah.levels import LEVELS

MODULE = "infinys_wilayah_indonesia_api"
WILAYAH_MODELS = tuple(level.model for level in LEVELS.values())
DATA_MENUS = (
    "wilayah_menu_root",
    "wilayah_menu_provinsi",
    "wilayah_menu_kota",
    "wilayah_menu_kecamatan",
    "wilayah_menu_kelurahan",
)
ADMIN_MENUS = (
    "wilayah_menu_configuration",
    "wilayah_menu_api_settings",
    "wilayah_menu_api_clients",
)


@tagged("post_install", "-at_install")
class TestWilayahAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal = new_test_user(
            cls.env, "wilayah_internal", groups="base.group_user"
        )
        cls.admin = new_test_user(
            cls.env, "wilayah_admin", groups="base.group_user,base.group_system"
        )
        cls.portal = new_test_user(
            cls.env, "wilayah_portal", groups="base.group_portal"
        )
        cls.public = new_test_user(
            cls.env, "wilayah_public", groups="base.group_public"
        )
        # One existing unit of each level (bundled data), parent first.
        cls.units = {
            "wilayah.provinsi": cls.env["wilayah.provinsi"].search(
                [("code", "=", "32")]
            ),
            "wilayah.kota": cls.env["wilayah.kota"].search([("code", "=", "3204")]),
            "wilayah.kecamatan": cls.env["wilayah.kecamatan"].search(
                [("code", "=", "3204050")]
            ),
            "wilayah.kelurahan": cls.env["wilayah.kelurahan"].search(
                [("code", "=", "3204050001")]
            ),
        }

    def _new_unit_vals(self):
        """Values for a new unit of each level, hanging under the bundled ones."""
        return {
            "wilayah.provinsi": {"name": "UJI", "code": "99"},
            "wilayah.kota": {
                "name": "UJI",
                "code": "3299",
                "provinsi_id": self.units["wilayah.provinsi"].id,
            },
            "wilayah.kecamatan": {
                "name": "UJI",
                "code": "3204999",
                "kota_id": self.units["wilayah.kota"].id,
            },
            "wilayah.kelurahan": {
                "name": "UJI",
                "code": "3204050999",
                "kecamatan_id": self.units["wilayah.kecamatan"].id,
                "postal_code": "40386",
            },
        }

    def test_internal_user_reads_only(self):
        for model, vals in self._new_unit_vals().items():
            with self.subTest(model=model):
                unit = self.units[model].with_user(self.internal)
                Model = self.env[model].with_user(self.internal)
                self.assertEqual(Model.search([("id", "=", unit.id)]), unit)
                self.assertTrue(
                    unit.read(["code", "name", "kemendagri_code"])[0]["name"]
                )
                self.assertGreater(Model.search_count([]), 0)
                with self.assertRaises(AccessError):
                    Model.create(vals)
                with self.assertRaises(AccessError):
                    unit.write({"name": "DIUBAH"})
                with self.assertRaises(AccessError):
                    unit.unlink()
        self.assertEqual(self.units["wilayah.kota"].name, "BANDUNG")

    def test_admin_full_access(self):
        created = {}
        for model, vals in self._new_unit_vals().items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.admin)
                unit = Model.create(vals)
                self.assertEqual(unit.code, vals["code"])
                unit.write({"name": "DIUBAH"})
                self.assertEqual(unit.name, "DIUBAH")
                created[model] = unit
        # Delete children first: a unit with children cannot be deleted.
        for model in reversed(WILAYAH_MODELS):
            created[model].unlink()
            self.assertFalse(created[model].exists())

    def test_portal_and_public_get_nothing(self):
        for user in (self.portal, self.public):
            for model in WILAYAH_MODELS:
                with self.subTest(user=user.login, model=model):
                    Model = self.env[model].with_user(user)
                    with self.assertRaises(AccessError):
                        Model.search([], limit=1)
                    with self.assertRaises(AccessError):
                        self.units[model].with_user(user).read(["name"])
                    with self.assertRaises(AccessError):
                        Model.create(self._new_unit_vals()[model])

    def test_acl_rows_only_for_internal_and_admin_groups(self):
        allowed = self.env.ref("base.group_user") | self.env.ref("base.group_system")
        rows = self.env["ir.model.access"].search(
            [("model_id.model", "in", WILAYAH_MODELS)]
        )
        self.assertEqual(len(rows), 8)
        for row in rows:
            with self.subTest(row=row.name):
                # A row without group would apply to everyone, portal and public too.
                self.assertIn(row.group_id, allowed)
                if row.group_id == self.env.ref("base.group_user"):
                    self.assertEqual(
                        (
                            row.perm_read,
                            row.perm_write,
                            row.perm_create,
                            row.perm_unlink,
                        ),
                        (True, False, False, False),
                    )

    def test_menus_visibility(self):
        Menu = self.env["ir.ui.menu"]
        data_menus = {self.env.ref(f"{MODULE}.{xmlid}").id for xmlid in DATA_MENUS}
        admin_menus = {self.env.ref(f"{MODULE}.{xmlid}").id for xmlid in ADMIN_MENUS}
        internal_visible = Menu.with_user(self.internal)._visible_menu_ids()
        self.assertLessEqual(data_menus, internal_visible)
        self.assertFalse(admin_menus & internal_visible)
        admin_visible = Menu.with_user(self.admin)._visible_menu_ids()
        self.assertLessEqual(data_menus | admin_menus, admin_visible)
        # Portal and public users cannot even read menus; the group is what
        # would show the app to them.
        self.assertEqual(
            self.env.ref(f"{MODULE}.wilayah_menu_root").groups_id,
            self.env.ref("base.group_user"),
        )

    def test_views_render_for_internal_user(self):
        for model in WILAYAH_MODELS:
            with self.subTest(model=model):
                views = (
                    self.env[model]
                    .with_user(self.internal)
                    .get_views([(False, "list"), (False, "form"), (False, "search")])
                )["views"]
                self.assertEqual(set(views), {"list", "form", "search"})
                self.assertIn('name="code"', views["form"]["arch"])

    def test_actions_readable_by_internal_user(self):
        Actions = self.env["ir.actions.actions"].with_user(self.internal)
        for xmlid in (
            "wilayah_provinsi_action",
            "wilayah_kota_action",
            "wilayah_kecamatan_action",
            "wilayah_kelurahan_action",
        ):
            action = Actions._for_xml_id(f"{MODULE}.{xmlid}")
            self.assertEqual(action["type"], "ir.actions.act_window")
        # Odoo does not filter actions by group: the settings model's ACL guards
        # them (see test_settings); the group keeps it out of non-admin menus.
        settings_action = self.env.ref(f"{MODULE}.wilayah_config_settings_action")
        self.assertEqual(settings_action.groups_id, self.env.ref("base.group_system"))
