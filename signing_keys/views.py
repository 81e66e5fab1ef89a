"""``GET /.well-known/jwks.json``: the published public keys (RFC 7517)."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from signing_keys import key_set


class JwkSerializer(serializers.Serializer):
    kty = serializers.ChoiceField(choices=["EC", "OKP"])
    crv = serializers.ChoiceField(choices=["P-256", "Ed25519"])
    x = serializers.CharField()
    y = serializers.CharField(required=False, help_text="EC keys only")
    kid = serializers.CharField()
    alg = serializers.ChoiceField(choices=["ES256", "EdDSA"])
    use = serializers.ChoiceField(choices=["sig"])


class JwksSerializer(serializers.Serializer):
    keys = JwkSerializer(many=True)


class JwksApi(APIView):
    """The keys access tokens are verified with: the signing one, the next one (published
    before it signs) and retired ones until their last token expires; never a withdrawn
    one. Anonymous, rate limited per client address like any anonymous call; cacheable
    for ``JWKS_MAX_AGE_SECONDS``. Read from the process's key set (memory)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="jwks",
        summary="Public keys of access tokens (JWKS)",
        tags=["service"],
        responses={
            200: OpenApiResponse(
                JwksSerializer,
                "RFC 7517 key set; empty with JWT_ALGORITHM=HS256.",
                examples=[
                    OpenApiExample(
                        "ES256",
                        {
                            "keys": [
                                {
                                    "kty": "EC",
                                    "crv": "P-256",
                                    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                                    "kid": "9f2c4e1a7b3d5f60a8c2e4b6d1f3a5c7",
                                    "alg": "ES256",
                                    "use": "sig",
                                }
                            ]
                        },
                    )
                ],
            )
        },
    )
    def get(self, request: Request) -> Response:
        if settings.JWT_ALGORITHM == "HS256":
            keys: dict[str, list[dict[str, Any]]] = {"keys": []}
        else:
            # A key withdrawn elsewhere leaves the set at once, on Redis.
            key_set.key_sets.version_seen(key_set.version_read())
            keys = key_set.current().jwks()
        response = Response(keys)
        response["Cache-Control"] = f"public, max-age={settings.JWKS_MAX_AGE_SECONDS}"
        return response
