"""Errors of the API: JSON with the right status, never a traceback, never the
key (README "Errors")."""

import logging
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..wilayah.index import RegionIndex
from ..wilayah.params import MAX_TEXT_LENGTH
from .common import (
    API_KEY_PARAM,
    API_KEY_PLACEHOLDER,
    KEY,
    WilayahApiCase,
    url,
)

API_LOGGER = "odoo.addons.infinys_wilayah_indonesia_api.controllers.api"


class _RecordsHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []
        self.formatter = logging.Formatter("%(name)s %(message)s")

    def emit(self, record):
        self.records.append(record)


@tagged("post_install", "-at_install")
class TestWilayahApiErrors(WilayahApiCase):
    def assertNoKey(self, response, key=KEY):
        self.assertNotIn(key, response.text)
        self.assertNotIn(key.encode(), response.content)
        for name, value in response.headers.items():
            self.assertNotIn(key, name)
            self.assertNotIn(key, value)

    # --- 503: key not configured ----------------------------------------------

    def assert_closed(self):
        for key in (KEY, None, API_KEY_PLACEHOLDER, ""):
            response = self.get("/api/provinsi", key=key)
            body = self.assertJsonError(response, 503)
            # The message says how to set it.
            self.assertIn(API_KEY_PARAM, body["message"])
            self.assertIn("System Parameters", body["message"])
            self.assertNoKey(response)
            self.assertNoKey(response, API_KEY_PLACEHOLDER)
        self.assertJsonError(self.get("/api/kota/3204"), 503)
        self.assertJsonError(self.get("/api/search?q=utara"), 503)

    def test_503_placeholder(self):
        self.set_api_key(API_KEY_PLACEHOLDER)
        self.assert_closed()
        self.set_api_key(f"  {API_KEY_PLACEHOLDER}\n")
        self.assert_closed()

    def test_503_empty(self):
        param = (
            self.env["ir.config_parameter"].sudo().search([("key", "=", API_KEY_PARAM)])
        )
        self.assertTrue(param)
        for value in ("", "   "):
            # value is required in the model: store it as a database could hold it
            self.env.cr.execute(
                "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                (value, API_KEY_PARAM),
            )
            self.env.registry.clear_cache()
            self.assert_closed()

    def test_503_missing(self):
        self.env["ir.config_parameter"].sudo().search(
            [("key", "=", API_KEY_PARAM)]
        ).unlink()
        self.assert_closed()

    def test_open_again_with_a_key(self):
        self.set_api_key(API_KEY_PLACEHOLDER)
        self.get_error("/api/provinsi", 503)
        self.set_api_key(KEY)
        self.assertEqual(len(self.get_json("/api/provinsi")), 38)

    # --- 401: key missing or wrong ------------------------------------------

    def test_401(self):
        cases = {
            "missing": None,
            "empty": "",
            "wrong": "not-the-key",
            "prefix": KEY[:-1],
            "longer": KEY + "x",
            "other case": KEY.upper(),
            "non-ascii": "kunci-é".encode(),
            "non-ascii + key": KEY.encode() + "é".encode(),
            "placeholder": API_KEY_PLACEHOLDER,
        }
        for case, key in cases.items():
            for path in ("/api/provinsi", "/api/kelurahan/3204050001", "/api/nowhere"):
                with self.subTest(case=case, path=path):
                    response = self.get(path, key=key)
                    body = self.assertJsonError(response, 401)
                    self.assertNoKey(response)
                    self.assertNotIn("kunci", body["message"])
                    if key:
                        self.assertNotIn(
                            key if isinstance(key, str) else key.decode(),
                            response.text,
                        )
        self.assertIn(
            "X-API-Key", self.get_error("/api/provinsi", 401, key=None)["message"]
        )

    def test_key_accepted(self):
        response = self.get("/api/provinsi", headers={"x-api-key": KEY}, key=None)
        self.assertEqual(response.status_code, 200)
        self.assertNoKey(response)
        # blanks around a pasted key are not part of it
        self.assertEqual(len(self.get_json("/api/provinsi", key=KEY + " \t")), 38)

    def test_key_in_query_string(self):
        """Refused (400) even with a good key in the header, before anything
        else; the access log masks it."""
        with self.capture_all_logs() as records:
            for name in ("api_key", "apikey", "X-API-Key", "key", "token", "API%5FKEY"):
                for key in (KEY, None, "wrong"):
                    path = f"/api/provinsi?name=jawa&{name}={KEY}"
                    with self.subTest(name=name, key=key):
                        response = self.get(path, key=key)
                        body = self.assertJsonError(response, 400)
                        self.assertIn("X-API-Key header", body["message"])
                        self.assertNoKey(response)
            # on every route and method, public ones included
            self.get_error(f"/api/nowhere?apiKey={KEY}", 400)
            self.get_error(f"/api/openapi.json?access_token={KEY}", 400, key=None)
            # a browser can read why
            response = self.get(
                f"/api/provinsi?token={KEY}", headers={"Origin": "https://a.example"}
            )
            self.assertJsonError(response, 400)
            self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
            self.assertJsonError(
                self.request("DELETE", f"/api/provinsi?key={KEY} {KEY}"), 400
            )
        lines = [record.getMessage() for record in records if record.name == "werkzeug"]
        self.assertTrue([line for line in lines if "api_key=***" in line], lines)
        self.assertFalse([line for line in lines if KEY[4:-4] in line])
        # a parameter whose value merely looks like a name is none of them
        self.assertEqual(len(self.get_json("/api/provinsi?name=key")), 0)

    def test_non_ascii_configured_key(self):
        """A configured key with non-ASCII characters works when the client
        sends it UTF-8 encoded; anything else is refused."""
        secret = "kunci-rahasia-é-0123456789abcdef0123"
        self.set_api_key(secret)
        self.assertEqual(len(self.get_json("/api/provinsi", key=secret.encode())), 38)
        self.get_error("/api/provinsi", 401, key=secret.replace("é", "e"))
        self.get_error("/api/provinsi", 401, key=secret.encode("latin-1"))

    # --- 400 / 404: codes ---------------------------------------------------

    def test_malformed_codes(self):
        for path in (
            "/api/provinsi/3",
            "/api/provinsi/320",
            "/api/provinsi/ab",
            "/api/provinsi/3a",
            "/api/provinsi/%D9%A3%D9%A2",  # Arabic-Indic digits
            "/api/provinsi/32.04",
            "/api/kota/32",
            "/api/kota/320",
            "/api/kota/32040",
            "/api/kota/32.4",
            "/api/kota/32.004",
            "/api/kota/abcd",
            "/api/kota/%EF%BC%93%EF%BC%92.%EF%BC%90%EF%BC%94",  # fullwidth 32.04
            "/api/kecamatan/320405",
            "/api/kecamatan/32040500",
            "/api/kecamatan/32.04.3",
            "/api/kecamatan/32.04.31.2005",
            "/api/kecamatan/-3204050",
            "/api/kelurahan/320405000",
            "/api/kelurahan/32040500011",
            "/api/kelurahan/32.04.31.205",
            "/api/kelurahan/3204O50001",
            "/api/kota?kode_provinsi=3",
            "/api/kota?kode_provinsi=3x",
            "/api/kota?kode_provinsi=3204",
            "/api/kecamatan?kode_kota=32.4",
            "/api/kecamatan?kode_kota=320",
            "/api/kecamatan?kode_kota=3204050",
            "/api/kelurahan?kode_kecamatan=123",
            "/api/kelurahan?kode_kecamatan=32.04.031",
            "/api/kelurahan?kode_kecamatan=32.04.31.2005",
        ):
            with self.subTest(path=path):
                self.get_error(path, 400)

    def test_malformed_code_message_names_it(self):
        body = self.get_error("/api/kota/32.4", 400)
        self.assertIn("32.4", body["message"])
        self.assertEqual(body["error"], "Bad Request")

    def test_unknown_codes(self):
        for path in (
            "/api/provinsi/99",
            "/api/provinsi/00",
            "/api/kota/3299",
            "/api/kota/99.99",
            "/api/kecamatan/3204999",
            "/api/kecamatan/32.04.99",
            "/api/kelurahan/3204050999",
            "/api/kelurahan/32.04.31.9999",
            "/api/kodepos/99999",
            "/api/kodepos/00000",
        ):
            with self.subTest(path=path):
                body = self.get_error(path, 404)
                self.assertEqual(body["error"], "Not Found")
                self.assertIn(path.rsplit("/", 1)[1], body["message"])

    # --- B.4: postal codes match whole codes --------------------------------

    def test_postal_code_whole_match(self):
        codes = [item["code"] for item in self.get_json("/api/kodepos/23898")]
        self.assertIn("1101010001", codes)  # LATIUNG "23895,23898"
        self.assertIn("1101010015", codes)  # SEUNEUBOK "23898"
        # 23895 is only the first code of LATIUNG, not of SEUNEUBOK.
        codes = [item["code"] for item in self.get_json("/api/kodepos/23895")]
        self.assertIn("1101010001", codes)
        self.assertNotIn("1101010015", codes)
        # A part of a code is not a postal code, nor matches one.
        for path in (
            "/api/kodepos/2389",
            "/api/kodepos/389",
            "/api/kodepos/238989",
            "/api/kodepos/23895,23898",
            "/api/kodepos/2389a",
            "/api/kodepos/%EF%BC%92%EF%BC%93%EF%BC%98%EF%BC%99%EF%BC%98",  # fullwidth
        ):
            with self.subTest(path=path):
                self.get_error(path, 400)
        # A suffix of a real code (23898 -> 3898x) does not match either.
        self.get_error("/api/kodepos/38982", 404)

    # --- B.3: name matching is literal --------------------------------------

    def test_wildcards_are_literal(self):
        for level in ("provinsi", "kota", "kecamatan", "kelurahan"):
            for text in ("%", "_", "\\", "%%", "a%a", "_a_", "[a]", ".*", "^A"):
                with self.subTest(level=level, text=text):
                    self.assertEqual(self.get_json(url(f"/api/{level}", name=text)), [])
        for text in ("%%%", "___", "\\\\\\", "J_W", "JA%", ".*A"):
            with self.subTest(q=text):
                self.assertEqual(
                    self.get_json(url("/api/search", q=text)),
                    {"provinsi": [], "kota": [], "kecamatan": [], "kelurahan": []},
                )

    def test_wildcard_characters_found_literally(self):
        self.env["wilayah.provinsi"].create(
            {"code": "98", "name": "Provinsi 100% _Uji_ C:\\Data"}
        )
        expected = [{"code": "98", "name": "Provinsi 100% _Uji_ C:\\Data"}]
        for text in ("100%", "%", "_", "_uji_", "\\", "C:\\DATA", "0% _"):
            with self.subTest(text=text):
                self.assertEqual(
                    self.get_json(url("/api/provinsi", name=text)), expected
                )
        self.assertEqual(
            self.get_json(url("/api/search", q="100%"))["provinsi"], expected
        )
        self.assertEqual(
            self.get_json(url("/api/search", q="\\da"))["provinsi"], expected
        )
        # Names keep their spelling and case (B.7).
        self.assertEqual(self.get_json("/api/provinsi/98")["name"], expected[0]["name"])
        # The characters still only match themselves.
        for text in ("100_", "1%0", "C:_Data", "C:%", "_Uji%"):
            with self.subTest(text=text):
                self.assertEqual(self.get_json(url("/api/provinsi", name=text)), [])

    # --- 400: paging and search ---------------------------------------------

    def test_bad_paging(self):
        for query in (
            "limit=0",
            "limit=-1",
            "limit=abc",
            "limit=1.5",
            "limit=100001",
            "limit=%2B5",
            "limit=1e3",
            "limit=%EF%BC%95",  # fullwidth 5
            "offset=-1",
            "offset=x",
            "offset=1.0",
        ):
            for path in ("/api/provinsi", "/api/kelurahan?kode_kecamatan=3204050"):
                sep = "&" if "?" in path else "?"
                with self.subTest(path=path, query=query):
                    body = self.get_error(f"{path}{sep}{query}", 400)
                    self.assertIn(query.split("=")[0], body["message"])
        self.get_error("/api/search?q=utara&limit=0", 400)
        self.get_error("/api/search?q=utara&limit=x", 400)

    def test_text_too_long(self):
        index = self.env["wilayah.api.index"].sudo()._get_index()
        longest = "\N{GRINNING FACE}" * MAX_TEXT_LENGTH
        for path, name in (
            ("/api/kelurahan", "name"),
            ("/api/search", "q"),
            ("/api/alamat", "q"),
        ):
            with self.subTest(path=path):
                cached = len(index.answers), len(index.text_answers)
                body = self.get_error(url(path, **{name: longest + "a"}), 400)
                self.assertIn(f"'{name}' is too long", body["message"])
                self.assertIn(str(MAX_TEXT_LENGTH), body["message"])
                self.assertEqual((len(index.answers), len(index.text_answers)), cached)
                # blanks around it are not counted; the longest text is read
                self.get_json(url(path, **{name: f"  {longest}  "}))

    def test_search_query_too_short(self):
        for query in ("", "?q=", "?q=ab", "?q=%20%20%20", "?q=%20ab%20%20", "?q=a%20"):
            with self.subTest(query=query):
                body = self.get_error(f"/api/search{query}", 400)
                self.assertIn("3", body["message"])
        self.assertEqual(
            list(self.get_json("/api/search?q=%20aceh%20")),
            ["provinsi", "kota", "kecamatan", "kelurahan"],
        )

    # --- 405 and unknown routes ---------------------------------------------

    def test_405(self):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            for path in (
                "/api/provinsi",
                "/api/provinsi/32",
                "/api/kodepos/40266",
                "/api/search?q=utara",
            ):
                for key in (KEY, None):
                    with self.subTest(method=method, path=path, key=bool(key)):
                        response = self.request(method, path, key=key, data=b"{}")
                        self.assertJsonError(response, 405)
                        allowed = {
                            value.strip()
                            for value in response.headers["Allow"].split(",")
                        }
                        self.assertIn("GET", allowed)
                        self.assertNotIn(method, allowed)

    def test_unknown_api_paths(self):
        for path in (
            "/api",
            "/api/",
            "/api/nowhere",
            "/api/provinsi/32/kota",
            "/api/kodepos",
            "/api/v1/provinsi",
            "/api/kelurahan/3204050001/extra",
        ):
            with self.subTest(path=path):
                body = self.get_error(path, 404)
                self.assertEqual(body["error"], "Not Found")
        # no route matches another case: still a JSON 404, with the hint
        for path in ("/API", "/API/provinsi", "/Api/kota/3204", "/api/Provinsi"):
            with self.subTest(path=path):
                body = self.get_error(path, 404)
                self.assertIn("API paths are lower case", body["message"])
                # served as an unknown /api path is: the key first, with CORS
                self.get_error(path, 401, key=None)
                response = self.get(path, headers={"Origin": "https://a.example"})
                self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertEqual(self.get("/apiary").headers["Content-Type"][:9], "text/html")

    def test_parameter_named_self(self):
        # Odoo passes query parameters as keyword arguments to the route method:
        # "self" must not collide with the method's own argument (a 500 page).
        self.assertEqual(self.get_json("/api/provinsi/32?self=1")["name"], "JAWA BARAT")
        self.assertEqual(len(self.get_json("/api/provinsi?self=x&name=jawa")), 3)
        self.get_error("/api/nowhere?self=1", 404)
        self.get_error("/api/kodepos/123?self=1", 400)

    # --- 500 ----------------------------------------------------------------

    def test_unexpected_error_is_json_500(self):
        secret_detail = "boom: internal detail /opt/odoo"
        with (
            patch.object(
                RegionIndex,
                "answer",
                autospec=True,
                side_effect=RuntimeError(secret_detail),
            ) as answer,
            mute_logger(API_LOGGER),
        ):
            for path in ("/api/provinsi", "/api/kota/3204", "/api/search?q=utara"):
                with self.subTest(path=path):
                    response = self.get(path)
                    body = self.assertJsonError(response, 500)
                    self.assertEqual(body["error"], "Internal Server Error")
                    self.assertNotIn("boom", response.text)
                    self.assertNotIn("RuntimeError", response.text)
                    self.assertNotIn("/opt/odoo", response.text)
                    self.assertNoKey(response)
        self.assertTrue(answer.called)
        # Back to normal once the fault is gone.
        self.assertEqual(len(self.get_json("/api/provinsi")), 38)

    def test_unexpected_error_is_logged(self):
        with (
            patch.object(RegionIndex, "answer", side_effect=RuntimeError("boom")),
            self.assertLogs(API_LOGGER, level="ERROR") as logs,
        ):
            self.get_error("/api/provinsi", 500)
        self.assertIn("/api/provinsi", logs.output[0])

    # --- the key never leaks ------------------------------------------------

    def test_answers_never_contain_key(self):
        for path in (
            "/api/provinsi",
            "/api/provinsi/32",
            "/api/kodepos/40266",
            "/api/search?q=utara",
            "/api/provinsi/3",
            "/api/provinsi/99",
            "/api/nowhere",
        ):
            with self.subTest(path=path):
                self.assertNoKey(self.get(path))
                self.assertNoKey(self.get(path, key="wrong"))
        self.assertNoKey(self.request("POST", "/api/provinsi"))
        self.assertNoKey(self.request("OPTIONS", "/api/provinsi"))
        self.set_api_key(API_KEY_PLACEHOLDER)
        self.assertNoKey(self.get("/api/provinsi"))

    @contextmanager
    def capture_all_logs(self):
        """Every log record of every logger, at DEBUG level, while in the block."""
        handler = _RecordsHandler()
        root = logging.getLogger()
        loggers = [root] + [
            logger
            for logger in root.manager.loggerDict.values()
            if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET
        ]
        levels = [(logger, logger.level, logger.disabled) for logger in loggers]
        # Like assertLogs: only our handler, so that nothing reaches the console.
        root_handlers, root.handlers = root.handlers, [handler]
        try:
            for logger in loggers:
                logger.setLevel(logging.DEBUG)
                logger.disabled = False
            yield handler.records
        finally:
            root.handlers = root_handlers
            for logger, level, disabled in levels:
                logger.setLevel(level)
                logger.disabled = disabled

    def test_key_never_logged(self):
        with self.capture_all_logs() as records:
            for key in (KEY, KEY[:-1] + "#", KEY + KEY, None):
                self.get("/api/provinsi", key=key)
                self.get("/api/kota/32.4", key=key)
                self.get("/api/nowhere", key=key)
                self.request("DELETE", "/api/provinsi", key=key)
            with patch.object(RegionIndex, "answer", side_effect=RuntimeError("boom")):
                self.get("/api/provinsi")
        self.assertTrue(records, "nothing was captured")
        messages = [logging.Formatter().format(record) for record in records]
        self.assertTrue(
            any("Wilayah API" in message for message in messages),
            "the API's own log line was not captured",
        )
        # Every key sent above contains this part of the configured key.
        fragment = KEY[4:-4]
        self.assertFalse([message for message in messages if fragment in message])
