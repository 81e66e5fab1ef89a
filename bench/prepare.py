"""Benchmark data, written straight to the benchmark database (never through the API).

Run by bench/run.py with the service's environment (DATABASE_URL etc.) set:

    python bench/prepare.py seed --users 1000000 --revoked 1000000
    python bench/prepare.py access-tokens --count 4 --out tokens.txt
    python bench/prepare.py login-bodies --wallets 2000 --count 20000 --out bodies.jsonl
    python bench/prepare.py login-bodies --first --count 20000 --out bodies.jsonl
    python bench/prepare.py refresh-bodies --count 20000 --out bodies.jsonl
    python bench/prepare.py webhook-endpoint
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection, models  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User, Wallet  # noqa: E402
from signin.models import SignIn  # noqa: E402
from signin.services import user_create_for_wallet  # noqa: E402
from signin.tokens import token_pair_issue  # noqa: E402
from tests.wallets import Wallet as TestWallet  # noqa: E402
from webhooks.services import endpoint_create  # noqa: E402

SEED_PREFIX = "Seed"


def _insert_select(model: type[models.Model], overrides: dict[str, str], source: str) -> int:
    """INSERT INTO <model> SELECT ... FROM <source>: every column from ``overrides`` (SQL
    expressions) or else the field's default, so new model fields need no change here; an
    auto-incremented primary key is left to the database."""
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.AutoField | models.BigAutoField)
            and field.column not in overrides
        ):
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in overrides:
            expressions.append(overrides[field.column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.has_default():
            default = field.get_default()
            expressions.append("now()" if default.__class__.__name__ == "datetime" else "%s")
            if expressions[-1] == "%s":
                params.append(field.get_db_prep_value(default, connection))
        elif field.null:
            expressions.append("NULL")
        else:
            raise SystemExit(f"no value for {model.__name__}.{field.name}")
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seed(users: int, revoked: int) -> None:
    """``users`` accounts, each with its primary wallet, and ``revoked`` revoked sign-ins
    (one per seeded account)."""
    if connection.vendor != "postgresql":
        raise SystemExit("seeding uses PostgreSQL's generate_series")
    started = time.monotonic()
    with connection.cursor() as cursor:
        # A million-row insert outlasts the service's statement timeout (DB_STATEMENT_TIMEOUT_MS).
        cursor.execute("SET statement_timeout = 0")
        cursor.execute(
            "SELECT count(*) FROM accounts_user WHERE address LIKE %s", [SEED_PREFIX + "%"]
        )
        existing = cursor.fetchone()[0]
    if existing < users:
        _insert_select(
            User,
            {
                "id": "gen_random_uuid()",
                "address": f"'{SEED_PREFIX}' || lpad(i::text, 40, '0')",
                "password": "'!'",
            },
            f"generate_series({existing + 1}, {users}) AS i",
        )
    _seed_wallets()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_signin WHERE revoked_at IS NOT NULL")
        existing_revoked = cursor.fetchone()[0]
    missing = revoked - existing_revoked
    if missing > 0:
        _insert_select(
            SignIn,
            {
                "id": "gen_random_uuid()",
                "user_id": "u.id",
                "refresh_jti": "md5(random()::text)",
                "revoked_at": "now()",
                "revoked_reason": "'logout'",
            },
            f"(SELECT id FROM accounts_user WHERE address LIKE '{SEED_PREFIX}%%' "
            f"LIMIT {missing}) AS u",
        )
    with connection.cursor() as cursor:
        # Settle what PostgreSQL would otherwise do in the background during the measurement:
        # vacuum the new rows (visibility, hint bits), then write them out (a checkpoint would
        # spread those writes over the next minutes).
        cursor.execute(f"VACUUM (ANALYZE) accounts_user, {Wallet._meta.db_table}, accounts_signin")
        cursor.execute("ANALYZE")
        cursor.execute("CHECKPOINT")
    print(
        f"seeded to {users} users and wallets, {revoked} revoked sign-ins in "
        f"{time.monotonic() - started:.1f}s"
    )


def _seed_wallets() -> int:
    """The primary wallet of every seeded account that has none yet, in one statement."""
    wallet_table = connection.ops.quote_name(Wallet._meta.db_table)
    return _insert_select(
        Wallet,
        {
            "address": "u.address",
            "user_id": "u.id",
            "is_primary": "true",
            "linked_at": "u.created_at",
        },
        f"(SELECT id, address, created_at FROM accounts_user WHERE address LIKE "
        f"'{SEED_PREFIX}%%' AND NOT EXISTS (SELECT 1 FROM {wallet_table} w "
        f"WHERE w.user_id = accounts_user.id)) AS u",
    )


def _signed_in_pairs(user: User, count: int):
    now = timezone.now()
    rows, pairs = [], []
    for _ in range(count):
        sign_in = SignIn(user=user, created_at=now, last_used_at=now)
        pairs.append(token_pair_issue(sign_in))
        rows.append(sign_in)
    SignIn.objects.bulk_create(rows, batch_size=2000)
    return pairs


def access_tokens(count: int, out: Path) -> None:
    user = user_create_for_wallet(address=TestWallet().address)
    out.write_text("\n".join(pair.access for pair in _signed_in_pairs(user, count)) + "\n")


def refresh_bodies(count: int, out: Path) -> None:
    user = user_create_for_wallet(address=TestWallet().address)
    lines = [json.dumps({"refreshToken": p.refresh}) for p in _signed_in_pairs(user, count)]
    out.write_text("\n".join(lines) + "\n")


def login_bodies(count: int, wallets: int, first: bool, out: Path) -> None:
    """Form A bodies; returning wallets already have accounts, first sign-ins do not."""
    now_ms = int(time.time() * 1000)
    if first:
        lines = [json.dumps(TestWallet().login_body(now_ms)) for _ in range(count)]
    else:
        pool = [TestWallet() for _ in range(wallets)]
        accounts = User.objects.bulk_create(
            [User(address=w.address, password="!") for w in pool], batch_size=2000
        )
        Wallet.objects.bulk_create(
            [
                Wallet(address=user.address, user=user, is_primary=True, linked_at=user.created_at)
                for user in accounts
            ],
            batch_size=2000,
        )
        # Distinct timestamps give distinct signatures, each usable once.
        lines = [json.dumps(pool[i % wallets].login_body(now_ms + i)) for i in range(count)]
    out.write_text("\n".join(lines) + "\n")


def webhook_endpoint() -> None:
    """An enabled endpoint that wants every event type, as staff register one (its name
    resolved to a public address without asking DNS: it is never called, no worker runs)."""
    endpoint_create(
        actor=None,
        url="https://receiver.example/webhooks",
        resolve=lambda host, port: ["93.184.215.14"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser("seed")
    seed_parser.add_argument("--users", type=int, required=True)
    seed_parser.add_argument("--revoked", type=int, default=0)
    for name in ("access-tokens", "refresh-bodies", "login-bodies"):
        sub = commands.add_parser(name)
        sub.add_argument("--count", type=int, required=True)
        sub.add_argument("--out", type=Path, required=True)
        if name == "login-bodies":
            sub.add_argument("--wallets", type=int, default=2000)
            sub.add_argument("--first", action="store_true")
    commands.add_parser("webhook-endpoint")
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.users, args.revoked)
    elif args.command == "access-tokens":
        access_tokens(args.count, args.out)
    elif args.command == "refresh-bodies":
        refresh_bodies(args.count, args.out)
    elif args.command == "webhook-endpoint":
        webhook_endpoint()
    else:
        login_bodies(args.count, args.wallets, args.first, args.out)


if __name__ == "__main__":
    main()
