"""Configuration comes from the environment, read once by config/settings/base.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG,"
    "'conn_max_age': settings.DATABASES['default'].get('CONN_MAX_AGE'),"
    "'origins': settings.CORS_ALLOWED_ORIGINS, 'domains': settings.SIGN_IN_DOMAINS,"
    "'window': settings.SIGN_IN_WINDOW.total_seconds(),"
    "'access': settings.ACCESS_TOKEN_LIFETIME.total_seconds(),"
    "'issuer': settings.SIMPLE_JWT['ISSUER']}))"
)
_VARIABLES = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "CORS_ALLOWED_ORIGINS",
    "SIGN_IN_DOMAINS",
    "SIGN_IN_WINDOW_SECONDS",
    "ACCESS_TOKEN_LIFETIME_SECONDS",
    "ALLOWED_HOSTS",
    "SIGN_IN_SITE",
    "JWT_SIGNING_KEY",
    "TRUSTED_PROXY_COUNT",
    "JWT_ALGORITHM",
    "SIGNING_KEYS_SECRET",
    "PUBLIC_BASE_URL",
    "JWT_ISSUER",
)
# What a production start needs besides the key under test.
_PRODUCTION = {
    "DJANGO_ENV": "production",
    "SIGN_IN_SITE": "auth.example.com",
    "SIGN_IN_DOMAINS": "auth.example.com",
    "SIGNING_KEYS_SECRET": "Zq8-signing-keys-secret-of-a-real-deployment",
}
_STRONG_KEY = "k3Y-0f_a-Real-deployment-9zQ7x2Lm4Pw8"


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_nothing_set_is_sqlite_with_database_cache():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"] == "config.cache.DatabaseCache"
    assert values["debug"] is True
    assert values["origins"] == ["https://pump.fun"]
    assert values["domains"] == ["pump.fun"]
    assert values["window"] == 300
    assert values["access"] == 900
    assert values["issuer"] == "launchpad-auth"


@pytest.mark.parametrize(
    ("env", "issuer"),
    [
        ({"PUBLIC_BASE_URL": "https://auth.example.com/"}, "https://auth.example.com"),
        (
            {"PUBLIC_BASE_URL": "https://auth.example.com", "JWT_ISSUER": "launchpad-auth"},
            "launchpad-auth",
        ),
    ],
)
def test_the_issuer_is_the_public_url_unless_set(env, issuer):
    result = _settings_with(**env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["issuer"] == issuer


def test_urls_select_postgres_and_redis():
    result = _settings_with(
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CORS_ALLOWED_ORIGINS="https://a.example,https://b.example",
        SIGN_IN_WINDOW_SECONDS="60",
        ACCESS_TOKEN_LIFETIME_SECONDS="120",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["conn_max_age"] == 600  # persistent connections
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["domains"] == ["a.example", "b.example"]
    assert (values["window"], values["access"]) == (60, 120)


def _last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        (None, "is the development default"),
        ("short", "is shorter than 32 bytes"),
        ("a" * 64, "has fewer than 10 distinct characters"),
        ("abcdefghi" * 8, "has fewer than 10 distinct characters"),
    ],
)
def test_production_refuses_default_or_weak_secret_key(secret, problem):
    env = _PRODUCTION | ({"SECRET_KEY": secret} if secret else {})
    result = _settings_with(**env)
    assert result.returncode != 0
    assert _last_line(result).endswith(
        "Production needs SECRET_KEY set to a random value of at least 32 bytes"
        f" (SECRET_KEY {problem})."
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [("abc", "is shorter than 32 bytes"), ("ab" * 32, "has fewer than 10 distinct characters")],
)
def test_production_refuses_a_weak_jwt_signing_key(key, problem):
    result = _settings_with(**_PRODUCTION, SECRET_KEY=_STRONG_KEY, JWT_SIGNING_KEY=key)
    assert result.returncode != 0
    assert _last_line(result).endswith(f"(JWT_SIGNING_KEY {problem}).")


def test_production_starts_with_real_keys():
    result = _settings_with(**_PRODUCTION, SECRET_KEY=_STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False
    result = _settings_with(
        **_PRODUCTION, SECRET_KEY=_STRONG_KEY, JWT_SIGNING_KEY=_STRONG_KEY[::-1]
    )
    assert result.returncode == 0, result.stderr


def test_an_unknown_jwt_algorithm_fails_start_up_clearly():
    result = _settings_with(JWT_ALGORITHM="RS256")
    assert result.returncode != 0
    assert _last_line(result).endswith(
        "JWT_ALGORITHM must be one of ES256, EdDSA, HS256 (got 'RS256')."
    )
    for algorithm in ("ES256", "EdDSA", "HS256"):
        assert _settings_with(JWT_ALGORITHM=algorithm).returncode == 0


def test_production_needs_a_strong_signing_keys_secret():
    env = {k: v for k, v in _PRODUCTION.items() if k != "SIGNING_KEYS_SECRET"}
    result = _settings_with(**env, SECRET_KEY=_STRONG_KEY)
    assert result.returncode != 0
    assert _last_line(result).endswith(
        "Production needs SIGNING_KEYS_SECRET set to a random value of at least 32 bytes"
        " (it encrypts the token signing keys at rest)."
    )
    weak = _settings_with(**env, SECRET_KEY=_STRONG_KEY, SIGNING_KEYS_SECRET=f"{_STRONG_KEY},ab")
    assert _last_line(weak).endswith("(SIGNING_KEYS_SECRET is shorter than 32 bytes).")
    # Two strong secrets (rotating the encryption), or HS256 (no keys to encrypt): starts.
    two = f"{_STRONG_KEY},{_STRONG_KEY[::-1]}"
    assert _settings_with(**env, SECRET_KEY=_STRONG_KEY, SIGNING_KEYS_SECRET=two).returncode == 0
    assert _settings_with(**env, SECRET_KEY=_STRONG_KEY, JWT_ALGORITHM="HS256").returncode == 0


def test_development_accepts_any_key():
    result = _settings_with(SECRET_KEY="abc", JWT_SIGNING_KEY="abc")
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_default_sign_in_site():
    """Two deployments at the default site would accept each other's sign-in proofs."""
    env = {k: v for k, v in _PRODUCTION.items() if k != "SIGN_IN_SITE"}
    result = _settings_with(**env, SECRET_KEY=_STRONG_KEY)
    assert result.returncode != 0
    assert _last_line(result).endswith(
        "Production needs SIGN_IN_SITE set to the site users sign in to (e.g. pump.fun)."
    )
    # Naming pump.fun explicitly is a deployment that serves it: accepted.
    result = _settings_with(**env, SECRET_KEY=_STRONG_KEY, SIGN_IN_SITE="pump.fun")
    assert result.returncode == 0, result.stderr


def test_production_refuses_default_sign_in_domains():
    env = {k: v for k, v in _PRODUCTION.items() if k != "SIGN_IN_DOMAINS"}
    result = _settings_with(**env, SECRET_KEY=_STRONG_KEY)
    assert result.returncode != 0
    assert "Production needs SIGN_IN_DOMAINS (or CORS_ALLOWED_ORIGINS)" in _last_line(result)
    result = _settings_with(
        **env, SECRET_KEY=_STRONG_KEY, CORS_ALLOWED_ORIGINS="https://auth.example.com"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["domains"] == ["auth.example.com"]


_FORWARDED_PROTO_PROBE = (
    "import django; django.setup(); from django.test import Client;"
    "r = Client().get('/no-such-path', HTTP_X_FORWARDED_PROTO='https', HTTP_HOST='127.0.0.1');"
    "print(r.status_code)"
)


@pytest.mark.parametrize(("proxies", "status"), [("0", "301"), ("1", "404")])
def test_x_forwarded_proto_is_trusted_only_behind_a_proxy(proxies, status):
    """Without a trusted proxy the header is the client's own: it cannot skip the https
    redirect (nor make Django treat the request as secure)."""
    clean = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    clean |= _PRODUCTION | {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": _STRONG_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": proxies,
    }
    result = subprocess.run(
        [sys.executable, "-c", _FORWARDED_PROTO_PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == status


def test_bad_boolean_is_refused():
    result = _settings_with(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


_LIMITS_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'rates': settings.RATE_LIMITS,"
    "'new_accounts': settings.NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR,"
    "'fail_open': settings.RATELIMIT_FAIL_OPEN, 'body': settings.API_MAX_BODY_BYTES,"
    "'depth': settings.API_MAX_JSON_DEPTH, 'lockout': settings.AXES_FAILURE_LIMIT,"
    "'throttles': settings.REST_FRAMEWORK['DEFAULT_THROTTLE_CLASSES'],"
    "'parsers': settings.REST_FRAMEWORK['DEFAULT_PARSER_CLASSES']}))"
)


def _limits_with(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RATE_LIMIT")}
    clean = {k: v for k, v in clean.items() if k not in _VARIABLES}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "-c", _LIMITS_PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_rate_limit_defaults():
    result = _limits_with()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "rates": {
            "sign_in_address": "10/m",
            "sign_in_wallet": "10/m",
            "refresh_address": "30/m",
            "account": "120/m",
            "export": "10/h",
            "service_client": "600/m",
            "admin_sign_in_address": "20/m",
        },
        "new_accounts": 20,
        "fail_open": False,
        "body": 16384,
        "depth": 20,
        "lockout": 5,
        "throttles": ["config.ratelimit.RateLimitThrottle"],
        "parsers": ["config.parsers.LimitedJSONParser"],
    }


def test_rate_limits_come_from_the_environment():
    result = _limits_with(RATE_LIMIT_SIGN_IN_PER_ADDRESS="5/10s", RATELIMIT_FAIL_OPEN="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["rates"]["sign_in_address"] == "5/10s"
    assert values["fail_open"] is True


def test_a_malformed_rate_is_refused():
    result = _limits_with(RATE_LIMIT_PER_ACCOUNT="lots")
    assert result.returncode != 0
    assert "RATE_LIMIT" not in result.stdout
    assert "'account' must look like '10/m'" in result.stderr
