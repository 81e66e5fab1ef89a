"""The stock reference's database: tables, a signed-in user's access token, wallet users.

Run by bench/run.py with ``DJANGO_SETTINGS_MODULE=stock.settings`` and bench/ on the path:

    python bench/stock/prepare.py migrate
    python bench/stock/prepare.py token --out token.txt
    python bench/stock/prepare.py users --bodies bodies.jsonl
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    commands.add_parser("token").add_argument("--out", type=Path, required=True)
    commands.add_parser("users").add_argument("--bodies", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "migrate":
        call_command("migrate", verbosity=0)
    elif args.command == "token":
        user, _ = User.objects.get_or_create(username="bench", email="bench@example.com")
        args.out.write_text(str(AccessToken.for_user(user)) + "\n")
    else:
        addresses = {json.loads(line)["address"] for line in args.bodies.read_text().splitlines()}
        User.objects.bulk_create(
            [User(username=address) for address in addresses], ignore_conflicts=True
        )


if __name__ == "__main__":
    main()
