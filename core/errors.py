"""The domain's base error: every app's flows raise subclasses of it, and ``config.errors``
maps any of them to the contract's JSON error shape with its status."""

from http import HTTPStatus


class ServiceError(Exception):
    status = HTTPStatus.BAD_REQUEST
    default_message = "Bad request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)
