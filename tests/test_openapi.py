"""The OpenAPI document and the docs page, checked against the real routes,
a real validator and the real answers (not against themselves)."""

import json
import os
import re
import shutil
import subprocess
import tempfile

from jsonschema import Draft202012Validator, RefResolver

from odoo.tests import HttpCase, tagged

from ..wilayah.docs_page import DOCS_CSP, DOCS_JS, SWAGGER_CSS, SWAGGER_JS
from ..wilayah.levels import LEVELS
from ..wilayah.openapi import openapi_path
from ..wilayah.routes import ROUTES
from ..wilayah.settings import API_KEY_PARAM

CATCH_ALL = {"/api", "/api/<path:_rest>"}
ERROR_STATUSES = (400, 401, 404, 405, 500, 503)
# scripts/test.sh installs the validator (PyPI) in a venv and says where.
VALIDATOR_ENV = "WILAYAH_OPENAPI_VALIDATOR"
# Each pattern must compile as a JavaScript RegExp with the u flag (what
# generated clients and browsers run), not only as a Python one.
JS_REGEXP_CHECK = """
let failed = [];
for (const p of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
  try { new RegExp(p, "u"); } catch (e) { failed.push(p + ": " + e.message); }
}
console.log(JSON.stringify(failed));
"""


@tagged("post_install", "-at_install")
class TestWilayahOpenApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = "openapi-test-key-0123456789abcdef0123456789"
        cls.env["ir.config_parameter"].sudo().set_param(API_KEY_PARAM, cls.key)

    def setUp(self):
        super().setUp()
        response = self.url_open("/api/openapi.json")
        self.assertEqual(response.status_code, 200)
        self.document = response.json()
        self.resolver = RefResolver.from_schema(self.document)

    def schema_errors(self, value, schema):
        validator = Draft202012Validator(schema, resolver=self.resolver)
        return [error.message for error in validator.iter_errors(value)]

    def get_api(self, path, key=True):
        headers = {"X-API-Key": self.key} if key else {}
        return self.url_open(path, headers=headers)

    def operations(self):
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                yield path, method, operation

    def operation(self, operation_id):
        return next(
            operation
            for _path, _method, operation in self.operations()
            if operation["operationId"] == operation_id
        )

    def api_rules(self):
        """{OpenAPI path: werkzeug rule} of the routes Odoo really serves."""
        rules = {}
        for rule in self.env["ir.http"].routing_map().iter_rules():
            if (
                rule.rule == "/api" or rule.rule.startswith("/api/")
            ) and rule.rule not in CATCH_ALL:
                rules[openapi_path(rule.rule)] = rule
        return rules

    def success_schema(self, operation):
        return operation["responses"]["200"]["content"]["application/json"]["schema"]

    def patterns(self, node=None):
        """Every "pattern" in the document."""
        # only the first call gets None: the document holds null values too
        return self._patterns(self.document if node is None else node)

    def _patterns(self, node):
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "pattern" and isinstance(value, str):
                    yield value
                else:
                    yield from self._patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from self._patterns(value)

    # --- served without a key ----------------------------------------------

    def test_openapi_json_served_without_key(self):
        response = self.url_open("/api/openapi.json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        self.assertEqual(response.headers.get("Access-Control-Allow-Origin"), "*")
        etag = response.headers["ETag"]
        again = self.url_open("/api/openapi.json", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertFalse(again.content)
        post = self.opener.post(self.base_url() + "/api/openapi.json", timeout=30)
        self.assertEqual(post.status_code, 405)
        self.assertEqual(post.json()["status"], 405)

    def test_docs_page_and_static_files(self):
        response = self.url_open("/api/docs")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(response.headers["Content-Security-Policy"], DOCS_CSP)
        script_src = re.search(r"script-src ([^;]*)", DOCS_CSP).group(1)
        self.assertEqual(script_src.strip(), "'self'")
        page = response.text
        self.assertIn('data-spec-url="/api/openapi.json"', page)
        # No inline script: every <script> loads a file of the addon.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        self.assertEqual(len(scripts), 2)
        for attributes, body in scripts:
            self.assertIn('src="/infinys_wilayah_indonesia_api/static/', attributes)
            self.assertFalse(body.strip())
        self.assertNotIn("//cdn", page)
        self.assertNotIn("https://", page)
        urls = re.findall(
            r'(?:src|href)="(/infinys_wilayah_indonesia_api/[^"]+)"', page
        )
        for expected in (SWAGGER_CSS, SWAGGER_JS, DOCS_JS):
            self.assertTrue(any(url.startswith(expected) for url in urls), expected)
        for url in urls:
            static = self.url_open(url)
            self.assertEqual(static.status_code, 200, url)
            self.assertGreater(len(static.content), 100, url)
        bundle = self.url_open(SWAGGER_JS).text
        self.assertIn("SwaggerUIBundle", bundle)
        self.assertIn("SwaggerUIBundle(", self.url_open(DOCS_JS).text)

    # --- the document against validators ------------------------------------

    def test_document_passes_openapi_spec_validator(self):
        validator = os.environ.get(VALIDATOR_ENV)
        self.assertTrue(
            validator and os.path.exists(validator),
            f"{VALIDATOR_ENV} must name openapi-spec-validator: run the tests "
            "with `make test`, which installs it",
        )
        with tempfile.NamedTemporaryFile("w", suffix=".json") as document_file:
            json.dump(self.document, document_file)
            document_file.flush()
            result = subprocess.run(
                [validator, "--schema", "3.1.0", document_file.name],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("OK", result.stdout)
        # The validator does fail on a broken document.
        with tempfile.NamedTemporaryFile("w", suffix=".json") as broken_file:
            broken_path = {"get": {"responses": {"200": {}}}}  # no description
            json.dump({**self.document, "paths": {"/x": broken_path}}, broken_file)
            broken_file.flush()
            broken = subprocess.run(
                [validator, "--schema", "3.1.0", broken_file.name],
                capture_output=True,
                timeout=120,
                check=False,
            )
        self.assertNotEqual(broken.returncode, 0)

    def test_patterns_are_javascript_regexps(self):
        node = shutil.which("node") or shutil.which("nodejs")
        self.assertTrue(node, "node is needed (scripts/setup.sh installs nodejs)")
        patterns = sorted(set(self.patterns()))
        self.assertGreaterEqual(len(patterns), 6)
        for pattern in patterns:
            self.assertNotIn(r"\Z", pattern)
            self.assertNotIn(r"\d", pattern)
        result = subprocess.run(
            [node, "-e", JS_REGEXP_CHECK],
            input=json.dumps([*patterns, "(?P<python>only)"]),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        failed = json.loads(result.stdout)
        # The last one is Python-only syntax: the check does catch it.
        self.assertEqual(failed and failed[-1].split(":")[0], "(?P<python>only)")
        self.assertEqual(failed[:-1], [])

    def test_schemas_are_valid_json_schema(self):
        for name, schema in self.document["components"]["schemas"].items():
            with self.subTest(schema=name):
                Draft202012Validator.check_schema(schema)

    # --- the document against the code ------------------------------------

    def test_structure(self):
        document = self.document
        self.assertTrue(document["openapi"].startswith("3.1."))
        self.assertRegex(document["info"]["version"], r"^18\.0\.")
        self.assertEqual(document["servers"][0]["url"], "/")
        self.assertEqual(
            {
                name: value
                for name, value in document["components"]["securitySchemes"][
                    "ApiKey"
                ].items()
                if name != "description"
            },
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        )
        self.assertEqual(document["security"], [{"ApiKey": []}])
        operation_ids = []
        for path, method, operation in self.operations():
            self.assertEqual(method, "get", path)
            self.assertIn("200", operation["responses"], path)
            operation_ids.append(operation["operationId"])
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "path":
                    self.assertTrue(parameter["required"])
                    self.assertIn(f"{{{parameter['name']}}}", path)
            if path in ("/api/openapi.json", "/api/docs"):
                self.assertEqual(operation["security"], [], path)
            else:
                self.assertNotIn("security", operation, path)
                for status in ("304", "400", "401", "500", "503"):
                    self.assertIn(status, operation["responses"], path)
        self.assertEqual(len(operation_ids), len(set(operation_ids)))
        error = {"$ref": "#/components/schemas/Error"}
        for status in ERROR_STATUSES:
            responses = [
                response
                for response in document["components"]["responses"].values()
                if response.get("content", {})
                .get("application/json", {})
                .get("example", {})
                .get("status")
                == status
            ]
            self.assertEqual(len(responses), 1, status)
            content = responses[0]["content"]["application/json"]
            self.assertEqual(content["schema"], error)
            self.assertFalse(self.schema_errors(content["example"], error))

    def test_paths_are_the_routes(self):
        rules = self.api_rules()
        self.assertEqual(set(self.document["paths"]), set(rules))
        self.assertEqual(
            set(self.document["paths"]), {openapi_path(route.path) for route in ROUTES}
        )
        for path, method, operation in self.operations():
            rule = rules[path]
            # The operation is the controller method that serves the path.
            self.assertEqual(operation["operationId"], rule.endpoint.__name__, path)
            routing = rule.endpoint.routing
            self.assertEqual(routing["auth"], "none", path)
            self.assertEqual(routing["type"], "http", path)
            self.assertIs(routing["readonly"], True, path)
            self.assertIs(routing["save_session"], False, path)
            self.assertTrue(
                routing["methods"] is None or method.upper() in routing["methods"]
            )

    def test_parameters_are_those_read(self):
        for route in ROUTES:
            operation = self.operation(route.name)
            parameters = operation.get("parameters", [])
            query = [p["name"] for p in parameters if p["in"] == "query"]
            in_path = {p["name"] for p in parameters if p["in"] == "path"}
            path = openapi_path(route.path)
            self.assertEqual(in_path, set(re.findall(r"{(\w+)}", path)), path)
            self.assertEqual(query, [param.name for param in route.params], path)

    def test_code_patterns(self):
        """The patterns accept what the API accepts, and nothing else."""
        seen = set()
        for route in ROUTES:
            operation = self.operation(route.name)
            for parameter in operation.get("parameters", ()):
                param = (
                    route.code
                    if parameter["in"] == "path"
                    else next(p for p in route.params if p.name == parameter["name"])
                )
                if param.kind != "code":
                    continue
                levels = [LEVELS[param.level]] if param.level else LEVELS.values()
                seen.add((route.name, parameter["name"]))
                schema = parameter["schema"]
                accepted, rejected = [], ["3a", "", "32.04.3", "1" * 11]
                for level in levels:
                    accepted.append("1" * level.code_length)
                    if level.kemendagri_parts:
                        accepted.append(level.example_kemendagri)
                    rejected.append("\uff11" * level.code_length)  # fullwidth digits
                    # ($ matches before a final newline in Python's re.search,
                    # which the schema check uses; not in JavaScript.)
                    self.assertFalse(level.is_code("1" * level.code_length + "\n"))
                if len(levels) == 1:
                    rejected.append("1" * (levels[0].code_length + 1))
                for value in accepted:
                    self.assertFalse(self.schema_errors(value, schema), value)
                    self.assertTrue(self.accepted_code(value, levels))
                for value in rejected:
                    self.assertTrue(self.schema_errors(value, schema), repr(value))
                    self.assertFalse(self.accepted_code(value, levels))
                self.assertFalse(self.schema_errors(parameter["example"], schema))
        # 4 detail routes, 4 geojson routes, 3 parent filters, the address
        # search's `within`
        self.assertEqual(len(seen), 12)

    @staticmethod
    def accepted_code(value, levels):
        return any(
            level.is_code(value) or level.is_kemendagri_code(value) for level in levels
        )

    # --- the document against the answers ---------------------------------

    def test_answers_match_schemas(self):
        paths = self.document["paths"]
        requests = [
            ("/api/provinsi", "/api/provinsi?limit=5"),
            ("/api/kota", "/api/kota?kode_provinsi=32&limit=3&offset=2"),
            ("/api/kecamatan", "/api/kecamatan?kode_kota=32.04"),
            ("/api/kelurahan", "/api/kelurahan?kode_kecamatan=3204050"),
            ("/api/kelurahan/{code}", "/api/kelurahan/1101010001"),
            ("/api/kodepos/{code}", "/api/kodepos/23898"),
            ("/api/search", "/api/search?q=bandung&limit=5"),
        ]
        for path, url in requests:
            response = self.get_api(url)
            self.assertEqual(response.status_code, 200, url)
            operation = paths[path]["get"]
            body = response.json()
            self.assertTrue(body, url)
            self.assertFalse(
                self.schema_errors(body, self.success_schema(operation)), url
            )
            for header in operation["responses"]["200"]["headers"]:
                self.assertIn(header, response.headers, url)
        # An answer with a field the schema does not know fails the check.
        detail = paths["/api/provinsi/{code}"]["get"]
        example = self.success_schema(detail)
        self.assertTrue(
            self.schema_errors(
                {**self.get_api("/api/provinsi/32").json(), "extra": 1}, example
            )
        )

    def test_examples_are_real_answers(self):
        for route in ROUTES:
            if route.public:
                continue
            with self.subTest(route=route.name):
                operation = self.operation(route.name)
                content = operation["responses"]["200"]["content"]["application/json"]
                response = self.get_api(route.example_request)
                self.assertEqual(response.status_code, 200, route.example_request)
                example, answer = content["example"], response.json()
                if not route.example_exact:
                    # a boundary's coordinates are shortened: the rest is real
                    self.assertNotEqual(example, answer)
                    example, answer = (
                        {**each, "geometry": {"type": each["geometry"]["type"]}}
                        for each in (example, answer)
                    )
                self.assertEqual(example, answer)
                self.assertFalse(
                    self.schema_errors(content["example"], content["schema"])
                )
                self.assertFalse(self.schema_errors(response.json(), content["schema"]))

    def test_error_examples_are_real_answers(self):
        """Each documented error message is what a real request gets."""
        examples = {
            status: response["content"]["application/json"]["example"]
            for response in self.document["components"]["responses"].values()
            if "content" in response
            for status in [response["content"]["application/json"]["example"]["status"]]
        }
        self.assertEqual(self.get_api("/api/kecamatan/32040").json(), examples[400])
        self.assertEqual(
            self.get_api("/api/provinsi/32", key=False).json(), examples[401]
        )
        self.assertEqual(self.get_api("/api/kecamatan/3204999").json(), examples[404])
        post = self.opener.post(
            self.base_url() + "/api/provinsi",
            headers={"X-API-Key": self.key},
            timeout=30,
        )
        self.assertEqual(post.json(), examples[405])
        self.env["ir.config_parameter"].sudo().set_param(API_KEY_PARAM, "")
        self.assertEqual(self.get_api("/api/provinsi/32").json(), examples[503])

    def test_errors_match_schema(self):
        error = {"$ref": "#/components/schemas/Error"}
        cases = [
            ("/api/kecamatan/3204999", True, 404),
            ("/api/kecamatan/32040", True, 400),
            ("/api/search?q=ab", True, 400),
            ("/api/provinsi/32", False, 401),
        ]
        for url, key, status in cases:
            response = self.get_api(url, key=key)
            self.assertEqual(response.status_code, status, url)
            self.assertFalse(self.schema_errors(response.json(), error), url)
            path = re.sub(r"/api/(\w+)/[^/?]+$", r"/api/\1/{code}", url.split("?")[0])
            responses = self.document["paths"][path]["get"]["responses"]
            self.assertIn(str(status), responses, url)
        post = self.opener.post(
            self.base_url() + "/api/provinsi",
            headers={"X-API-Key": self.key},
            timeout=30,
        )
        self.assertEqual(post.status_code, 405)
        self.assertFalse(self.schema_errors(post.json(), error))
