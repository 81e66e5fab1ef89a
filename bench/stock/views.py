"""A naive DRF wallet sign-in: a signature check and an access token, nothing more.

No replay protection (a signature can be used again within its window), no refresh
token, no sign-in record, no rate limit, no audit: the comparison point the issue names.
"""

import time

import base58
from django.contrib.auth.models import User
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

WINDOW_MS = 5 * 60 * 1000


class WalletLoginSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=64)
    signature = serializers.CharField(max_length=128)
    timestamp = serializers.IntegerField()


class WalletLogin(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = WalletLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if abs(time.time() * 1000 - data["timestamp"]) > WINDOW_MS:
            raise AuthenticationFailed("stale timestamp")
        message = f"Sign in to pump.fun: {data['timestamp']}".encode()
        try:
            VerifyKey(base58.b58decode(data["address"])).verify(
                message, base58.b58decode(data["signature"])
            )
        except (BadSignatureError, ValueError):
            raise AuthenticationFailed("bad signature") from None
        user, _ = User.objects.get_or_create(username=data["address"])
        return Response({"token": str(AccessToken.for_user(user))}, status=201)
