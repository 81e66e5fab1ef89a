"""A registration or an account deletion cut off in the middle of its transaction, by a
worker SIGKILLed or by PostgreSQL dying, happened entirely or not at all.

To cut a request off at a known point, the test holds a lock that the request's
transaction needs after it has written something: a deletion has removed the account's
sign-ins and waits to clear the account from its audit events; a registration has written
the username and waits on the unique index, because the test's own open transaction gives
another account the same name. Then the worker or the database dies, and the test checks
in the database that the account is whole and that sending the request again works.
"""

import threading

import psycopg
import pytest

from tests.system.harness import (
    KeyPair,
    Reply,
    call,
    integrity_problems,
    wait_until,
)

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def single_worker(start_instance):
    """One instance with one worker, so the worker serving a request is known."""
    return start_instance("partial", workers=1)


def _sign_in(base: str, key: KeyPair) -> dict:
    reply = call(base, "POST", "/auth/login", key.login_body())
    assert reply.status == 201, reply.text
    return reply.body


def _in_background(send) -> tuple[threading.Thread, list[Reply]]:
    replies: list[Reply] = []
    thread = threading.Thread(target=lambda: replies.append(send()), daemon=True)
    thread.start()
    return thread, replies


def _blocked_query(postgres, holder_pid: int) -> tuple[int, str]:
    """The request's backend once it waits on the test's lock: (pid, statement)."""
    found: list[tuple[int, str]] = []

    def waiting() -> bool:
        found[:] = postgres.query(
            "SELECT pid, query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database() AND pid <> %s",
            (holder_pid,),
        )
        return bool(found)

    wait_until(waiting, seconds=20, what="the request to wait on the test's lock", step=0.05)
    return found[0]


def _backend_gone(postgres, pid: int) -> None:
    wait_until(
        lambda: not postgres.query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)),
        seconds=20,
        what=f"backend {pid} to end",
    )


def _interrupt(how: str, instance, postgres, holder, holder_pid: int, request) -> Reply:
    """Cut the blocked request off: SIGKILL its worker, or kill PostgreSQL."""
    thread, replies = _in_background(request)
    backend, statement = _blocked_query(postgres, holder_pid)
    if how == "worker":
        (worker,) = instance.worker_pids()
        instance.kill_worker(worker)
        holder.rollback()  # the backend finishes its statement, finds its client gone, aborts
        holder.close()
        _backend_gone(postgres, backend)
    else:
        postgres.stop("immediate")
        holder.close()
        postgres.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    wait_until(
        lambda: (
            len(instance.worker_pids()) == 1 and call(instance.base, "GET", "/health").status == 200
        ),
        seconds=30,
        what="the instance to be healthy again",
        step=0.1,
    )
    replies[0].label = statement
    return replies[0]


def _check_cut_off(how: str, reply: Reply) -> None:
    if how == "worker":
        assert reply.status is None, reply.text  # the connection died with the worker
    else:
        assert reply.status == 503, reply.text
        assert reply.is_contract_error
        assert reply.body["message"] == "The database is unavailable"


@pytest.mark.parametrize("how", ["worker", "database"])
def test_interrupted_deletion_removed_nothing(how, single_worker, postgres):
    base = single_worker.base
    key = KeyPair()
    first, second = _sign_in(base, key), _sign_in(base, key)
    rows = postgres.query("SELECT id FROM accounts_user WHERE address = %s", (key.address,))
    user_id = rows[0][0]

    holder = psycopg.connect(postgres.url, connect_timeout=5)
    holder_pid = holder.info.backend_pid
    holder.execute(
        "SELECT id FROM accounts_auditevent WHERE actor_id = %s OR subject_id = %s FOR UPDATE",
        (user_id, user_id),
    )
    reply = _interrupt(
        how,
        single_worker,
        postgres,
        holder,
        holder_pid,
        lambda: call(base, "DELETE", "/users", token=first["token"], timeout=40),
    )
    # Cut off after its sign-ins were deleted, while clearing the account from its events.
    assert "accounts_auditevent" in reply.label
    _check_cut_off(how, reply)

    # Nothing of it happened: the account and both its sign-ins are there, and work.
    assert postgres.query(
        "SELECT count(*) FROM accounts_signin WHERE user_id = %s AND revoked_at IS NULL",
        (user_id,),
    ) == [(2,)]
    assert call(base, "GET", "/auth/my-profile", token=second["token"]).status == 200
    assert integrity_problems(postgres) == []

    # Sent again, all of it happens: no account, no sign-in, every token refused.
    again = call(base, "DELETE", "/users", token=first["token"])
    assert again.status == 200, again.text
    assert postgres.query("SELECT count(*) FROM accounts_user WHERE id = %s", (user_id,)) == [(0,)]
    assert postgres.query(
        "SELECT count(*) FROM accounts_signin WHERE user_id = %s", (user_id,)
    ) == [(0,)]
    assert call(base, "GET", "/auth/my-profile", token=second["token"]).status == 401
    assert integrity_problems(postgres) == []


@pytest.mark.parametrize("how", ["worker", "database"])
def test_interrupted_registration_wrote_nothing(how, single_worker, postgres):
    base = single_worker.base
    key, rival = KeyPair(), KeyPair()
    session = _sign_in(base, key)
    _sign_in(base, rival)
    username = f"cut_{how}_{key.address[:8]}"

    holder = psycopg.connect(postgres.url, connect_timeout=5)
    holder_pid = holder.info.backend_pid
    # An open transaction gives the rival the name: the request's UPDATE, already written to
    # its row, waits on the unique index to learn whether that transaction commits.
    holder.execute(
        "UPDATE accounts_user SET username = %s, username_changed_at = now() WHERE address = %s",
        (username, rival.address),
    )
    reply = _interrupt(
        how,
        single_worker,
        postgres,
        holder,
        holder_pid,
        lambda: call(
            base,
            "POST",
            "/users/register",
            {"username": username, "bio": "cut off"},
            token=session["token"],
            timeout=40,
        ),
    )
    assert reply.label.lstrip().upper().startswith("UPDATE")
    _check_cut_off(how, reply)

    # Nothing of it happened (the rival's uncommitted name went too).
    assert postgres.query(
        "SELECT username, username_changed_at, bio FROM accounts_user WHERE address IN (%s, %s)",
        (key.address, rival.address),
    ) == [(None, None, ""), (None, None, "")]
    assert integrity_problems(postgres) == []

    # Sent again, all of it happens.
    again = call(
        base,
        "POST",
        "/users/register",
        {"username": username, "bio": "cut off"},
        token=session["token"],
    )
    assert again.status == 201, again.text
    assert postgres.query(
        "SELECT username, bio, username_changed_at IS NOT NULL FROM accounts_user"
        " WHERE address = %s",
        (key.address,),
    ) == [(username, "cut off", True)]
    assert integrity_problems(postgres) == []
