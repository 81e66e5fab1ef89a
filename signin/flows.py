"""``POST /auth/login`` as one call: validate the body, dispatch its form, sign in; a refused
attempt is logged for operators and audited, and every attempt counted for /metrics by its
outcome (``succeeded`` or the refusal's reason).

The view parses the request and answers; everything between is here, so the whole sign-in
can be exercised without HTTP.
"""

import logging
from datetime import datetime
from http import HTTPStatus
from typing import Any

from django.utils import timezone
from rest_framework import exceptions

from config.bound_serializers import bound_validation
from core.errors import ServiceError
from metrics.instruments import SIGN_IN_SUCCEEDED, sign_in_observed
from signin import services
from signin.serializers import LoginInputSerializer

logger = logging.getLogger("accounts.sign_in")

# Bound once (config/bound_serializers.py): the serializer documents the shape.
_login_input = bound_validation(LoginInputSerializer)

# The outcomes of refusals that carry no reason of their own (signin/exceptions.py's do).
INVALID_REQUEST = "invalid"
RATE_LIMITED = "rate_limited"
UNAVAILABLE = "unavailable"  # a backing service the sign-in needs did not answer (503)
OTHER = "other"


def login(
    *,
    body: Any,
    ip_address: str | None,
    user_agent: str,
    country: str | None = None,
    now: datetime | None = None,
) -> services.SignInResult:
    """Sign a wallet in from a ``POST /auth/login`` body, form A (timestamp) or B (SIWS).

    Raises DRF's ``ValidationError`` for a malformed body (400) and the sign-in's
    ``ServiceError`` otherwise (401, 403, 429); both are logged, and a refused proof is
    also audited (``sign_in.failed``) after its transaction has rolled back.
    """
    try:
        data = proof_input(body)
    except exceptions.ValidationError as exc:
        sign_in_observed(outcome=INVALID_REQUEST)
        _log_failure(exc, body=body, ip_address=ip_address)
        raise
    now = now or timezone.now()
    try:
        result = services.wallet_sign_in(
            proof=proof_from_input(data, now=now),
            ip_address=ip_address,
            user_agent=user_agent,
            country=country,
            now=now,
        )
    except ServiceError as exc:
        sign_in_observed(outcome=_refusal_reason(exc))
        services.sign_in_failure_record(
            address=data["siws"].address if "siws" in data else data["address"],
            reason=exc.message,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        _log_failure(exc, body=body, ip_address=ip_address)
        raise
    sign_in_observed(outcome=SIGN_IN_SUCCEEDED)
    return result


def proof_input(body: Any) -> dict[str, Any]:
    """A wallet proof's body, either form, validated as ``POST /auth/login``'s is: DRF's
    ``ValidationError`` (400) for a malformed one. For any flow a wallet proves itself to
    (signing in, linking)."""
    return _login_input(body)


def proof_from_input(
    data: dict[str, Any], *, now: datetime, purpose: services.ProofPurpose | None = None
) -> services.SignInProof:
    """The proof of a validated body (``proof_input``), its form dispatched, checked for
    ``purpose`` (None: signing in) and freshness at ``now``; ``SignInFailed`` otherwise."""
    if "siws" in data:
        return services.proof_from_siws(
            message=data["siws"],
            text=data["message"],
            signature=data["signature"],
            now=now,
            purpose=purpose,
        )
    return services.proof_from_timestamp(
        address=data["address"],
        public_key=data["public_key"],
        signature=data["signature"],
        timestamp_ms=data["timestamp"],
        now=now,
        purpose=purpose,
    )


def _refusal_reason(exc: ServiceError) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str):
        return reason
    return UNAVAILABLE if exc.status == HTTPStatus.SERVICE_UNAVAILABLE else OTHER


def _log_failure(exc: Exception, *, body: Any, ip_address: str | None) -> None:
    """The reason a sign-in failed, for operators; never the signature or a token."""
    if isinstance(exc, exceptions.ValidationError):
        reason = "invalid request: " + "; ".join(
            f"{field}: {', '.join(str(m) for m in messages)}"
            if isinstance(messages, list)
            else f"{field}: {messages}"
            for field, messages in (
                exc.detail.items() if isinstance(exc.detail, dict) else [("body", exc.detail)]
            )
        )
    else:
        reason = str(exc)
    address = body.get("address") if isinstance(body, dict) else None
    logger.warning(
        "sign-in failed: %s",
        reason,
        extra={
            "event": "sign_in_failed",
            "reason": reason,
            "status": int(getattr(exc, "status", getattr(exc, "status_code", 400))),
            "address": address if isinstance(address, str) and len(address) <= 64 else None,
            "client_ip": ip_address,
        },
    )
