"""Every error, on every path, is the contract's JSON shape."""

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework.test import APIClient

from config import urls as project_urls

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret detail")


urlpatterns = [path("boom", _boom), *project_urls.urlpatterns]


@pytest.mark.parametrize("url", ["/nope", "/auth/nope", "/users/x/y/z", "/"])
def test_unknown_paths_are_json_404(url):
    response = APIClient().get(url)
    assert response.status_code == 404
    assert response.json() == {"statusCode": 404, "message": "Not found", "error": "Not Found"}


def test_unknown_path_is_404_for_unsafe_methods_too():
    # Found by the soak: a POST to an unknown path was a CSRF 403 in a real server.
    response = APIClient(enforce_csrf_checks=True).post("/users/nope/deeper", {}, format="json")
    assert response.status_code == 404
    assert response.json()["message"] == "Not found"


def test_unknown_path_is_json_even_with_debug(settings):
    settings.DEBUG = True
    response = APIClient().get("/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("debug", [False, True])
def test_a_host_not_allowed_is_a_json_400_even_with_debug(settings, debug):
    """Refused by CommonMiddleware before any view: with DEBUG on Django's answer would be
    its HTML debug page, settings and environment included."""
    settings.DEBUG = debug
    response = APIClient().get("/auth/my-profile", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["statusCode"] == 400
    assert response["X-Request-ID"]  # the request's other headers are kept


def test_wrong_method_is_json_405():
    response = APIClient().get("/auth/login")
    assert response.status_code == 405
    assert response.json() == {
        "statusCode": 405,
        "message": 'Method "GET" not allowed.',
        "error": "Method Not Allowed",
    }


def test_non_json_is_415():
    response = APIClient().post("/auth/login", "address=x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"] == "Unsupported Media Type"


def test_broken_json_is_400():
    response = APIClient().post("/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["statusCode"] == 400


@pytest.mark.parametrize("debug", [False, True])
@override_settings(ROOT_URLCONF=__name__)
def test_unhandled_error_is_json_500_without_details(settings, debug):
    settings.DEBUG = debug
    client = APIClient(raise_request_exception=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "statusCode": 500,
        "message": "Internal server error",
        "error": "Internal Server Error",
    }
    assert b"secret detail" not in response.content


def test_health():
    response = APIClient().get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_wrong_method_is_json_405():
    response = APIClient().post("/health")
    assert response.status_code == 405
    assert response.json()["error"] == "Method Not Allowed"
