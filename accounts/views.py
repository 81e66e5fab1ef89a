"""The profile and wallet endpoints: thin views around ``accounts.services``,
``accounts.wallets`` and ``accounts.selectors``."""

from typing import Any

from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services, wallets
from accounts.export import account_export
from accounts.models import User
from accounts.schema import (
    export_schema,
    my_profile_schema,
    register_schema,
    user_detail_schema,
    users_schema,
    wallet_detail_schema,
    wallet_primary_schema,
    wallets_schema,
)
from accounts.serializers import (
    ProfileSerializer,
    ProfileUpdateInputSerializer,
    PublicProfileSerializer,
    RegisterInputSerializer,
    WalletSerializer,
)
from config.bound_serializers import bound_representation
from config.client import client_ip
from config.ratelimit import RateLimit
from signin.authentication import signed_in
from signin.views import auth_cookie_clear, user_agent

# The hot paths' shapes, bound once (config/bound_serializers.py).
profile_body = bound_representation(ProfileSerializer)
public_profile_body = bound_representation(PublicProfileSerializer)


@my_profile_schema
class MyProfileApi(APIView):
    """``GET /auth/my-profile``: the caller's full profile."""

    def get(self, request: Request) -> Response:
        return Response(profile_body(request.user))


@register_schema
class UserRegisterApi(APIView):
    """``POST /users/register``: give the signed-in wallet account its username."""

    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(
            user=signed_in(request)[0],
            ip_address=client_ip(request),
            user_agent=user_agent(request),
            **serializer.validated_data,
        )
        return Response(profile_body(user), status=status.HTTP_201_CREATED)


@users_schema
class UsersApi(APIView):
    """``POST``/``PATCH /users``: update the caller's own profile; ``DELETE /users``: delete it."""

    def post(self, request: Request) -> Response:
        serializer = ProfileUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.profile_update(user=signed_in(request)[0], **serializer.validated_data)
        return Response(profile_body(user))

    def patch(self, request: Request) -> Response:
        return self.post(request)

    def delete(self, request: Request) -> Response:
        services.user_delete(user=signed_in(request)[0])
        response = Response({"message": "User deleted"})
        auth_cookie_clear(response)
        return response


@export_schema
class MyExportApi(APIView):
    """``GET /users/me/export``: everything the service keeps about the caller's account."""

    rate_limits = (RateLimit("account"), RateLimit("export"))

    def get(self, request: Request) -> Response:
        response = Response(account_export(user=signed_in(request)[0]))
        response["Content-Disposition"] = 'attachment; filename="account-export.json"'
        return response


@user_detail_schema
class UserDetailApi(APIView):
    """``GET /users/{id}``: the public profile of an account, by uuid or wallet address."""

    def get(self, request: Request, identifier: str) -> Response:
        user = selectors.user_get_public(identifier=identifier)
        return Response(public_profile_body(user))


def _wallets_body(user: User) -> Any:
    return WalletSerializer(selectors.wallets_list(user=user), many=True).data


@wallets_schema
class WalletsApi(APIView):
    """``GET /auth/wallets``: the caller's wallets; ``POST``: link another by its proof."""

    def get(self, request: Request) -> Response:
        return Response(_wallets_body(signed_in(request)[0]))

    def post(self, request: Request) -> Response:
        wallet = wallets.wallet_link_from_body(
            user=signed_in(request)[0],
            body=request.data,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        return Response(WalletSerializer(wallet).data, status=status.HTTP_201_CREATED)


@wallet_primary_schema
class WalletPrimaryApi(APIView):
    """``POST /auth/wallets/{address}/primary``: make one of the caller's wallets the primary."""

    def post(self, request: Request, address: str) -> Response:
        user = wallets.wallet_primary_set(
            user=signed_in(request)[0],
            address=address,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        return Response(_wallets_body(user))


@wallet_detail_schema
class WalletDetailApi(APIView):
    """``DELETE /auth/wallets/{address}``: unlink one of the caller's wallets."""

    def delete(self, request: Request, address: str) -> Response:
        user = signed_in(request)[0]
        wallets.wallet_unlink(
            user=user,
            address=address,
            ip_address=client_ip(request),
            user_agent=user_agent(request),
        )
        return Response(_wallets_body(user))
