"""The OpenAPI document: complete (walks the URL resolver), valid, and served without auth,
from memory and rate limited."""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.views import APIView

from config import openapi, views
from config.openapi import ERROR_SCHEMA, ErrorSerializer

# Not API endpoints: the admin site, the schema and its docs, the operators' metrics, the
# JSON 404 catch-all.
NOT_API = {"api-schema", "api-docs", "metrics"}
HTTP_METHODS = ["get", "post", "put", "patch", "delete"]


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _api_operations() -> set[tuple[type, str]]:
    """(view class, method) for every routed endpoint that is part of the API."""
    operations = set()
    for namespace, pattern in _walk(get_resolver("config.urls").url_patterns):
        # The admin site (its own URLs, and the rate-limited sign-in in front of them).
        if namespace == "admin" or str(pattern.pattern).startswith("admin/"):
            continue
        if pattern.name in NOT_API:
            continue
        callback = pattern.callback
        if callback is views.not_found:
            continue
        view_class = getattr(callback, "cls", None)
        assert view_class is not None and issubclass(view_class, APIView), (
            f"{pattern.pattern} is not a DRF view, so it cannot be in the OpenAPI schema"
        )
        actions = getattr(callback, "actions", None)
        methods = actions.keys() if actions else [m for m in HTTP_METHODS if hasattr(view_class, m)]
        operations |= {(view_class, method.upper()) for method in methods}
    return operations


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator(urlconf="config.urls").get_schema(request=None, public=True)


def test_every_routed_endpoint_is_in_the_schema():
    generator = SchemaGenerator(urlconf="config.urls")
    schema = generator.get_schema(request=None, public=True)
    # Set by get_schema: (path, regex, method, view), where drf-spectacular's annotation
    # has three items.
    endpoints = cast(list[tuple[str, str, str, Any]], generator.endpoints)
    documented = {
        (callback.cls, method)
        for path, _, method, callback in endpoints
        if method.lower() in schema["paths"].get(path.rstrip("/"), {})
    }
    missing = _api_operations() - documented
    assert not missing, f"endpoints missing from the OpenAPI schema: {missing}"


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_success_with_schema_and_example(schema):
    for path, method, operation in _operations(schema):
        success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert success, f"{method} {path}: no 2xx response"
        for code, response in success.items():
            content = response["content"]["application/json"]
            assert "schema" in content, f"{method} {path} {code}: no schema"
            assert content.get("examples") or content.get("example"), f"{method} {path}: no example"
        if method in ("post", "put", "patch") and "requestBody" in operation:
            body = operation["requestBody"]["content"]["application/json"]
            assert body.get("examples") or body.get("example"), (
                f"{method} {path}: no request example"
            )


def test_every_error_response_uses_the_error_component(schema):
    for path, method, operation in _operations(schema):
        assert "429" in operation["responses"] and "503" in operation["responses"]
        for code, response in operation["responses"].items():
            if int(code) >= 400 and path != "/health":
                ref = response["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}"


def test_authenticated_operations_name_bearer_and_cookie(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"] == schemes["cookieAuth"] | {"in": "cookie", "name": "auth_token"}
    profile = schema["paths"]["/auth/my-profile"]["get"]
    assert profile["security"] == [{"bearerAuth": []}, {"cookieAuth": []}]
    assert "401" in profile["responses"]
    assert "security" not in schema["paths"]["/auth/login"]["post"] or (
        {} in schema["paths"]["/auth/login"]["post"]["security"]
    )


def test_paths_have_no_trailing_slash(schema):
    assert all(path == "/" or not path.endswith("/") for path in schema["paths"])


def test_error_component_matches_the_serializer(schema):
    assert schema["components"]["schemas"]["Error"] == ERROR_SCHEMA
    assert ErrorSerializer.Meta.ref_name == "Error"


def test_common_errors_are_added_by_kind():
    result = {
        "paths": {
            "/x/{id}": {
                "patch": {
                    "security": [{"bearerAuth": []}],
                    "requestBody": {},
                    "parameters": [{"in": "path", "name": "id"}],
                    "responses": {"200": {}},
                }
            }
        }
    }
    result = openapi.add_common_error_responses(result, None, None, True)
    codes = set(result["paths"]["/x/{id}"]["patch"]["responses"])
    assert codes == {"200", "400", "401", "403", "404", "413", "415", "429", "503"}


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


@pytest.mark.django_db
def test_schema_and_docs_need_no_auth():
    client = APIClient()
    client.cookies["auth_token"] = "garbage"
    response = client.get("/api/schema", HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert client.get("/api/schema?format=yaml").content.startswith(b"openapi: 3")
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema", "/api/docs", "/api/docs/"])
def test_options_describes_the_schema_and_docs_in_json(path):
    response = APIClient().options(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].split(";")[0].endswith("json")  # the schema's own type
    assert json.loads(response.content)["renders"]


@pytest.fixture
def fresh_document(monkeypatch):
    """A process whose document is not generated yet; counts the generator's runs."""
    runs: list[int] = []
    generate = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        runs.append(1)
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    monkeypatch.setattr(openapi.SchemaApi, "document", openapi.SchemaDocument())
    return runs


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_get_one_document_generated_once(fresh_document):
    """With gunicorn threads, concurrent generations raced (500s): now one runs, under a
    lock, and every request is answered from it."""
    threads = 16
    barrier = threading.Barrier(threads)

    def get(index: int) -> tuple[int, str, bytes]:
        try:
            barrier.wait()
            query = "?format=yaml" if index % 2 else ""
            response = Client().get("/api/schema" + query)
            return response.status_code, query, response.content
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(get, range(threads)))
    assert [status for status, _, _ in answers] == [200] * threads
    assert len({body for _, query, body in answers if query}) == 1
    assert len({body for _, query, body in answers if not query}) == 1
    assert len(fresh_document) == 1


@pytest.mark.django_db
def test_schema_formats_by_accept_or_format(fresh_document):
    client = APIClient()
    as_json = client.get("/api/schema")
    assert as_json["Content-Type"] == "application/vnd.oai.openapi+json"
    assert as_json["Content-Disposition"] == 'inline; filename="Launchpad Auth API.json"'
    assert as_json.json() == SchemaGenerator().get_schema(request=None, public=True)
    for response in (
        client.get("/api/schema?format=yaml"),
        client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
        assert response["Content-Disposition"] == 'inline; filename="Launchpad Auth API.yaml"'
        assert response.content.startswith(b"openapi: 3")
    # ?version= no longer reaches the document or its file name.
    assert client.get("/api/schema?version=x%22y").content == as_json.content
    assert len(fresh_document) == 2  # the comparison's own run


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema", "/api/schema?format=yaml", "/api/docs"])
def test_schema_and_docs_are_rate_limited_with_headers(settings, path):
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account": "2/d"}
    client = APIClient()
    for remaining in (1, 0):
        response = client.get(path)
        assert response.status_code == 200
        assert response["x-ratelimit-limit"] == "2"
        assert response["x-ratelimit-remaining"] == str(remaining)
        assert int(response["x-ratelimit-reset"]) > time.time()
    refused = client.get(path)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["statusCode"] == 429
    assert refused.json()["error"] == "Too Many Requests"
    assert 1 <= int(refused["Retry-After"]) <= 86400
