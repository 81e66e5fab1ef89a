"""Profiles: registration, updates and deletion of the caller's own account.

Each function is a plain, keyword-only, typed function that can be tested without HTTP.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.exceptions import (
    AccountGone,
    AlreadyRegistered,
    LastSuperAdmin,
    ProfileValueInvalid,
    UsernameChangeTooSoon,
    UsernameInvalid,
    UsernameTaken,
)
from accounts.models import User
from accounts.profile_values import bio_problem, profile_image_problem
from accounts.usernames import username_problem
from audit.models import AuditAction
from audit.services import audit_record, audit_scrub_user
from events.models import EventType, SessionRevokedReason
from events.services import NewEvent, event_record, events_record
from permissions.rules import is_super_admin, super_admins
from signin import sign_in_cache
from signin.models import SignIn
from signin.oauth import deleted_account_sign_ins_keep


class _Unset:
    """Marks an argument the caller did not pass (None is a value: "clear it")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _username_check(username: str) -> None:
    problem = username_problem(username)
    if problem is not None:
        raise UsernameInvalid(f"username {problem}")


def _profile_values_check(*, bio: str | None, profile_image: str | None) -> None:
    """Empty or None (clearing the value) is always allowed."""
    problem = bio_problem(bio) if bio else None
    if problem is not None:
        raise ProfileValueInvalid(f"bio {problem}")
    problem = profile_image_problem(profile_image) if profile_image else None
    if problem is not None:
        raise ProfileValueInvalid(f"profileImage {problem}")


def username_next_change_at(*, user: User) -> datetime | None:
    """When the account may change its username again; None when it may now."""
    cooldown = settings.USERNAME_CHANGE_COOLDOWN
    if user.username_changed_at is None or cooldown <= timedelta(0):
        return None
    return user.username_changed_at + cooldown


def user_lock(user: User) -> User:
    """The account's row, locked to the end of the transaction: its changes go one at a time."""
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:  # deleted by a concurrent request (found by schemathesis)
        raise AccountGone()
    return locked


def user_register(
    *,
    user: User,
    username: str,
    email: str = "",
    bio: str = "",
    profile_image: str | None = None,
    now: datetime | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> User:
    """Give a signed-in wallet account its username (and optional email, bio, image).

    Guarantees: the username obeys the rules (format, not reserved), the bio and image
    theirs (``accounts.profile_values``, else ``ProfileValueInvalid``); an account registers
    once (else ``AlreadyRegistered``); a name is held by one account, without regard to
    case, as decided by the database's unique index, so of concurrent requests for one name
    exactly one succeeds and the others get ``UsernameTaken``. Nothing else is written but
    the ``user.registered`` audit event, in the same transaction.
    """
    now = now or timezone.now()
    _username_check(username)
    _profile_values_check(bio=bio, profile_image=profile_image)
    try:
        with transaction.atomic():
            locked = user_lock(user)
            if locked.is_registered:
                raise AlreadyRegistered()
            locked.username = username
            locked.email = User.objects.normalize_email(email)
            locked.bio = bio
            locked.profile_image = profile_image
            locked.username_changed_at = now
            locked.save(
                update_fields=[
                    "username",
                    "email",
                    "bio",
                    "profile_image",
                    "username_changed_at",
                    "updated_at",
                ]
            )
            sign_in_cache.account_changed(locked.pk)
            event_record(type=EventType.USER_REGISTERED, subject=locked)
            audit_record(
                action=AuditAction.USER_REGISTERED,
                actor=locked,
                subject=locked,
                ip_address=ip_address,
                user_agent=user_agent,
                detail={"username": username},
            )
    except IntegrityError:
        raise UsernameTaken() from None
    return locked


def profile_update(
    *,
    user: User,
    username: str = UNSET,
    email: str | None = UNSET,
    bio: str | None = UNSET,
    profile_image: str | None = UNSET,
    now: datetime | None = None,
) -> User:
    """Change the given editable fields of the caller's own profile, and only those.

    A new username obeys the registration rules and the change cooldown (else
    ``UsernameChangeTooSoon``, saying when the next change is possible); a name held by
    another account is ``UsernameTaken``, decided by the database. A bio or image given obeys
    the rules of ``accounts.profile_values`` (else ``ProfileValueInvalid``), changed or not.
    """
    now = now or timezone.now()
    _profile_values_check(
        bio=None if bio is UNSET else bio,
        profile_image=None if profile_image is UNSET else profile_image,
    )
    changed: list[str] = []
    try:
        with transaction.atomic():
            locked = user_lock(user)
            if username is not UNSET and username != locked.username:
                _username_check(username)
                next_change = username_next_change_at(user=locked)
                if next_change is not None and now < next_change:
                    raise UsernameChangeTooSoon(
                        "Username was changed recently; the next change is possible after "
                        f"{next_change.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
                    )
                locked.username = username
                locked.username_changed_at = now
                changed += ["username", "username_changed_at"]
            if email is not UNSET:
                locked.email = User.objects.normalize_email(email or "")
                changed.append("email")
            if bio is not UNSET:
                locked.bio = bio or ""
                changed.append("bio")
            if profile_image is not UNSET:
                locked.profile_image = profile_image or None
                changed.append("profile_image")
            if changed:
                locked.save(update_fields=[*changed, "updated_at"])
                sign_in_cache.account_changed(locked.pk)
                user_updated_record(user=locked, fields=changed, via="api")
    except IntegrityError:
        raise UsernameTaken() from None
    return locked


def user_updated_record(*, user: User, fields: list[str], via: str) -> None:
    """Record ``user.updated``: which of the account's fields changed (their names, never
    their values: an email address stays out), and who changed them ("api" or "staff")."""
    event_record(
        type=EventType.USER_UPDATED,
        subject=user,
        facts={"changedFields": sorted(fields), "via": via},
    )


def user_delete(*, user: User) -> None:
    """Delete the account and its personal data; its sign-ins go with it (those not yet
    ended are kept as ``DeletedSignIn`` rows for the revocation feed, without personal data).

    Every token of the account is refused from the next request on, since authentication
    reads the sign-in row. The last super-admin cannot delete itself (``LastSuperAdmin``).
    The audit trail keeps the account's events and its uuid: ``user.deleted`` is recorded
    (with no client address or user agent: they would be personal data of the deleted
    account), then every event of the account is scrubbed of its address, IP addresses and
    user agents (``audit_scrub_user``), all in the deletion's transaction.
    """
    with transaction.atomic():
        if is_super_admin(user):
            # Lock every super-admin, in one order, before counting them, so that two
            # super-admins deleting themselves at once cannot both pass the check.
            holders = list(
                super_admins().select_for_update().order_by("pk").values_list("pk", flat=True)
            )
            if holders == [user.pk]:
                raise LastSuperAdmin()
        locked = user_lock(user)
        audit_record(action=AuditAction.USER_DELETED, actor=locked, subject=locked)
        # Before the rows go: the last profile, and the sessions that end with the account.
        live = SignIn.objects.filter(
            user_id=locked.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("pk", flat=True)
        events_record(
            [
                *(
                    NewEvent(
                        type=EventType.SESSION_REVOKED,
                        subject=locked,
                        facts={"sessionId": str(pk), "reason": SessionRevokedReason.DELETION},
                    )
                    for pk in live
                ),
                NewEvent(type=EventType.USER_DELETED, subject=locked),
            ]
        )
        # Before the rows go: the scrub finds failed sign-ins by the account's wallets.
        audit_scrub_user(locked.pk)
        # The sign-ins go with the account; the revocation feed keeps those not yet ended.
        deleted_account_sign_ins_keep(user_id=locked.pk, now=timezone.now())
        sign_in_cache.account_changed(locked.pk)  # before delete(), which clears the pk
        locked.delete()
