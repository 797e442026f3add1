"""Indonesian addresses in Odoo's own forms: res.partner and res.company."""

import re

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user
from odoo.tools import file_open

from ..wilayah import ADDON as MODULE
from ..wilayah.address import (
    ADDRESS_FORMAT,
    ADDRESS_LEVELS,
    COUNTRY_CODE,
    STATE_CODES,
    address_field,
    domain_field,
)
from ..wilayah.import_dialog import DIALOG_OPTIONS
from ..wilayah.levels import LEVELS, POSTAL_LEVEL
from .common import WilayahCase


@tagged("post_install", "-at_install")
class PartnerAddressCase(WilayahCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.indonesia = cls.env.ref("base.id")
        cls.jawa_barat = cls.env.ref("base.state_id_jb")
        cls.kab_bandung = cls.env.ref(f"{MODULE}.kota_3204")
        cls.kota_bandung = cls.env.ref(f"{MODULE}.kota_3273")
        cls.kertasari = cls.env.ref(f"{MODULE}.kecamatan_3204050")
        cls.neglawangi = cls.env.ref(f"{MODULE}.kelurahan_3204050001")
        cls.index = cls.env["wilayah.api.index"]._get_index()

    def partner_form(self, **values):
        form = Form(self.env["res.partner"])
        form.name = "Toko Uji"
        form.country_id = self.indonesia
        for fname, value in values.items():
            setattr(form, fname, value)
        return form

    def assertAddress(self, record, kelurahan, kecamatan, kota):
        self.assertEqual(record.wilayah_kelurahan_id, kelurahan)
        self.assertEqual(record.wilayah_kecamatan_id, kecamatan)
        self.assertEqual(record.wilayah_kota_id, kota)

    def import_contacts(self, csv):
        """``csv`` through the import dialog's calls, each column mapped as
        the dialog maps it: (the fields mapped, execute_import's answer)."""
        wizard = self.env["base_import.import"].create(
            {
                "res_model": "res.partner",
                "file": csv.encode(),
                "file_name": "contacts.csv",
                "file_type": "text/csv",
            }
        )
        options = dict(DIALOG_OPTIONS, separator=",")
        headers = csv.splitlines()[0].split(",")
        matches = wizard.parse_preview(options)["matches"]
        fnames = [matches[column][0] for column in range(len(headers))]
        return fnames, wizard.execute_import(fnames, headers, options)

    def village_with_codes(self, count):
        """A village with ``count`` postal codes or more."""
        units = self.index.units[POSTAL_LEVEL.key]
        code = next(
            code
            for code in self.index.active_codes[POSTAL_LEVEL.key]
            if units[code].postal_code.count(",") + 1 >= count
        )
        return self.Kelurahan.search([("code", "=", code)])


class TestPartnerAddressForm(PartnerAddressCase):
    """Point 2 of the issue: picking fills the rest, one test per rule."""

    def test_provinces_are_odoo_states(self):
        provinces = self.Provinsi.search([])
        self.assertEqual(len(provinces), LEVELS["provinsi"].shipped_units)
        states = provinces.mapped("state_id")
        self.assertEqual(len(states), len(provinces), "one state each, all distinct")
        self.assertEqual(states.country_id, self.indonesia)
        self.assertEqual(
            self.env.ref(f"{MODULE}.provinsi_32").state_id, self.jawa_barat
        )
        self.assertEqual(set(STATE_CODES), set(provinces.mapped("code")))

    def test_fields_shown_for_indonesia_only(self):
        form = Form(self.env["res.partner"])
        form.name = "Elsewhere"
        form.country_id = self.env.ref("base.fr")
        with self.assertRaises(AssertionError):  # invisible: Form refuses it
            form.wilayah_kelurahan_id = self.neglawangi
        form.country_id = self.indonesia
        form.wilayah_kelurahan_id = self.neglawangi
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        for key in ADDRESS_LEVELS:
            self.assertIn(f'name="{address_field(key)}"', arch)
        self.assertIn(f"country_code != '{COUNTRY_CODE}'", arch)
        # the form shows the names as an address writes them, without codes
        self.assertIn("wilayah_written_names", arch)
        written = self.kab_bandung.with_context(wilayah_written_names=True)
        self.assertEqual(written.display_name, "KAB. BANDUNG")
        self.assertEqual(self.kab_bandung.display_name, "3204 BANDUNG")

    def test_kelurahan_fills_kecamatan_kota_state_city_zip(self):
        form = self.partner_form(wilayah_kelurahan_id=self.neglawangi)
        self.assertAddress(form, self.neglawangi, self.kertasari, self.kab_bandung)
        self.assertEqual(form.state_id, self.jawa_barat)
        self.assertEqual(form.city, "Kabupaten Bandung")
        self.assertEqual(form.zip, self.neglawangi.postal_code)
        partner = form.save()
        self.assertAddress(partner, self.neglawangi, self.kertasari, self.kab_bandung)

    def test_kota_fills_city_and_state(self):
        form = self.partner_form(wilayah_kota_id=self.kota_bandung)
        self.assertEqual(form.city, "Kota Bandung")
        self.assertEqual(form.state_id, self.jawa_barat)
        self.assertFalse(form.wilayah_kecamatan_id)

    def test_zip_typed_is_kept_when_the_village_has_it(self):
        village = self.village_with_codes(2)
        first, second = village.postal_code.split(",")[:2]
        form = self.partner_form()
        form.zip = second
        form.wilayah_kelurahan_id = village
        self.assertEqual(form.zip, second)
        form = self.partner_form(zip="00000")
        form.wilayah_kelurahan_id = village
        self.assertEqual(form.zip, first, "another zip: the village's first code")

    def test_kota_and_kecamatan_narrow_the_dropdowns_below(self):
        form = self.partner_form(wilayah_kota_id=self.kab_bandung)
        kota_leaf = [("kota_id", "=", self.kab_bandung.id)]
        self.assertEqual(form.wilayah_kecamatan_domain, kota_leaf)
        self.assertEqual(form.wilayah_kelurahan_domain, kota_leaf)
        form.wilayah_kecamatan_id = self.kertasari
        kecamatan_leaf = [("kecamatan_id", "=", self.kertasari.id)]
        self.assertEqual(form.wilayah_kelurahan_domain, kecamatan_leaf)
        found = self.Kelurahan.name_search("a", args=kecamatan_leaf, limit=100)
        self.assertTrue(found)
        villages = self.Kelurahan.browse([unit_id for unit_id, _label in found])
        self.assertEqual(villages.kecamatan_id, self.kertasari)
        # a state narrows the kota to its provinsi
        form = self.partner_form(state_id=self.jawa_barat)
        jabar = self.env.ref(f"{MODULE}.provinsi_32")
        self.assertEqual(form.wilayah_kota_domain, [("provinsi_id", "in", jabar.ids)])

    def test_dropdown_just_opened_shows_labels(self):
        domain = [("kecamatan_id", "=", self.kertasari.id)]
        found = self.Kelurahan.name_search("", args=domain, limit=8)
        self.assertEqual(len(found), 8)
        self.assertTrue(
            all(", KERTASARI, KAB. BANDUNG" in label for _id, label in found)
        )

    def test_dropdown_searches_within_the_level_above(self):
        """A typo in a name that many villages share still finds the one of
        the chosen kecamatan, not only the country's best 50."""
        name = "SUKAMAJU"
        villages = self.Kelurahan.search([("name", "=", name)])
        self.assertGreater(len(villages), 50)
        village = villages[-1]
        domain = [("kecamatan_id", "=", village.kecamatan_id.id)]
        found = self.Kelurahan.name_search("sukamju", args=domain, limit=8)
        self.assertEqual(found[0][0], village.id)
        self.assertIn(village.kecamatan_id.name, found[0][1], "labelled with parents")

    def test_changing_a_higher_level_clears_what_no_longer_fits(self):
        form = self.partner_form(wilayah_kelurahan_id=self.neglawangi)
        other_kecamatan = self.Kecamatan.search(
            [("kota_id", "=", self.kab_bandung.id), ("id", "!=", self.kertasari.id)],
            limit=1,
        )
        form.wilayah_kecamatan_id = other_kecamatan
        self.assertAddress(form, self.Kelurahan, other_kecamatan, self.kab_bandung)
        # Neglawangi's zip is Kertasari's only: it goes, and the list is the
        # new kecamatan's villages
        self.assertFalse(form.zip)
        self.assertEqual(
            form.wilayah_kelurahan_domain, [("kecamatan_id", "=", other_kecamatan.id)]
        )
        form.wilayah_kota_id = self.kota_bandung
        self.assertAddress(form, self.Kelurahan, self.Kecamatan, self.kota_bandung)
        form.wilayah_kelurahan_id = self.neglawangi  # back up the chain
        self.assertAddress(form, self.neglawangi, self.kertasari, self.kab_bandung)
        form.state_id = self.env.ref("base.state_id_jt")
        self.assertAddress(form, self.Kelurahan, self.Kecamatan, self.Kota)
        form.wilayah_kelurahan_id = self.neglawangi
        form.country_id = self.env.ref("base.fr")
        self.assertAddress(form, self.Kelurahan, self.Kecamatan, self.Kota)

    def test_zip_of_one_village_picks_it(self):
        by_postal_code = self.index.by_postal_code
        postal_code = next(
            code for code in sorted(by_postal_code) if len(by_postal_code[code]) == 1
        )
        village = self.Kelurahan.search([("code", "=", by_postal_code[postal_code][0])])
        form = self.partner_form(zip=postal_code)
        self.assertAddress(form, village, village.kecamatan_id, village.kota_id)
        self.assertEqual(form.state_id, village.provinsi_id.state_id)
        self.assertTrue(form.city)
        self.assertEqual(form.zip, postal_code)

    def test_zip_before_the_country(self):
        """A zip typed before the country is Indonesian only in a company of
        Indonesia: other countries' codes look alike (40213 is Düsseldorf's)."""
        by_postal_code = self.index.by_postal_code
        postal_code = next(
            code for code in sorted(by_postal_code) if len(by_postal_code[code]) == 1
        )
        self.env.company.country_id = self.env.ref("base.de")
        form = Form(self.env["res.partner"])
        form.name = "Jerman"
        form.city = "Düsseldorf"
        form.zip = postal_code
        self.assertFalse(form.country_id)
        self.assertEqual(form.city, "Düsseldorf")
        self.env.company.country_id = self.indonesia
        form = Form(self.env["res.partner"])
        form.name = "Toko"
        form.zip = postal_code
        self.assertEqual(form.country_id, self.indonesia)
        self.assertTrue(form.wilayah_kelurahan_id)

    def test_zip_of_several_villages_narrows_the_kelurahan(self):
        codes = self.index.by_postal_code[self.neglawangi.postal_code]
        self.assertGreater(len(codes), 1)
        villages = self.Kelurahan.search([("code", "in", codes)])
        form = self.partner_form(wilayah_kelurahan_id=self.neglawangi)
        form.zip = "00000"  # not a postal code: nothing changes
        self.assertEqual(form.wilayah_kelurahan_id, self.neglawangi)
        form = self.partner_form(zip=self.neglawangi.postal_code)
        self.assertFalse(form.wilayah_kelurahan_id)
        self.assertIn(("id", "in", villages.ids), form.wilayah_kelurahan_domain)
        if len(villages.kecamatan_id) == 1:  # they share the kecamatan: picked
            self.assertEqual(form.wilayah_kecamatan_id, villages.kecamatan_id)

    def test_company_form(self):
        company = self.env["res.company"].create({"name": "PT Uji"})
        form = Form(company)
        form.country_id = self.indonesia
        form.wilayah_kelurahan_id = self.neglawangi
        self.assertEqual(form.city, "Kabupaten Bandung")
        form.save()
        self.assertAddress(
            company.partner_id, self.neglawangi, self.kertasari, self.kab_bandung
        )
        self.assertEqual(company.partner_id.zip, self.neglawangi.postal_code)
        self.assertIn(
            'name="wilayah_kelurahan_id"',
            self.env["res.company"].get_view(view_type="form")["arch"],
        )
        # a write of the kelurahan alone (the form sends what changed; a
        # script, an import) keeps or brings the levels above it
        other = self.Kelurahan.search([("kecamatan_id", "=", self.kertasari.id)])[-1]
        self.env.invalidate_all()
        company.write({"wilayah_kelurahan_id": other.id})
        self.assertAddress(company.partner_id, other, self.kertasari, self.kab_bandung)
        company = self.env["res.company"].create(
            {"name": "PT Skrip", "wilayah_kelurahan_id": self.neglawangi.id}
        )
        self.assertAddress(
            company.partner_id, self.neglawangi, self.kertasari, self.kab_bandung
        )


class TestPartnerAddressRecords(PartnerAddressCase):
    """The address as data: writes, archived units, printing, child contacts."""

    def test_a_kelurahan_written_alone_brings_the_rest(self):
        partner = self.env["res.partner"].create(
            {"name": "RPC", "wilayah_kelurahan_id": self.neglawangi.id}
        )
        self.assertAddress(partner, self.neglawangi, self.kertasari, self.kab_bandung)
        self.assertEqual(
            (partner.state_id, partner.country_id, partner.city, partner.zip),
            (self.jawa_barat, self.indonesia, "Kabupaten Bandung", "40386"),
        )
        # on write, what is filled already stays
        partner = self.env["res.partner"].create({"name": "W", "city": "Bandung"})
        partner.write({"wilayah_kelurahan_id": self.neglawangi.id})
        self.assertEqual(partner.city, "Bandung")
        self.assertEqual(partner.wilayah_kota_id, self.kab_bandung)

    def test_units_must_fit_each_other(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {
                    "name": "Inconsistent",
                    "wilayah_kelurahan_id": self.neglawangi.id,
                    "wilayah_kecamatan_id": self.Kecamatan.search(
                        [("id", "!=", self.kertasari.id)], limit=1
                    ).id,
                }
            )

    def test_archived_units_cannot_be_newly_chosen(self):
        kept = self.env["res.partner"].create(
            {"name": "Kept", "wilayah_kelurahan_id": self.neglawangi.id}
        )
        self.neglawangi.active = False
        offered = self.Kelurahan.name_search("neglawangi kertasari", limit=10)
        self.assertNotIn(self.neglawangi.id, [unit_id for unit_id, _label in offered])
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                {"name": "New", "wilayah_kelurahan_id": self.neglawangi.id}
            )
        # the partner that has it keeps it, and so do its new contacts
        kept.write({"street": "Jl. Raya 1"})
        kept.write({"wilayah_kelurahan_id": self.neglawangi.id})
        self.assertEqual(kept.wilayah_kelurahan_id, self.neglawangi)
        child = self.env["res.partner"].create(
            {
                "name": "Child",
                "parent_id": kept.id,
                "type": "contact",
                "wilayah_kelurahan_id": self.neglawangi.id,
            }
        )
        self.assertEqual(child.wilayah_kelurahan_id, self.neglawangi)
        loaded = self.env["res.partner"].load(
            ["name", "parent_id/.id"], [["Imported child", str(kept.id)]]
        )
        self.assertFalse(loaded["messages"])
        imported = self.env["res.partner"].browse(loaded["ids"])
        self.assertEqual(imported.wilayah_kelurahan_id, self.neglawangi)
        # a duplicate is a new address: without the archived unit
        duplicate = kept.copy()
        self.assertFalse(duplicate.wilayah_kelurahan_id)
        self.assertEqual(duplicate.wilayah_kecamatan_id, self.kertasari)

    def test_address_format_prints_kelurahan_and_kecamatan(self):
        self.assertEqual(self.indonesia.address_format, ADDRESS_FORMAT)
        partner = self.partner_form(
            street="Jl. Raya Kertasari 1", wilayah_kelurahan_id=self.neglawangi
        ).save()
        self.assertEqual(
            partner._display_address(without_company=True),
            "Jl. Raya Kertasari 1\n\nDesa Neglawangi\nKecamatan Kertasari\n"
            "Kabupaten Bandung, Jawa Barat 40386\nIndonesia",
        )
        self.assertIn("Desa Neglawangi", partner.contact_address)

    def test_child_contacts_share_the_company_address(self):
        company = self.env["res.partner"].create(
            {
                "name": "PT Induk",
                "is_company": True,
                "wilayah_kelurahan_id": self.neglawangi.id,
            }
        )
        form = Form(self.env["res.partner"])
        form.name = "Staf"
        form.parent_id = company
        self.assertEqual(form.wilayah_kelurahan_id, self.neglawangi)
        child = form.save()
        self.assertAddress(child, self.neglawangi, self.kertasari, self.kab_bandung)
        other = self.Kelurahan.search([("kecamatan_id", "=", self.kertasari.id)])[-1]
        company.write({"wilayah_kelurahan_id": other.id})
        self.assertEqual(child.wilayah_kelurahan_id, other)

    def test_import_and_export_of_contacts(self):
        rows = [
            ["By code", "Indonesia", self.neglawangi.code],
            ["By Kemendagri code", "Indonesia", self.neglawangi.kemendagri_code],
            ["By export", "Indonesia", self.neglawangi.display_name],
            ["By name", "Indonesia", "Neglawangi"],
            ["By label", "Indonesia", "NEGLAWANGI, KERTASARI, KAB. BANDUNG"],
        ]
        csv = "Name,Country,Kelurahan\n" + "".join(
            f'{name},{country},"{value}"\n' for name, country, value in rows
        )
        fnames, result = self.import_contacts(csv)
        self.assertEqual(fnames, ["name", "country_id", "wilayah_kelurahan_id"])
        self.assertFalse(result["messages"])
        partners = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(len(partners), len(rows))
        for partner in partners:
            with self.subTest(partner=partner.name):
                self.assertAddress(
                    partner, self.neglawangi, self.kertasari, self.kab_bandung
                )
                self.assertEqual(partner.city, "Kabupaten Bandung")
        exported = partners[:1].export_data(
            ["wilayah_kelurahan_id", "wilayah_kelurahan_id/id"]
        )["datas"][0]
        self.assertEqual(
            exported,
            [self.neglawangi.display_name, f"{MODULE}.kelurahan_3204050001"],
        )
        loaded = self.env["res.partner"].load(
            ["name", "wilayah_kecamatan_id/id"], [["Round trip", "kecamatan_3204050"]]
        )
        self.assertEqual(
            self.env["res.partner"].browse(loaded["ids"]).wilayah_kecamatan_id,
            self.kertasari,
        )

    def test_readme_import_example(self):
        """The contacts file of README.md ("Import and export of contacts")
        imports through the dialog as it says."""
        with file_open(f"{MODULE}/README.md") as readme:
            text = readme.read()
        csv = re.search(r"```csv\n(.*?)```", text, re.S)[1]
        fnames, result = self.import_contacts(csv)
        self.assertEqual(fnames[-1], "wilayah_kelurahan_id")
        self.assertFalse(result["messages"])
        for partner, line in zip(
            self.env["res.partner"].browse(result["ids"]),
            csv.splitlines()[1:],
            strict=True,
        ):
            reference = line.split(",")[-1]
            code = self.index.resolve(POSTAL_LEVEL.key, reference)[0]
            with self.subTest(reference=reference):
                self.assertEqual(partner.wilayah_kelurahan_id.code, code)
                self.assertTrue(partner.city and partner.zip and partner.state_id)


class TestPartnerAddressAccess(PartnerAddressCase):
    def test_internal_user_fills_an_address(self):
        user = new_test_user(
            self.env,
            "wilayah_sales",
            groups="base.group_user,base.group_partner_manager",
        )
        form = Form(self.env["res.partner"].with_user(user))
        form.name = "Pelanggan"
        form.country_id = self.indonesia
        form.wilayah_kelurahan_id = self.neglawangi
        partner = form.save()
        self.assertAddress(partner, self.neglawangi, self.kertasari, self.kab_bandung)
        labels = self.Kelurahan.with_user(user).name_search("neglawangi", limit=1)
        self.assertIn("KERTASARI", labels[0][1])

    def test_portal_user_sees_their_own_address(self):
        user = new_test_user(self.env, "wilayah_customer", groups="base.group_portal")
        user.partner_id.write(
            {
                "country_id": self.indonesia.id,
                "wilayah_kelurahan_id": self.neglawangi.id,
            }
        )
        own = user.partner_id.with_user(user)
        own.read()  # every field, the dropdowns' domains too
        values = own.read([address_field(key) for key in ADDRESS_LEVELS])[0]
        self.assertEqual(
            values["wilayah_kelurahan_id"][1], self.neglawangi.display_name
        )
        self.assertIn("Desa Neglawangi", own.contact_address)
        other = self.env["res.partner"].create(
            {"name": "Other", "wilayah_kelurahan_id": self.neglawangi.id}
        )
        with self.assertRaises(AccessError):
            other.with_user(user).read(["wilayah_kelurahan_id"])
        with self.assertRaises(AccessError):
            self.Kelurahan.with_user(user).search([], limit=1)

    def test_contacts_searched_and_grouped_by_kota(self):
        partner = self.env["res.partner"].create(
            {"name": "Dicari", "wilayah_kelurahan_id": self.neglawangi.id}
        )
        arch = self.env["res.partner"].get_view(view_type="search")["arch"]
        self.assertIn("'group_by': 'wilayah_kota_id'", arch)
        found = self.env["res.partner"].search(
            [("wilayah_kota_id", "ilike", "kab bandung")]
        )
        self.assertIn(partner, found)
        groups = self.env["res.partner"].read_group(
            [("id", "=", partner.id)], ["wilayah_kota_id"], ["wilayah_kota_id"]
        )
        self.assertEqual(groups[0]["wilayah_kota_id"][0], self.kab_bandung.id)

    def test_dropdowns_narrow_for_indonesia_only(self):
        partner = self.env["res.partner"].create(
            {"name": "D", "wilayah_kecamatan_id": self.kertasari.id}
        )
        self.assertEqual(partner.country_id, self.indonesia, "completed")
        self.assertEqual(
            partner[domain_field(POSTAL_LEVEL.key)],
            [("kecamatan_id", "=", self.kertasari.id)],
        )
        partner.write({"country_id": self.env.ref("base.fr").id, "zip": "40386"})
        for key in ADDRESS_LEVELS:
            self.assertEqual(partner[domain_field(key)], [])
