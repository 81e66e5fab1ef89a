"""A resource server of another service that trusts the auth service's access tokens.

It verifies each Bearer token offline with the published keys (PyJWT's PyJWKClient over
``/.well-known/jwks.json``) and refuses those of revoked sessions, which it learns by
polling ``GET /oauth/revocations`` as a service client. Answers any ``GET`` with 200 and
the token's claims, or 401.

    AUTH_BASE_URL=http://127.0.0.1:8000 CLIENT_ID=svc_... CLIENT_SECRET=... \\
        python examples/resource_server.py

Environment: AUTH_BASE_URL (required), CLIENT_ID and CLIENT_SECRET (a service client:
``manage.py service_client create``), POLL_SECONDS (5), PORT (8001), JWT_AUDIENCE
(``launchpad-api``); the issuer and the JWKS's address come from the service's RFC 8414
metadata. Needs only PyJWT with its
``crypto`` extra. A logout at the service is refused here within POLL_SECONDS plus the
feed's REVOCATION_FEED_SETTLE_SECONDS; a withdrawn key within the JWKS cache's lifespan.
"""

import base64
import json
import os
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import jwt

BASE_URL = os.environ["AUTH_BASE_URL"].rstrip("/")
if not BASE_URL.startswith(("https://", "http://")):
    raise SystemExit("AUTH_BASE_URL must be an http(s) URL")
CREDENTIALS = base64.b64encode(
    f"{quote(os.environ['CLIENT_ID'])}:{quote(os.environ['CLIENT_SECRET'])}".encode()
).decode()
POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "5"))
AUDIENCE = os.environ.get("JWT_AUDIENCE", "launchpad-api")
with urllib.request.urlopen(  # noqa: S310 - BASE_URL is http(s), checked above
    f"{BASE_URL}/.well-known/oauth-authorization-server", timeout=10
) as metadata_response:
    METADATA = json.load(metadata_response)
ISSUER = METADATA["issuer"]

# Keys are cached for 5 minutes (the JWKS's max-age); an unknown kid refetches the set.
jwks = jwt.PyJWKClient(METADATA["jwks_uri"], lifespan=300)
revoked_sids: set[str] = set()
feed_ready = threading.Event()  # refuse everything until the first poll has answered


def poll_revocations() -> None:
    cursor = None
    while True:
        try:
            query = f"?since={quote(cursor)}" if cursor else ""
            request = urllib.request.Request(  # noqa: S310 - BASE_URL is http(s), checked above
                f"{BASE_URL}/oauth/revocations{query}",
                headers={"Authorization": f"Basic {CREDENTIALS}"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                page = json.load(response)
            revoked_sids.update(row["sid"] for row in page["revoked"])
            cursor = page["cursor"]
            if page["hasMore"]:
                continue  # the next page at once
            feed_ready.set()
        except (OSError, ValueError, KeyError) as error:
            print(f"revocation feed: {error!r}", flush=True)  # keep the last cursor; retry
        time.sleep(POLL_SECONDS)


def verify(token: str) -> dict:
    if jwt.get_unverified_header(token).get("typ") != "at+jwt":
        raise jwt.InvalidTokenError("not an access token")
    key = jwks.get_signing_key_from_jwt(token)  # the key the header's kid names
    claims = jwt.decode(
        token,
        key.key,
        algorithms=[key.algorithm_name],  # only that key's alg (ES256 or EdDSA)
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["exp", "iss", "aud", "sub", "sid"]},
    )
    if not feed_ready.is_set() or claims["sid"] in revoked_sids:
        raise jwt.InvalidTokenError("session revoked")
    return claims


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        body: dict[str, object]
        try:
            if scheme.lower() != "bearer":
                raise jwt.InvalidTokenError("no Bearer token")
            status, body = 200, {"claims": verify(token.strip())}
        except jwt.PyJWTError as error:
            status, body = 401, {"error": str(error)}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


if __name__ == "__main__":
    threading.Thread(target=poll_revocations, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8001"))), Handler)
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()
