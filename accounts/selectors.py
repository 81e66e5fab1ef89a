"""Reads of accounts that the views serialize."""

import uuid

from django.db.models import OuterRef, Subquery

from accounts.exceptions import UserNotFound
from accounts.models import User, Wallet
from signin import solana
from signin.models import SignIn

_MAX_IDENTIFIER_LENGTH = 64


def user_get_public(*, identifier: str) -> User:
    """The account whose uuid, or the address of any of whose wallets, is ``identifier``.

    ``UserNotFound`` for an unknown or deleted account and for text that is neither a uuid
    nor a Solana address, so a caller cannot tell a malformed id from a missing account.
    """
    if len(identifier) > _MAX_IDENTIFIER_LENGTH:
        raise UserNotFound()
    lookup: dict[str, uuid.UUID | str]
    try:
        lookup = {"pk": uuid.UUID(identifier)}
    except ValueError:
        try:
            solana.decode_public_key(identifier)
        except solana.EncodingError:
            raise UserNotFound() from None
        lookup = {"wallets__address": identifier}
    user = User.objects.filter(**lookup).first()
    if user is None:
        raise UserNotFound()
    return user


def wallets_list(*, user: User) -> list[Wallet]:
    """The account's wallets, the primary first, then in the order they were linked.

    Each has ``last_sign_in_at``: when it last signed in to this account (the newest kept
    sign-in made with it), or None. Derived from the sign-ins, so that the sign-in itself
    writes nothing more.
    """
    last_sign_in = (
        SignIn.objects.filter(user_id=user.pk, wallet=OuterRef("address"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return list(
        Wallet.objects.filter(user_id=user.pk)
        .annotate(last_sign_in_at=Subquery(last_sign_in))
        .order_by("-is_primary", "linked_at", "pk")
    )
