"""The OpenAPI document (web/openapi.json) and the server's routes describe the same API.

Runs `$CC_SERVER_BIN routes` (dummy settings: the command connects to nothing) and compares its
"METHOD /path" lines with the operations of $CC_REPO_ROOT/web/openapi.json. WebSocket routes (WS) are
documented as GET. Run from tests/e2e:
    CC_SERVER_BIN=build/cc-server CC_REPO_ROOT=. /usr/bin/python3 -m unittest -v test_openapi_routes
"""
import json
import os
import pathlib
import subprocess
import unittest

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Documented but served by the static-file fallback rather than a router route.
STATIC_OPERATIONS = {("get", "/api/openapi.json")}
# CORS preflights read nothing from the request, so they have no client error to document.
METHODS_WITHOUT_INPUT = {"options"}
PROBLEM_MEDIA_TYPE = "application/problem+json"
DUMMY_ENVIRONMENT = {
    "CC_DATABASE_URL": "postgresql://x@127.0.0.1/x",
    "CC_SECRET_KEY": "0123456789abcdef0123456789abcdef",
}


def required_env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} must be set (scripts/test and the e2e CTest entry set it)")
    return value


def server_routes(server_bin):
    """{(method, path)} from `cc-server routes`, WS mapped to get, plus the set of WS paths."""
    environment = dict(os.environ)
    environment.update(DUMMY_ENVIRONMENT)
    environment.pop("CC_CONFIG", None)  # the dummies above must be the whole configuration
    completed = subprocess.run([server_bin, "routes"], env=environment, capture_output=True, text=True,
                               timeout=60, check=False)
    if completed.returncode != 0:
        raise AssertionError(f"`{server_bin} routes` exited with {completed.returncode}: {completed.stderr}")
    routes, websockets = set(), set()
    for line in completed.stdout.splitlines():
        if not line.strip():
            continue
        method, _, path = line.strip().partition(" ")
        if not path.startswith("/"):
            raise AssertionError(f"unexpected line from `routes`: {line!r}")
        if method == "WS":
            websockets.add(path)
            method = "GET"
        routes.add((method.lower(), path))
    return routes, websockets


def resolve(document, node):
    """Follows a local $ref (#/components/...) until a plain object is reached."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"]
        if not pointer.startswith("#/") or pointer in seen:
            raise AssertionError(f"unresolvable $ref {pointer}")
        seen.add(pointer)
        node = document
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def documented_operations(document):
    """{(method, path): (operation, path_item)} for every operation in the document."""
    operations = {}
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                operations[(method, path)] = (item[method], item)
    return operations


def takes_input_or_auth(document, operation, path_item):
    security = operation.get("security", document.get("security", []))
    parameters = list(path_item.get("parameters", [])) + list(operation.get("parameters", []))
    return bool(security) or bool(parameters) or "requestBody" in operation


def has_problem_4xx(document, operation):
    for status, response in operation.get("responses", {}).items():
        if not (status.startswith("4") and len(status) == 3):
            continue
        content = resolve(document, response).get("content", {})
        if PROBLEM_MEDIA_TYPE in content:
            return True
    return False


def describe(pairs):
    return ", ".join(f"{method.upper()} {path}" for method, path in sorted(pairs, key=lambda p: (p[1], p[0])))


class OpenApiMatchesRoutes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server_bin = required_env("CC_SERVER_BIN")
        cls.repo_root = pathlib.Path(required_env("CC_REPO_ROOT"))
        cls.document_path = cls.repo_root / "web" / "openapi.json"
        cls.document = json.loads(cls.document_path.read_text(encoding="utf-8"))
        cls.routes, cls.websocket_paths = server_routes(cls.server_bin)
        cls.operations = documented_operations(cls.document)

    def test_document_is_openapi_3(self):
        self.assertIsInstance(self.document, dict)
        self.assertRegex(str(self.document.get("openapi", "")), r"^3\.\d+\.\d+$")
        self.assertIn("title", self.document.get("info", {}))
        self.assertIn("version", self.document.get("info", {}))
        self.assertTrue(self.document.get("paths"), "the document has no paths")

    def test_server_lists_routes(self):
        self.assertGreater(len(self.routes), 0, "`cc-server routes` printed no route")

    def test_every_route_is_documented(self):
        missing = self.routes - set(self.operations)
        if missing:
            self.fail(f"routes missing from {self.document_path}: {describe(missing)}")

    def test_every_documented_operation_is_a_route(self):
        extra = set(self.operations) - self.routes - STATIC_OPERATIONS
        if extra:
            self.fail(f"documented operations the server does not route: {describe(extra)}")

    def test_openapi_document_documents_itself(self):
        self.assertIn(("get", "/api/openapi.json"), self.operations)

    def test_websocket_routes_are_documented_as_upgrades(self):
        for path in sorted(self.websocket_paths):
            with self.subTest(path=path):
                if ("get", path) not in self.operations:
                    self.fail(f"WebSocket route {path} is not documented as GET")
                operation, _ = self.operations[("get", path)]
                self.assertIn("101", operation.get("responses", {}), f"GET {path} needs a 101 response")

    def test_operations_with_input_or_auth_document_a_problem_response(self):
        lacking = set()
        for (method, path), (operation, path_item) in self.operations.items():
            if method in METHODS_WITHOUT_INPUT:
                continue
            if takes_input_or_auth(self.document, operation, path_item) and \
                    not has_problem_4xx(self.document, operation):
                lacking.add((method, path))
        if lacking:
            self.fail(f"operations without a 4xx {PROBLEM_MEDIA_TYPE} response: {describe(lacking)}")

    def test_every_reference_resolves(self):
        broken = []

        def walk(node, where):
            if isinstance(node, dict):
                if "$ref" in node and isinstance(node["$ref"], str):
                    try:
                        resolve(self.document, node)
                    except (KeyError, TypeError, AssertionError):
                        broken.append(f"{where}: {node['$ref']}")
                for key, value in node.items():
                    walk(value, f"{where}/{key}")
            elif isinstance(node, list):
                for index, value in enumerate(node):
                    walk(value, f"{where}/{index}")

        walk(self.document, "#")
        if broken:
            self.fail("broken $ref: " + "; ".join(broken))


if __name__ == "__main__":
    unittest.main()
