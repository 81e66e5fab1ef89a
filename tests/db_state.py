"""What the database holds of accounts, wallets, sign-ins, used proofs and the audit trail:
compared before and after a refused request to show that it changed nothing."""

from typing import Any

from django.db import models

from accounts.models import User, Wallet
from audit.models import AuditEvent
from signin.models import SignIn, UsedSignInProof

_MODELS: tuple[type[models.Model], ...] = (User, Wallet, SignIn, UsedSignInProof, AuditEvent)


def db_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of those tables, every column, in primary-key order."""
    return {
        model.__name__: [
            tuple(row)
            for row in model._default_manager.order_by("pk").values_list(
                *(field.attname for field in model._meta.concrete_fields)
            )
        ]
        for model in _MODELS
    }
