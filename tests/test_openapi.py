"""The OpenAPI document and the docs page, checked against the real routes
and the real answers (not against themselves)."""

import json
import re
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from ..controllers.docs import DOCS_CSP, DOCS_JS, SWAGGER_CSS, SWAGGER_JS
from ..controllers.openapi import (
    DETAIL_EXAMPLE,
    KEMENDAGRI_EXAMPLE,
    LIST_EXAMPLE,
    SEARCH_EXAMPLE_QUERY,
)
from ..models.wilayah_api_index import BPS_CODE_LENGTH, KEMENDAGRI_CODE_RE, ROUTE_PARAMS
from ..models.wilayah_data import API_KEY_PARAM

CATCH_ALL = {"/api", "/api/<path:_rest>"}
ERROR_STATUSES = (400, 401, 404, 405, 500, 503)
# (operation id, path and query of a request whose answer the 200 example shows)
EXAMPLE_REQUESTS = [
    *(
        (f"{level}_list", f"/api/{level}?{urlencode({'name': LIST_EXAMPLE[level][0]})}")
        for level in LIST_EXAMPLE
    ),
    *(
        (f"{level}_detail", f"/api/{level}/{DETAIL_EXAMPLE[level]['code']}")
        for level in DETAIL_EXAMPLE
    ),
    ("kodepos", "/api/kodepos/40266"),
    ("search", f"/api/search?{SEARCH_EXAMPLE_QUERY}"),
]


def openapi_path(rule):
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


class SchemaChecker:
    """The JSON Schema subset the document uses: $ref (local), type, enum,
    properties, required, additionalProperties: false, items, anyOf, pattern,
    minLength, minimum, maximum."""

    TYPES = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "number": (int, float),
    }
    KEYWORDS = {
        "$ref",
        "type",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "anyOf",
        "pattern",
        "minLength",
        "minimum",
        "maximum",
        # annotations
        "title",
        "description",
        "examples",
        "default",
    }

    def __init__(self, document):
        self.document = document

    def resolve(self, ref):
        assert ref.startswith("#/"), ref
        node = self.document
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def unknown_keywords(self, schema):
        """Keywords this checker would silently ignore (must be none)."""
        unknown = set(schema) - self.KEYWORDS
        for value in (schema.get("properties") or {}).values():
            unknown |= self.unknown_keywords(value)
        for value in [schema.get("items"), *schema.get("anyOf", ())]:
            if isinstance(value, dict):
                unknown |= self.unknown_keywords(value)
        return unknown

    def errors(self, value, schema, where="$"):
        if "$ref" in schema:
            return self.errors(value, self.resolve(schema["$ref"]), where)
        if "anyOf" in schema:
            if all(self.errors(value, option, where) for option in schema["anyOf"]):
                return [f"{where}: matches none of anyOf"]
        kind = schema.get("type")
        if kind and not self.is_type(value, kind):
            return [f"{where}: {value!r} is not of type {kind}"]
        errors = []
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} not in {schema['enum']}")
        if isinstance(value, str):
            errors += self.string_errors(value, schema, where)
        if isinstance(value, int) and not isinstance(value, bool):
            if value < schema.get("minimum", value):
                errors.append(f"{where}: {value} < {schema['minimum']}")
            if value > schema.get("maximum", value):
                errors.append(f"{where}: {value} > {schema['maximum']}")
        if isinstance(value, dict):
            errors += self.object_errors(value, schema, where)
        if isinstance(value, list) and "items" in schema:
            for index, item in enumerate(value):
                errors += self.errors(item, schema["items"], f"{where}[{index}]")
        return errors

    def is_type(self, value, kind):
        if isinstance(value, bool):
            return kind == "boolean"
        if kind == "integer":
            return isinstance(value, int)
        return isinstance(value, self.TYPES[kind])

    def string_errors(self, value, schema, where):
        errors = []
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: {value!r} is too short")
        return errors

    def object_errors(self, value, schema, where):
        errors = []
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                errors.append(f"{where}: missing {name!r}")
        for name, item in value.items():
            if name in properties:
                errors += self.errors(item, properties[name], f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected property {name!r}")
        return errors


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
        self.checker = SchemaChecker(self.document)

    def get_api(self, path, key=True):
        headers = {"X-API-Key": self.key} if key else {}
        return self.url_open(path, headers=headers)

    def operations(self):
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                yield path, method, operation

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

    # --- the document against the code ------------------------------------

    def test_structure(self):
        document = self.document
        self.assertTrue(document["openapi"].startswith("3.1."))
        self.assertTrue(document["info"]["title"])
        self.assertRegex(document["info"]["version"], r"^18\.0\.")
        self.assertEqual(document["servers"][0]["url"], "/")
        self.assertEqual(
            document["components"]["securitySchemes"]["ApiKey"],
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": document["components"]["securitySchemes"]["ApiKey"][
                    "description"
                ],
            },
        )
        self.assertEqual(document["security"], [{"ApiKey": []}])
        operation_ids = []
        for path, method, operation in self.operations():
            self.assertIn(method, ("get", "head", "options"), path)
            self.assertTrue(operation["responses"], path)
            self.assertIn("200", operation["responses"], path)
            operation_ids.append(operation["operationId"])
            for parameter in operation.get("parameters", ()):
                self.assertTrue({"name", "in", "schema"} <= set(parameter), parameter)
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
        # Every $ref points at something, and no schema uses a keyword that the
        # answer checks below would ignore.
        text = json.dumps(document)
        for ref in set(re.findall(r'"\$ref": "([^"]+)"', text)):
            self.assertTrue(self.checker.resolve(ref), ref)
        for name, schema in document["components"]["schemas"].items():
            self.assertFalse(self.checker.unknown_keywords(schema), name)
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
            self.assertFalse(self.checker.errors(content["example"], error))

    def test_schemas_are_valid_json_schema(self):
        try:
            from jsonschema import Draft202012Validator
        except ImportError:
            self.skipTest("python3-jsonschema is not installed")
        for name, schema in self.document["components"]["schemas"].items():
            Draft202012Validator.check_schema(schema)
            self.assertTrue(name)

    def test_paths_are_the_routes(self):
        rules = self.api_rules()
        self.assertEqual(set(self.document["paths"]), set(rules))
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
        documented = set()
        for path, _method, operation in self.operations():
            operation_id = operation["operationId"]
            parameters = operation.get("parameters", [])
            query = [p["name"] for p in parameters if p["in"] == "query"]
            in_path = {p["name"] for p in parameters if p["in"] == "path"}
            self.assertEqual(in_path, set(re.findall(r"{(\w+)}", path)), path)
            if operation_id in ROUTE_PARAMS:
                documented.add(operation_id)
                self.assertEqual(query, list(ROUTE_PARAMS[operation_id]), path)
            else:
                self.assertFalse(query, path)
        self.assertEqual(documented, set(ROUTE_PARAMS))

    def test_code_patterns(self):
        """The patterns accept what the index accepts, and nothing else."""
        levels = {
            "/api/provinsi/{code}": "provinsi",
            "/api/kota/{code}": "kota",
            "/api/kecamatan/{code}": "kecamatan",
            "/api/kelurahan/{code}": "kelurahan",
        }
        filters = {
            "kode_provinsi": "provinsi",
            "kode_kota": "kota",
            "kode_kecamatan": "kecamatan",
        }
        seen = set()
        for path, _method, operation in self.operations():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "path" and path in levels:
                    level = levels[path]
                elif parameter["name"] in filters:
                    level = filters[parameter["name"]]
                else:
                    continue
                seen.add((path, parameter["name"]))
                schema = parameter["schema"]
                accepted = ["1" * BPS_CODE_LENGTH[level]]
                if level in KEMENDAGRI_EXAMPLE:
                    accepted.append(KEMENDAGRI_EXAMPLE[level])
                    self.assertTrue(KEMENDAGRI_CODE_RE[level].match(accepted[-1]))
                rejected = ["1" * (BPS_CODE_LENGTH[level] + 1), "3a", "", "32.04.3"]
                for value in accepted:
                    self.assertFalse(self.checker.errors(value, schema), (path, value))
                for value in rejected:
                    self.assertTrue(self.checker.errors(value, schema), (path, value))
                self.assertFalse(self.checker.errors(parameter["example"], schema))
        self.assertEqual(len(seen), 7)

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
                self.checker.errors(body, self.success_schema(operation)), url
            )
            for header in operation["responses"]["200"]["headers"]:
                self.assertIn(header, response.headers, url)
        # An answer with a field the schema does not know fails the check.
        detail = paths["/api/provinsi/{code}"]["get"]
        self.assertTrue(
            self.checker.errors(
                {**DETAIL_EXAMPLE["provinsi"], "extra": 1}, self.success_schema(detail)
            )
        )

    def test_examples_are_real_answers(self):
        for operation_id, url in EXAMPLE_REQUESTS:
            operation = next(
                operation
                for _path, _method, operation in self.operations()
                if operation["operationId"] == operation_id
            )
            content = operation["responses"]["200"]["content"]["application/json"]
            response = self.get_api(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(content["example"], response.json(), url)
            self.assertFalse(self.checker.errors(content["example"], content["schema"]))

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
            self.assertFalse(self.checker.errors(response.json(), error), url)
            path = re.sub(r"/api/(\w+)/[^/?]+$", r"/api/\1/{code}", url.split("?")[0])
            responses = self.document["paths"][path]["get"]["responses"]
            self.assertIn(str(status), responses, url)
        post = self.opener.post(
            self.base_url() + "/api/provinsi",
            headers={"X-API-Key": self.key},
            timeout=30,
        )
        self.assertEqual(post.status_code, 405)
        self.assertFalse(self.checker.errors(post.json(), error))
