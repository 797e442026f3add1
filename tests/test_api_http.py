"""HTTP behaviour of the API: ETag/304, gzip, HEAD, CORS, no session cookie,
no database writes."""

import gzip

from odoo.tests import tagged

from .common import CORS_ORIGINS_PARAM, JSON_CONTENT_TYPE, WilayahApiCase

SAMPLE_PATHS = (
    "/api/provinsi",
    "/api/provinsi/32",
    "/api/kota?kode_provinsi=32",
    "/api/kota/3204",
    "/api/kecamatan?kode_kota=3204",
    "/api/kecamatan/32.04.31",
    "/api/kelurahan?kode_kecamatan=3204050",
    "/api/kelurahan/3204050001",
    "/api/kodepos/40266",
    "/api/search?q=utara",
)
ORIGIN = "https://app.example.com"
OTHER_ORIGIN = "https://partner.example.org"
EVIL_ORIGIN = "https://evil.example.net"


def header_set(value):
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


@tagged("post_install", "-at_install")
class TestWilayahApiHttp(WilayahApiCase):
    def set_cors_origins(self, value):
        self.env["ir.config_parameter"].sudo().set_param(CORS_ORIGINS_PARAM, value)

    # --- ETag / 304 -----------------------------------------------------------

    def test_etag_and_304(self):
        etags = set()
        for path in SAMPLE_PATHS:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 200)
                etag = response.headers.get("ETag")
                self.assertTrue(etag)
                self.assertTrue(etag.startswith('"') and etag.endswith('"'), etag)
                etags.add(etag)
                # Stable while the data does not change.
                self.assertEqual(self.get(path).headers["ETag"], etag)
                for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
                    cached = self.get(path, headers={"If-None-Match": if_none_match})
                    self.assertEqual(cached.status_code, 304, if_none_match)
                    self.assertEqual(cached.content, b"")
                    self.assertEqual(cached.headers["ETag"], etag)
                fresh = self.get(path, headers={"If-None-Match": '"not-the-etag"'})
                self.assertEqual(fresh.status_code, 200)
                self.assertEqual(fresh.content, response.content)
        self.assertEqual(len(etags), len(SAMPLE_PATHS), "different answers, same ETag")

    def test_etag_differs_with_query(self):
        first = self.get("/api/kota?kode_provinsi=32&limit=2")
        second = self.get("/api/kota?kode_provinsi=32&limit=2&offset=2")
        self.assertNotEqual(first.headers["ETag"], second.headers["ETag"])
        cached = self.get(
            "/api/kota?kode_provinsi=32&limit=2&offset=2",
            headers={"If-None-Match": first.headers["ETag"]},
        )
        self.assertEqual(cached.status_code, 200)
        self.assertEqual(cached.json(), second.json())

    def test_etag_changes_with_data(self):
        paths = ("/api/provinsi", "/api/provinsi/32", "/api/kota/3204")
        before = {path: self.get(path) for path in paths}
        province = self.env["wilayah.provinsi"].search([("code", "=", "32")])
        province.name = "JAWA BARAT (UJI)"
        for path in paths:
            with self.subTest(path=path):
                etag = before[path].headers["ETag"]
                response = self.get(path, headers={"If-None-Match": etag})
                self.assertEqual(response.status_code, 200)
                self.assertNotEqual(response.headers["ETag"], etag)
                self.assertIn("JAWA BARAT (UJI)", response.text)
        # A unit's change is seen in its descendants' answers too.
        self.assertEqual(
            self.get_json("/api/kelurahan/3204050001")["province"]["name"],
            "JAWA BARAT (UJI)",
        )
        # Archiving takes the unit out of the lists.
        self.env["wilayah.kota"].search([("code", "=", "3217")]).active = False
        self.assertEqual(
            [item["code"] for item in self.get_json("/api/kota?name=bandung")],
            ["3204", "3273"],
        )
        detail = self.get_json("/api/kota/3217")
        self.assertIs(detail["active"], False)

    def test_import_reaches_the_answers(self):
        """An import batch drops the index once, after its writes and creates."""
        self.assertEqual(self.get_json("/api/kota/3204")["name"], "BANDUNG")
        result = (
            self.env["wilayah.kota"]
            .with_context(import_file=True)
            .load(
                ["id", "name", "code", "provinsi_id/id"],
                [
                    ["kota_3204", "BANDUNG (IMPOR)", "3204", "provinsi_32"],
                    ["kota_3299", "KOTA BARU (IMPOR)", "3299", "provinsi_32"],
                ],
            )
        )
        self.assertEqual(len(result["ids"] or []), 2, result["messages"])
        self.assertEqual(self.get_json("/api/kota/3204")["name"], "BANDUNG (IMPOR)")
        self.assertEqual(self.get_json("/api/kota/3299")["name"], "KOTA BARU (IMPOR)")

    def test_etag_on_errors_absent(self):
        """Errors are not cacheable answers."""
        for path in ("/api/provinsi/99", "/api/provinsi/9"):
            response = self.get(path)
            self.assertNotIn("ETag", response.headers)
            self.assertEqual(response.headers.get("Cache-Control"), "no-store")

    # --- gzip ---------------------------------------------------------------

    def test_gzip_full_kelurahan(self):
        identity = self.get("/api/kelurahan", headers={"Accept-Encoding": "identity"})
        self.assertEqual(identity.status_code, 200)
        self.assertNotIn("Content-Encoding", identity.headers)
        self.assertGreater(len(identity.content), 4 * 1024 * 1024)
        response = self.get(
            "/api/kelurahan", headers={"Accept-Encoding": "gzip"}, stream=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Content-Encoding"), "gzip")
        self.assertEqual(response.headers["Content-Type"], JSON_CONTENT_TYPE)
        self.assertEqual(response.headers["X-Total-Count"], "84197")
        raw = response.raw.read(decode_content=False)
        self.assertLessEqual(len(raw), 1.5 * 1024 * 1024)
        self.assertEqual(gzip.decompress(raw), identity.content)
        # Same representation, same ETag (Vary tells caches to keep both).
        self.assertEqual(response.headers["ETag"], identity.headers["ETag"])
        self.assertIn("accept-encoding", header_set(response.headers.get("Vary")))

    def test_gzip_only_when_accepted_and_large(self):
        small = self.get("/api/provinsi/32", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(small.status_code, 200)
        self.assertNotIn("Content-Encoding", small.headers)
        large = self.get("/api/provinsi", headers={"Accept-Encoding": "gzip, br"})
        self.assertEqual(large.headers.get("Content-Encoding"), "gzip")
        self.assertEqual(len(large.json()), 38)
        refused = self.get(
            "/api/provinsi", headers={"Accept-Encoding": "gzip;q=0, identity"}
        )
        self.assertNotIn("Content-Encoding", refused.headers)
        self.assertEqual(refused.json(), large.json())

    # --- HEAD ---------------------------------------------------------------

    def test_head(self):
        for path in ("/api/provinsi", "/api/kota/3204", "/api/search?q=utara"):
            with self.subTest(path=path):
                get = self.get(path, headers={"Accept-Encoding": "identity"})
                head = self.request(
                    "HEAD", path, headers={"Accept-Encoding": "identity"}
                )
                self.assertEqual(head.status_code, 200)
                self.assertEqual(head.content, b"")
                self.assertEqual(head.headers["Content-Type"], JSON_CONTENT_TYPE)
                self.assertEqual(head.headers["ETag"], get.headers["ETag"])
                self.assertEqual(
                    head.headers.get("X-Total-Count"), get.headers.get("X-Total-Count")
                )
        self.assertEqual(
            self.request("HEAD", "/api/provinsi", key=None).status_code, 401
        )
        self.assertEqual(self.request("HEAD", "/api/provinsi/99").status_code, 404)
        head = self.request(
            "HEAD",
            "/api/provinsi",
            headers={"If-None-Match": self.get("/api/provinsi").headers["ETag"]},
        )
        self.assertEqual(head.status_code, 304)

    # --- CORS ---------------------------------------------------------------

    def preflight(self, path, origin, key=None):
        return self.request(
            "OPTIONS",
            path,
            key=key,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "x-api-key, if-none-match",
            },
        )

    def assertPreflightAllowed(self, response, origin):
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.content, b"")
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), origin)
        methods = header_set(response.headers.get("Access-Control-Allow-Methods"))
        self.assertIn("get", methods)
        self.assertIn("head", methods)
        self.assertNotIn("post", methods)
        allowed = header_set(response.headers.get("Access-Control-Allow-Headers"))
        self.assertIn("x-api-key", allowed)
        self.assertIn("if-none-match", allowed)

    def test_cors_any_origin_by_default(self):
        for value in (None, "*", ""):
            if value is not None:
                self.set_cors_origins(value)
            with self.subTest(param=value):
                # The preflight needs no key: browsers never send one with it.
                for path in ("/api/provinsi", "/api/kota/3204", "/api/nowhere"):
                    self.assertPreflightAllowed(self.preflight(path, ORIGIN), "*")
                response = self.get("/api/provinsi", headers={"Origin": ORIGIN})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
                exposed = header_set(response.headers["Access-Control-Expose-Headers"])
                self.assertIn("etag", exposed)
                self.assertIn("x-total-count", exposed)
                # Errors carry it too, so that a browser can read them.
                error = self.get(
                    "/api/provinsi", key="wrong", headers={"Origin": ORIGIN}
                )
                self.assertEqual(error.status_code, 401)
                self.assertEqual(error.headers["Access-Control-Allow-Origin"], "*")

    def test_cors_listed_origins(self):
        self.set_cors_origins(f"{ORIGIN}, {OTHER_ORIGIN}")
        for origin in (ORIGIN, OTHER_ORIGIN):
            with self.subTest(origin=origin):
                self.assertPreflightAllowed(
                    self.preflight("/api/provinsi", origin), origin
                )
                response = self.get("/api/provinsi", headers={"Origin": origin})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    response.headers["Access-Control-Allow-Origin"], origin
                )
                self.assertIn("origin", header_set(response.headers.get("Vary")))
        # Separated by spaces only works too.
        self.set_cors_origins(f"{ORIGIN}   {OTHER_ORIGIN}")
        self.assertPreflightAllowed(
            self.preflight("/api/provinsi", OTHER_ORIGIN), OTHER_ORIGIN
        )

    def test_cors_disallowed_origin(self):
        self.set_cors_origins(ORIGIN)
        for origin in (EVIL_ORIGIN, ORIGIN + ".evil.example.net", "null"):
            with self.subTest(origin=origin):
                response = self.preflight("/api/provinsi", origin)
                self.assertJsonError(response, 403)
                self.assertNotIn("Access-Control-Allow-Origin", response.headers)
                self.assertNotIn("Access-Control-Allow-Headers", response.headers)
                # A plain request is answered, but the browser may not read it.
                response = self.get("/api/provinsi", headers={"Origin": origin})
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    def test_options_without_origin(self):
        response = self.request("OPTIONS", "/api/provinsi", key=None)
        self.assertEqual(response.status_code, 204)
        self.assertIn("get", header_set(response.headers.get("Allow")))
        self.assertNotIn("Access-Control-Allow-Origin", response.headers)

    # --- no session, no writes ----------------------------------------------

    def test_no_session_cookie(self):
        self.opener.cookies.pop("session_id", None)
        responses = [self.get(path) for path in SAMPLE_PATHS] + [
            self.get("/api/provinsi", key=None),
            self.get("/api/provinsi", key="wrong"),
            self.get("/api/provinsi/99"),
            self.get("/api/provinsi/9"),
            self.get("/api/nowhere"),
            self.request("POST", "/api/provinsi"),
            self.preflight("/api/provinsi", ORIGIN),
            self.get(
                "/api/provinsi",
                headers={"If-None-Match": self.get("/api/provinsi").headers["ETag"]},
            ),
            self.request("HEAD", "/api/provinsi"),
        ]
        self.set_api_key("change_this_to_your_secret_api_key")
        responses.append(self.get("/api/provinsi"))
        self.assertEqual(
            {response.status_code for response in responses},
            {200, 204, 304, 400, 401, 404, 405, 503},
        )
        for response in responses:
            with self.subTest(url=response.request.url, status=response.status_code):
                self.assertNotIn("Set-Cookie", response.headers)
        self.assertNotIn("session_id", self.opener.cookies)

    def test_routes_are_readonly(self):
        rules = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule == "/api" or rule.rule.startswith("/api/")
        ]
        own = [
            rule
            for rule in rules
            if rule.endpoint.func.__module__.endswith(
                "infinys_wilayah_indonesia_api.controllers.api"
            )
        ]
        self.assertGreaterEqual(len(own), 11)
        for rule in own:
            with self.subTest(rule=rule.rule):
                self.assertIs(rule.endpoint.routing["readonly"], True)
                self.assertEqual(rule.endpoint.routing["auth"], "none")
                self.assertFalse(rule.endpoint.routing["save_session"])

    def database_state(self):
        self.env.flush_all()
        state = {}
        for table in (
            "ir_config_parameter",
            "wilayah_provinsi",
            "wilayah_kota",
            "wilayah_kecamatan",
            "wilayah_kelurahan",
            "res_users_log",
            "ir_attachment",
        ):
            self.env.cr.execute(
                f"SELECT count(*), max(id), max(write_date) FROM {table}"
            )
            state[table] = self.env.cr.fetchone()
        self.env.cr.execute("SELECT key, value, write_date FROM ir_config_parameter")
        state["params"] = sorted(self.env.cr.fetchall(), key=repr)
        return state

    def test_no_database_writes(self):
        before = self.database_state()
        for _round in range(3):
            for path in SAMPLE_PATHS:
                self.assertEqual(self.get(path).status_code, 200)
            self.get("/api/provinsi", key="wrong")
            self.get("/api/provinsi/99")
            self.get("/api/search?q=a")
            self.request("POST", "/api/provinsi")
            self.request("DELETE", "/api/provinsi/32")
            self.preflight("/api/provinsi", ORIGIN)
            self.get("/api/kelurahan", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(self.database_state(), before)
