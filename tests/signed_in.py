"""The API client of a signed-in wallet."""

from typing import Any

from rest_framework.test import APIClient


class SignedInClient(APIClient):
    """An ``APIClient`` sending a sign-in's access token; ``login_body``: its 201 body."""

    login_body: dict[str, Any]
