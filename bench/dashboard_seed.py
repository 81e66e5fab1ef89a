"""Dashboard-scale data and the timing of the back-office insight pages (measurement only).

Seeds a PostgreSQL database straight with SQL (``generate_series``, never through the
API): accounts with their primary wallets, sign-ins over the last 30 days and an audit
trail spread over half a year, with a few client addresses, wallets and accounts that the
suspicious-activity page should find. Then times the admin index (the dashboard) and the
suspicious-activity page through Django's test client, cold (empty cache) and warm.

    DATABASE_URL=postgres://.../launchpad_dash_big REDIS_URL=redis://.../5 \\
        python bench/dashboard_seed.py seed --users 1000000 --events 10000000 --sign-ins 3000000
    DATABASE_URL=... REDIS_URL=... python bench/dashboard_seed.py time --runs 5

Figures go to docs/performance.md ("Back-office dashboard").
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402

# Half a year of audit trail; sign-ins within the session lifetime and retention (30 days).
EVENT_DAYS = 180
SIGN_IN_DAYS = 30
CHUNK = 1_000_000
# Countries weighted roughly like a launchpad's traffic; '' is "unknown".
COUNTRIES = "ARRAY['US','US','US','DE','GB','FR','BR','IN','NG','VN','TR','KR','JP','','CA']"
# Refusal reasons as the sign-in records them (signin.services / signin.exceptions).
REASONS = (
    "ARRAY['Invalid signature','Invalid signature','Invalid signature',"
    "'Signature has already been used','Timestamp is outside the allowed window',"
    "'Issued At is outside the allowed window','Account is banned',"
    "'Too many new accounts from this address; try again later','Message domain is not allowed']"
)
# Actions of the other tenth of the trail.
OTHER_ACTIONS = (
    "ARRAY['sign_in.logout','sign_in.logout','sign_in.refresh_reused','user.registered',"
    "'user.updated','sign_in.revoked','wallet.linked']"
)


def _uuid(expression: str) -> str:
    return f"md5('dash-user-' || ({expression}))::uuid"


def _run(label: str, sql: str) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.rowcount
    print(f"{label}: {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)


def _empty(table: str) -> bool:
    """Whether ``table`` has no rows: a step already done is skipped on a second run."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
        return bool(cursor.fetchone()[0])


def seed(users: int, events: int, sign_ins: int) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("seeding uses PostgreSQL's generate_series")
    # Statements here run for minutes; the service's own timeout is for requests.
    _run("no statement timeout", "SET statement_timeout = 0")
    _run("random seed", "SELECT setseed(0.18)")
    for start in range(1, users + 1 if _empty("accounts_user") else 1, CHUNK):
        stop = min(start + CHUNK - 1, users)
        # Account i joined (users - i) / users of EVENT_DAYS ago: the newest last.
        _run(
            f"users {start}-{stop}",
            f"""INSERT INTO accounts_user (password, id, address, email, bio, role, is_banned,
                    created_at, updated_at)
                SELECT '!', {_uuid("i")}, 'Dash' || lpad(i::text, 40, '0'), '', '', 'user',
                    i % 997 = 0,
                    now() - interval '{EVENT_DAYS} days' * (({users} - i)::float / {users}),
                    now()
                FROM generate_series({start}, {stop}) AS i""",
        )
        _run(
            f"wallets {start}-{stop}",
            f"""INSERT INTO accounts_wallet (address, is_primary, linked_at, user_id)
                SELECT address, true, created_at, id FROM accounts_user
                WHERE address >= 'Dash' || lpad('{start}', 40, '0')
                  AND address <= 'Dash' || lpad('{stop}', 40, '0')""",
        )
    for start in range(1, sign_ins + 1 if _empty("accounts_signin") else 1, CHUNK):
        stop = min(start + CHUNK - 1, sign_ins)
        # Uniform over the last SIGN_IN_DAYS; a third revoked; any account.
        _run(
            f"sign-ins {start}-{stop}",
            f"""INSERT INTO accounts_signin (id, created_at, last_used_at, ip_address,
                    user_agent, refresh_jti, revoked_at, revoked_reason, user_id, expires_at,
                    wallet, country)
                SELECT md5('dash-sign-in-' || j)::uuid, at, at,
                    ('10.' || (j % 200) || '.' || (j / 200 % 250) || '.' || (j % 251))::inet,
                    'Mozilla/5.0', md5(j::text),
                    CASE WHEN j % 3 = 0 THEN at + interval '1 hour' END,
                    CASE WHEN j % 3 = 0 THEN 'logout' ELSE '' END,
                    {_uuid("1 + (j * 7919) % " + str(users))},
                    at + interval '30 days',
                    'Dash' || lpad((1 + (j * 7919) % {users})::text, 40, '0'),
                    ({COUNTRIES})[1 + (j * 31) % 15]
                FROM (SELECT j, now() - interval '{SIGN_IN_DAYS} days' * random() AS at
                      FROM generate_series({start}::bigint, {stop}) AS j) AS s""",
        )
    if not _empty("accounts_auditevent"):
        raise SystemExit("accounts_auditevent has rows already: truncate it to seed again")
    # One sign_in.succeeded with newAccount per account, at its creation, from a client
    # address shared by about 50 accounts over half a year.
    _run(
        "audit: new accounts",
        """INSERT INTO accounts_auditevent (created_at, action, actor_id, actor_uuid,
                subject_id, subject_uuid, ip_address, user_agent, detail)
            SELECT created_at, 'sign_in.succeeded', id, id, id, id,
                ('10.1.' || (abs(hashtext(id::text)) % 250) || '.'
                    || (abs(hashtext(address)) % 80))::inet,
                'Mozilla/5.0', jsonb_build_object('signInId', id, 'newAccount', true)
            FROM accounts_user""",
    )
    rest = max(events - users, 0)
    for start in range(1, rest + 1, CHUNK):
        stop = min(start + CHUNK - 1, rest)
        # Of the rest: 80 % returning sign-ins, 10 % refusals, 10 % other actions; uniform
        # over EVENT_DAYS.
        _run(
            f"audit events {start}-{stop}",
            f"""INSERT INTO accounts_auditevent (created_at, action, actor_id, actor_uuid,
                    subject_id, subject_uuid, ip_address, user_agent, detail)
                SELECT at,
                    CASE WHEN k % 10 < 8 THEN 'sign_in.succeeded'
                         WHEN k % 10 = 8 THEN 'sign_in.failed'
                         ELSE ({OTHER_ACTIONS})[1 + k / 10 % 7] END,
                    CASE WHEN k % 10 <> 8 THEN u END, CASE WHEN k % 10 <> 8 THEN u END, u, u,
                    ('10.' || (k % 200) || '.' || (k / 200 % 250) || '.' || (k % 251))::inet,
                    'Mozilla/5.0',
                    CASE WHEN k % 10 < 8 THEN jsonb_build_object('signInId', md5(k::text)::uuid,
                                                                 'newAccount', false)
                         WHEN k % 10 = 8 THEN jsonb_build_object(
                            'reason', ({REASONS})[1 + k / 10 % 9],
                            'address', 'Dash' || lpad((1 + (k * 7919) % {users})::text, 40, '0'))
                         ELSE '{{}}'::jsonb END
                FROM (SELECT k, now() - interval '{EVENT_DAYS} days' * random() AS at,
                             {_uuid("1 + (k * 7919) % " + str(users))} AS u
                      FROM generate_series({start}::bigint, {stop}) AS k) AS e""",
        )
    _suspicious(users)
    # The service appends sign-ins and events as they happen, so a time range of them lies
    # together on disk; the steps above wrote them in random time order. CLUSTER lays them
    # out as the service would (run `manage.py migrate` before seeding: the sign-ins' index
    # is a migration's).
    _run("sign-ins in time order", "CLUSTER accounts_signin USING signin_created_country_idx")
    _run(
        "audit events in time order",
        "CLUSTER accounts_auditevent USING accounts_auditevent_created_at_ff826e09",
    )
    _run("vacuum analyze", "VACUUM ANALYZE")


def _suspicious(users: int) -> None:
    """What the suspicious-activity page should find among the rest: one client address
    that created 40 accounts in the last hours, one wallet with 60 refused proofs, one
    account with 25 live sessions."""
    _run(
        "suspicious: one address, many new accounts",
        f"""INSERT INTO accounts_auditevent (created_at, action, actor_id, actor_uuid,
                subject_id, subject_uuid, ip_address, user_agent, detail)
            SELECT now() - interval '1 minute' * i, 'sign_in.succeeded', u, u, u, u,
                '203.0.113.7', 'python-requests/2.32',
                jsonb_build_object('signInId', md5('s' || i)::uuid, 'newAccount', true)
            FROM (SELECT i, {_uuid(f"{users} - i")} AS u FROM generate_series(1, 40) AS i) s""",
    )
    _run(
        "suspicious: one wallet, many refused proofs",
        """INSERT INTO accounts_auditevent (created_at, action, subject_uuid, ip_address,
                user_agent, detail)
            SELECT now() - interval '1 minute' * i, 'sign_in.failed', NULL,
                ('198.51.100.' || (i % 200))::inet, 'curl/8',
                jsonb_build_object('reason', 'Invalid signature',
                                   'address', 'So1anaVictimWa11et1111111111111111111111111')
            FROM generate_series(1, 60) AS i""",
    )
    _run(
        "suspicious: one account, many live sessions",
        f"""INSERT INTO accounts_signin (id, created_at, last_used_at, ip_address, user_agent,
                refresh_jti, revoked_at, revoked_reason, user_id, expires_at, wallet, country)
            SELECT md5('dash-many-' || i)::uuid, now() - interval '1 hour' * i, now(),
                '192.0.2.1', 'Mozilla/5.0', md5('many' || i), NULL, '', {_uuid("7")},
                now() + interval '20 days', 'Dash' || lpad('7', 40, '0'), 'US'
            FROM generate_series(1, 25) AS i""",
    )


def timings(runs: int) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import Role, User

    setup_test_environment()  # the test client's response.context, ALLOWED_HOSTS
    staff, _ = User.objects.get_or_create(
        username="dashboard_bench", defaults={"role": Role.ADMIN, "password": "!"}
    )
    client = Client()
    client.force_login(staff)
    for name, url in (
        ("dashboard (admin index)", reverse("admin:index")),
        ("suspicious activity", reverse("admin:accounts_user_suspicious")),
    ):
        cold, warm = [], []
        for _ in range(runs):
            cache.clear()
            cold.append(_timed(client, url))
            warm.append(_timed(client, url))
        print(
            f"{name}: cold median {statistics.median(cold):.0f} ms "
            f"(min {min(cold):.0f}, max {max(cold):.0f}); warm median "
            f"{statistics.median(warm):.0f} ms (min {min(warm):.0f}, max {max(warm):.0f})"
        )


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--users", type=int, default=1_000_000)
    seeding.add_argument("--events", type=int, default=10_000_000)
    seeding.add_argument("--sign-ins", type=int, default=3_000_000)
    timing = commands.add_parser("time")
    timing.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.users, args.events, args.sign_ins)
    else:
        timings(args.runs)


if __name__ == "__main__":
    main()
