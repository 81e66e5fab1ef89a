"""Production hardening: check --deploy is clean, security headers, the admin's CSP (and the
favicon it allows), Argon2."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
_CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SIGNING_KEYS_SECRET",
    "JWT_ALGORITHM",
    "PUBLIC_BASE_URL",
    "JWT_ISSUER",
)


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SIGNING_KEYS_SECRET": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "auth.example.com",
    "SIGN_IN_SITE": "auth.example.com",
    "SIGN_IN_DOMAINS": "auth.example.com",
    "PUBLIC_BASE_URL": "https://auth.example.com",
}


def test_check_deploy_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_of_an_issuer_that_is_no_https_url():
    production = {k: v for k, v in PRODUCTION.items() if k != "PUBLIC_BASE_URL"}
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production)
    assert result.returncode != 0
    assert "oauth.W001" in result.stdout + result.stderr


def test_production_settings_values():
    probe = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'hsts': settings.SECURE_HSTS_SECONDS,"
        "'session_secure': settings.SESSION_COOKIE_SECURE,"
        "'csrf_secure': settings.CSRF_COOKIE_SECURE, 'auth_secure': settings.AUTH_COOKIE_SECURE,"
        "'referrer': settings.SECURE_REFERRER_POLICY,"
        "'nosniff': settings.SECURE_CONTENT_TYPE_NOSNIFF,"
        "'hasher': settings.PASSWORD_HASHERS[0]}))"
    )
    result = _run(["-c", probe], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "hsts": 31536000,
        "session_secure": True,
        "csrf_secure": True,
        "auth_secure": True,
        "referrer": "same-origin",
        "nosniff": True,
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
    }


@pytest.mark.django_db
def test_api_responses_carry_the_security_headers():
    response = Client().get("/health")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_pages_have_a_content_security_policy(settings):
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == settings.ADMIN_CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_admin_pages_link_a_favicon_their_policy_allows():
    """Without the link browsers ask for /favicon.ico, which is the API's JSON 404."""
    page = Client().get("/admin/login/")
    link = re.search(r'<link rel="icon" href="([^"]+)">', page.content.decode())
    assert link, "the admin pages link a favicon"
    assert link[1].startswith("/static/")  # this origin: the policy's img-src 'self'
    assert "img-src 'self'" in page["Content-Security-Policy"]
    icon = Client().get(link[1])
    assert icon.status_code == 200
    assert icon["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert icon.getvalue()[:4] == b"\x00\x00\x01\x00"  # an icon file
    icon.close()


def test_staff_passwords_hash_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    hashed = make_password("correct horse battery staple")
    assert hashed.startswith("argon2$argon2id$")
    assert check_password("correct horse battery staple", hashed)
    assert not check_password("wrong", hashed)
