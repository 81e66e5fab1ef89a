"""Signing keys across instances: a rotation made by the operator's command (A's side) is
served by every instance within ``SIGNING_KEYS_REFRESH_SECONDS``, with no restart, and a
withdrawal is refused by every instance at once (the first requests after the command).

The instances run with the default interval (5 s). The command runs in its own process,
so neither instance sees a change before its next refresh: A's workers are in the same
place as B's. Each delay is measured from the moment the command has returned (its
transaction is committed by then) to the first check at which every reply agrees; a check
sends several requests on fresh connections, so that each of an instance's workers is
likely to answer one of them. The instances are kept busy while the command runs, so that
their workers' last read of the keys is recent and the delay is the refresh's.
"""

import contextlib
import functools
import threading
import time
from collections.abc import Callable, Iterator

import jwt
import pytest

from tests.system.harness import Gunicorn, KeyPair, call, manage

pytestmark = pytest.mark.system

# A worker reads the keys again on its first request once the interval has passed since
# its last read: a request sent that long after the commit is answered with the new keys.
# The slack covers the requests' own time and the polling step.
SLACK_SECONDS = 2.0
REQUESTS_PER_CHECK = 6  # three per worker of an instance, on average


def _refresh_seconds(instance: Gunicorn) -> float:
    return float(instance.env.get("SIGNING_KEYS_REFRESH_SECONDS", "5"))


def _kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def _sign_in_token(base: str) -> str:
    reply = call(base, "POST", "/auth/login", KeyPair().login_body())
    assert reply.status == 201, reply.text
    return reply.body["token"]


def _published(base: str) -> set[str]:
    reply = call(base, "GET", "/.well-known/jwks.json")
    assert reply.status == 200, reply.text
    return {jwk["kid"] for jwk in reply.body["keys"]}


def _profile_status(base: str, token: str) -> int | None:
    return call(base, "GET", "/auth/my-profile", token=token).status


def _refuses(base: str, token: str) -> bool:
    return _profile_status(base, token) == 401


def _unpublished(base: str, kid: str) -> bool:
    return kid not in _published(base)


def _signs_with(base: str, kid: str) -> bool:
    return _kid(_sign_in_token(base)) == kid


def _always(check: Callable[[], bool]) -> bool:
    return all(check() for _ in range(REQUESTS_PER_CHECK))


def _seconds_until(check: Callable[[], bool], *, since: float, bound: float, what: str) -> float:
    """Poll ``check`` (each a few requests that must all agree) until true; the seconds
    from ``since``. Fails once ``bound`` has passed since then without it."""
    while True:
        if _always(check):
            return time.monotonic() - since
        if time.monotonic() - since > bound:
            raise AssertionError(f"{what}: not after {bound} s")
        time.sleep(0.1)


@contextlib.contextmanager
def _kept_busy(*bases: str) -> Iterator[None]:
    """Requests to every instance while the block runs (the command's few seconds of
    start-up): each worker keeps reading the keys every interval, so the delay measured
    after the command is the refresh's, not the idle time's."""
    done = threading.Event()

    def send() -> None:
        while not done.is_set():
            for base in bases:
                call(base, "GET", "/.well-known/jwks.json")
            done.wait(0.05)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        yield
    finally:
        done.set()
        sender.join(timeout=30)


def _key(postgres, state: str) -> str:
    rows = postgres.query("SELECT kid FROM signing_keys_signingkey WHERE state = %s", (state,))
    assert len(rows) == 1, rows
    return rows[0][0]


def test_rotation_on_a_is_served_by_b_and_withdrawal_is_refused_by_both(
    instance_a, instance_b, postgres
):
    a, b = instance_a.base, instance_b.base
    refresh = max(_refresh_seconds(instance_a), _refresh_seconds(instance_b))
    bound = refresh + SLACK_SECONDS

    # Every worker has its key set, signing with the active key.
    old_token = _sign_in_token(a)
    old_kid = _kid(old_token)
    assert old_kid == _key(postgres, "active")
    assert _profile_status(b, old_token) == 200

    # --- Rotation, run with A's environment ----------------------------------------------
    with _kept_busy(a, b):
        manage(instance_a.env, "signing_keys", "rotate", "--force")
    rotated = time.monotonic()
    new_kid, published_kid = _key(postgres, "active"), _key(postgres, "next")
    assert new_kid != old_kid

    # The new signing key was published one rotation ahead: B knows it already.
    assert _always(lambda: new_kid in _published(b))
    a_signs = _seconds_until(
        lambda: _kid(_sign_in_token(a)) == new_kid,
        since=rotated,
        bound=bound,
        what="A signing with the new key",
    )
    b_serves = _seconds_until(
        lambda: _published(b) == {old_kid, new_kid, published_kid},
        since=rotated,
        bound=bound,
        what="B's JWKS with the retired, the new and the newly published key",
    )
    b_signs = _seconds_until(
        lambda: _kid(_sign_in_token(b)) == new_kid,
        since=rotated,
        bound=bound,
        what="B signing with the new key",
    )
    print(
        f"rotation: A signs with the new key after {a_signs:.2f} s, B serves the new JWKS"
        f" after {b_serves:.2f} s and signs with it after {b_signs:.2f} s (bound {bound} s)"
    )

    new_token = _sign_in_token(a)
    assert _kid(new_token) == new_kid
    assert _always(lambda: _profile_status(b, new_token) == 200)
    # The retired key verifies until its last token expires (retire_after), on both.
    assert _always(lambda: _profile_status(a, old_token) == 200)
    assert _always(lambda: _profile_status(b, old_token) == 200)

    # --- Withdrawal of the new signing key, run with A's environment ----------------------
    with _kept_busy(a, b):
        manage(instance_a.env, "signing_keys", "withdraw", new_kid)
    withdrawn = time.monotonic()
    assert _key(postgres, "active") == published_kid  # the published next key took over

    # Refused at once by both: the first requests after the command see it (the version
    # the command announced in Redis, read in each request's look-up), and the JWKS too.
    for base in (a, b):
        assert _always(functools.partial(_refuses, base, new_token))
        assert _always(functools.partial(_unpublished, base, new_kid))
    refused_after = time.monotonic() - withdrawn
    for name, base in (("A", a), ("B", b)):
        # Signing needs no look-up: the key that took over signs within the interval.
        _seconds_until(
            functools.partial(_signs_with, base, published_kid),
            since=withdrawn,
            bound=bound,
            what=f"{name} signing with the key that took over",
        )
    print(f"withdrawal: refused by A and B at the first requests ({refused_after:.2f} s)")
    # Once refused, refused everywhere: no worker still holds the withdrawn key.
    reply = call(b, "GET", "/auth/my-profile", token=new_token)
    assert reply.status == 401 and reply.is_contract_error
    assert _always(lambda: _profile_status(a, new_token) == 401)
    # The retired key was not withdrawn: its tokens still verify.
    assert _always(lambda: _profile_status(b, old_token) == 200)

    # Both changes are in the audit trail, as the operator's command.
    events = postgres.query(
        "SELECT action, detail->>'kid', detail->>'via', actor_uuid FROM accounts_auditevent"
        " WHERE action IN ('signing_key.rotated', 'signing_key.withdrawn')"
        " AND detail->>'kid' IN (%s, %s) ORDER BY id",
        (new_kid, published_kid),
    )
    assert events == [
        ("signing_key.rotated", new_kid, "command", None),
        ("signing_key.withdrawn", new_kid, "command", None),
        ("signing_key.rotated", published_kid, "command", None),
    ]
