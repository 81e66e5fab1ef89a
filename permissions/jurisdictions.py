"""Staff flows on blocked jurisdictions: block, edit, unblock; the admin site and the
operator commands call these.

Like ``backoffice.moderation``, each flow takes the ``actor`` (a staff member, checked
against ``permissions.rules.can_edit_jurisdictions``; None for an operator's command) and
an ``Origin``, and writes its audit event in the same transaction as its change. The code
and reason are checked by the model's own field rules.
"""

from http import HTTPStatus

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from audit.models import AuditAction
from audit.services import COMMAND, Origin, audit_record
from core.errors import ServiceError
from events.models import EventType
from events.services import NewEvent, event_record, events_record
from permissions import rules
from permissions.exceptions import NotAllowed
from permissions.models import BlockedJurisdiction


class InvalidJurisdiction(ServiceError):
    default_message = "Invalid country code"


class NotBlocked(ServiceError):
    status = HTTPStatus.NOT_FOUND
    default_message = "That country is not blocked"


class JurisdictionConflict(ServiceError):
    status = HTTPStatus.CONFLICT
    default_message = "That country was changed at the same time; try again"


def country_code_normalize(code: str) -> str:
    """What staff type ("gb ") as the stored form ("GB"); not yet validated."""
    return (code or "").strip().upper()


def country_code_clean(code: str) -> str:
    """The normalized code, checked by the model field's own rules (before any query)."""
    code = country_code_normalize(code)
    try:
        return BlockedJurisdiction._meta.get_field("code").clean(code, None)
    except ValidationError as exc:
        raise InvalidJurisdiction(f"code: {' '.join(exc.messages)}") from None


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _require_edit(actor: User | None) -> None:
    if actor is not None and not rules.can_edit_jurisdictions(actor):
        raise NotAllowed("Only a super-admin can change blocked countries")


def _record(*, action: str, actor: User | None, origin: Origin, detail: dict[str, str]) -> None:
    audit_record(
        action=action,
        actor=actor,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
        detail={"via": origin.via, **detail},
    )


@transaction.atomic
def jurisdiction_save(
    *, actor: User | None, jurisdiction: BlockedJurisdiction, origin: Origin = COMMAND
) -> str:
    """Store a new or edited blocked country; returns "blocked", "updated" or "unchanged".

    The row is validated by the model's rules (ISO 3166-1 alpha-2 format, one row per
    code, reason length). An edit records the previous code and reason.
    """
    _require_edit(actor)
    jurisdiction.code = country_code_normalize(jurisdiction.code)
    jurisdiction.reason = (jurisdiction.reason or "").strip()
    try:
        jurisdiction.full_clean()
    except ValidationError as exc:
        raise InvalidJurisdiction(_validation_message(exc)) from None
    previous = None
    if jurisdiction.pk is not None:
        previous = (
            BlockedJurisdiction.objects.select_for_update()
            .filter(pk=jurisdiction.pk)
            .values("code", "reason")
            .first()
        )
        if previous is None:
            raise NotBlocked(f"{jurisdiction.code} is no longer blocked")
        if previous == {"code": jurisdiction.code, "reason": jurisdiction.reason}:
            return "unchanged"
    try:
        with transaction.atomic():
            jurisdiction.save()
    except IntegrityError:
        raise JurisdictionConflict() from None
    detail = {"code": jurisdiction.code, "reason": jurisdiction.reason}
    if previous is None:
        _record(action=AuditAction.JURISDICTION_BLOCKED, actor=actor, origin=origin, detail=detail)
        event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts=detail)
        return "blocked"
    if previous["code"] != jurisdiction.code:  # to the receivers, one unblocked, one blocked
        events_record(
            [
                NewEvent(
                    type=EventType.JURISDICTION_UNBLOCKED,
                    subject=None,
                    facts={"code": previous["code"]},
                ),
                NewEvent(type=EventType.JURISDICTION_BLOCKED, subject=None, facts=detail),
            ]
        )
    detail |= {"previousCode": previous["code"], "previousReason": previous["reason"]}
    _record(action=AuditAction.JURISDICTION_UPDATED, actor=actor, origin=origin, detail=detail)
    return "updated"


def jurisdiction_block(
    *, actor: User | None, code: str, reason: str = "", origin: Origin = COMMAND
) -> tuple[BlockedJurisdiction, str]:
    """Block a country, or set the reason of a blocked one; (row, "blocked"/"updated"/...).

    A malformed code is refused before any database work; the write is ``jurisdiction_save``'s
    transaction.
    """
    _require_edit(actor)
    code = country_code_clean(code)
    row = BlockedJurisdiction.objects.filter(code=code).first() or BlockedJurisdiction(code=code)
    row.reason = reason
    return row, jurisdiction_save(actor=actor, jurisdiction=row, origin=origin)


def jurisdiction_unblock(
    *, actor: User | None, code: str, origin: Origin = COMMAND
) -> BlockedJurisdiction:
    """Remove a country from the blocked list; ``NotBlocked`` when it is not on it."""
    _require_edit(actor)
    code = country_code_clean(code)  # before any database work
    with transaction.atomic():
        row = BlockedJurisdiction.objects.select_for_update().filter(code=code).first()
        if row is None:
            raise NotBlocked(f"{code} is not blocked")
        _record(
            action=AuditAction.JURISDICTION_UNBLOCKED,
            actor=actor,
            origin=origin,
            detail={"code": row.code, "reason": row.reason},
        )
        event_record(type=EventType.JURISDICTION_UNBLOCKED, subject=None, facts={"code": row.code})
        row.delete()
    return row
