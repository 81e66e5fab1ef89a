"""config/handlers.py: the API skips the admin-only middleware, and answers as before.

Here requests go through Django's own test-client handler with the full admin chain
(``settings.MIDDLEWARE``) and through the WSGI application gunicorn serves, and must get
the same answers.
"""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from config.handlers import routed_application
from tests.clients import FullChainClientHandler
from tests.wsgi import wsgi_environ

pytestmark = pytest.mark.django_db

# Differ from one request to the next whatever the chain.
_PER_REQUEST = {"x-request-id", "x-ratelimit-remaining", "x-ratelimit-reset"}


def _through_wsgi(application, method, path, headers, body):
    started = {}

    def start_response(status, response_headers):
        started["status"] = int(status.split()[0])
        started["headers"] = response_headers

    # As Django's test client does: the test's database connection must stay open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(wsgi_environ(method, path, headers, body), start_response)
        content = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


def _through_test_client(method, path, headers, body):
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    content_type = extra.pop("HTTP_CONTENT_TYPE", "application/octet-stream")
    if "HTTP_CONTENT_LENGTH" in extra:
        extra["CONTENT_LENGTH"] = extra.pop("HTTP_CONTENT_LENGTH")
    client = Client()
    client.handler = FullChainClientHandler()
    response = client.generic(method, path, body, content_type=content_type, **extra)
    headers = [*response.items()]
    headers += [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
    return response.status_code, headers, response.content


def _comparable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(
        (name.lower(), "…" if name.lower() in _PER_REQUEST else value) for name, value in headers
    )


@pytest.fixture
def token(auth_client) -> str:
    return auth_client.login_body["token"]


def _requests(token: str) -> list[tuple[str, str, dict[str, str], bytes]]:
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        ("GET", "/auth/my-profile", bearer, b""),
        ("GET", "/auth/is-admin", bearer, b""),
        ("GET", "/auth/my-profile", {}, b""),
        ("GET", "/auth/my-profile", {"Cookie": f"auth_token={token}"}, b""),
        ("POST", "/auth/logout", {"Cookie": f"auth_token={token}"}, b""),  # no Origin: 403
        (
            "OPTIONS",
            "/auth/login",
            {"Origin": "https://pump.fun", "Access-Control-Request-Method": "POST"},
            b"",
        ),
        ("POST", "/auth/login", {"Content-Type": "application/json"}, b"{"),
        ("POST", "/auth/login", {"Content-Type": "text/plain"}, b"hello"),
        (
            "POST",
            "/auth/login",
            {"Content-Type": "application/json", "Content-Length": "20000"},
            b"{}",
        ),
        ("GET", "/no/such/path", {"Origin": "https://pump.fun"}, b""),
        ("GET", "/health", {}, b""),
        ("GET", "/auth/is-admin", {"Host": "evil.example"}, b""),  # not in ALLOWED_HOSTS
        ("GET", "/api/schema", {}, b""),
    ]


def test_api_answers_are_the_same_as_through_the_full_chain(token):
    application = routed_application()
    for method, path, headers, body in _requests(token):
        expected = _through_test_client(method, path, headers, body)
        status, response_headers, content = _through_wsgi(application, method, path, headers, body)
        assert (status, content) == (expected[0], expected[2]), (method, path)
        assert _comparable(response_headers) == _comparable(expected[1]), (method, path)


def test_the_api_chain_is_the_admin_chain_without_what_only_the_admin_uses():
    """Both chains are listed in the settings; they keep the same order."""
    api, admin = settings.API_MIDDLEWARE, settings.ADMIN_MIDDLEWARE
    assert settings.MIDDLEWARE is admin
    assert [path for path in admin if path in api] == api
    assert set(admin) - set(api) == {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "config.middleware.AdminContentSecurityPolicyMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    }


def test_admin_paths_get_the_full_chain():
    status, headers, _ = _through_wsgi(routed_application(), "GET", "/admin/login/", {}, b"")
    names = {name.lower() for name, _ in headers}
    assert status == 200
    assert "content-security-policy" in names  # the admin's CSP
    assert any(v.strip().startswith("csrftoken=") for n, v in headers if n == "Set-Cookie")


def test_api_paths_skip_sessions_and_csrf(token):
    _, headers, _ = _through_wsgi(
        routed_application(), "GET", "/auth/my-profile", {"Authorization": f"Bearer {token}"}, b""
    )
    assert not [value for name, value in headers if name == "Set-Cookie"]
    assert all("Cookie" not in value for name, value in headers if name == "Vary")


def test_api_docs_page_is_served_without_the_csrf_middleware():
    """The page renders a CSRF token for its "try it out" (different on every render, so
    not compared above); the API checks Origin, not CSRF tokens, so none is needed."""
    status, headers, content = _through_wsgi(routed_application(), "GET", "/api/docs", {}, b"")
    assert status == 200
    assert dict(headers)["Content-Type"].startswith("text/html")
    assert b"swagger-ui" in content


def test_the_test_clients_use_the_chain_production_uses_for_each_path(api_client):
    """tests/conftest.py: API paths skip the admin's middleware (no session), as in
    production; admin paths keep it."""
    assert not hasattr(api_client.get("/health").wsgi_request, "session")
    assert not hasattr(Client().get("/auth/is-admin").wsgi_request, "session")
    admin = Client().get("/admin/login/")
    assert hasattr(admin.wsgi_request, "session") and "Content-Security-Policy" in admin
