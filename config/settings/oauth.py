"""The OAuth endpoints for other services: metadata (RFC 8414), introspection (RFC 7662),
revocation (RFC 7009) and the revocation feed (docs/api.md)."""

from config.env import env_int, env_optional

# The service's public origin ("https://auth.example.com"), used for the absolute URLs of
# GET /.well-known/oauth-authorization-server; unset: the origin of that request itself
# (scheme and Host as Django sees them, so behind a proxy SECURE_PROXY_SSL_HEADER matters).
PUBLIC_BASE_URL = (env_optional("PUBLIC_BASE_URL") or "").rstrip("/") or None
# GET /oauth/revocations: revocations per page (the cursor continues).
REVOCATION_FEED_PAGE_SIZE = env_int("REVOCATION_FEED_PAGE_SIZE", 500)
# GET /oauth/revocations shows a revocation only once it is this many seconds old, so that a
# revocation stamped before a poll but committed after it is never skipped by the cursor:
# longer than any transaction that revokes sessions can stay open, which on PostgreSQL
# DB_STATEMENT_TIMEOUT_MS (10 s, lock waits included) bounds for a one-statement revocation.
REVOCATION_FEED_SETTLE_SECONDS = env_int("REVOCATION_FEED_SETTLE_SECONDS", 15)
