"""Errors of staff actions checked against ``permissions.rules``."""

from http import HTTPStatus

from core.errors import ServiceError


class NotAllowed(ServiceError):
    """A staff action the actor's role does not permit (``permissions.rules``)."""

    status = HTTPStatus.FORBIDDEN
    default_message = "You are not allowed to do that"


class InvalidRole(ServiceError):
    default_message = "Unknown role"
