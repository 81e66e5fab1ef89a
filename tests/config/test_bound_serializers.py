"""Bound serializers give exactly what the serializers themselves give."""

import pytest
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Role, User
from accounts.serializers import ProfileSerializer, PublicProfileSerializer
from config.bound_serializers import bound_representation, bound_validation
from signin.serializers import LoginInputSerializer, RefreshInputSerializer, SignInUserSerializer
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "serializer_class", [ProfileSerializer, PublicProfileSerializer, SignInUserSerializer]
)
def test_bound_representation_equals_the_serializer(serializer_class):
    users = [
        user_create_for_wallet(address=Wallet().address),
        User.objects.create(
            address=Wallet().address,
            username="alice",
            email="a@example.com",
            bio="gm",
            profile_image="https://example.com/a.png",
            role=Role.SUPER_ADMIN,
            last_login=timezone.now(),
        ),
    ]
    represent = bound_representation(serializer_class)
    for user in users:
        assert represent(user) == serializer_class(user).data


def test_nested_serializers_are_refused():
    class Nested(serializers.Serializer):
        user = SignInUserSerializer()

    with pytest.raises(TypeError, match="nests"):
        bound_representation(Nested)


_WALLET = Wallet()
_FORM_A = _WALLET.login_body()
_FORM_B = _WALLET.siws_body()
_BODIES = [
    _FORM_A,
    _FORM_B,
    {**_FORM_A, "wallet": _FORM_A["address"]},
    {"wallet": _FORM_A["address"], **{k: v for k, v in _FORM_A.items() if k != "address"}},
    {**_FORM_A, "wallet": Wallet().address},
    {**_FORM_A, "timestamp": str(_FORM_A["timestamp"])},
    {**_FORM_A, "timestamp": True},
    {**_FORM_A, "signature": "0OIl"},
    {**_FORM_A, "address": "a\x00b"},
    {**_FORM_B, "address": Wallet().address},
    {**_FORM_B, "message": "not a sign-in message"},
    {"refreshToken": "x" * 40},
    {"refreshToken": 12},
    {"refreshToken": ""},
    {"refreshToken": "a\nb"},
    {"unexpected": 1},
    {},
    None,
    [],
    [_FORM_A],
    "text",
    7,
]


def _outcome(validate, data):
    try:
        return "valid", validate(data)
    except serializers.ValidationError as exc:
        return "refused", exc.detail


@pytest.mark.parametrize("serializer_class", [LoginInputSerializer, RefreshInputSerializer])
@pytest.mark.parametrize("data", _BODIES)
def test_bound_validation_equals_the_serializer(serializer_class, data):
    def unbound(data):
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    assert _outcome(bound_validation(serializer_class), data) == _outcome(unbound, data)


def test_bound_validation_is_reused_across_calls():
    validate = bound_validation(LoginInputSerializer)
    with pytest.raises(serializers.ValidationError):
        validate({**_FORM_A, "signature": "0OIl"})
    # A refused body leaves nothing behind for the next one.
    assert validate(_FORM_A)["address"] == _FORM_A["address"]


def test_model_serializers_are_refused_for_validation():
    with pytest.raises(TypeError, match="ModelSerializer"):
        bound_validation(SignInUserSerializer)
