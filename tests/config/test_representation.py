"""Bound output serializers give exactly what the serializers themselves give."""

import pytest
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Role, User
from accounts.serializers import ProfileSerializer, PublicProfileSerializer, SignInUserSerializer
from config.representation import bound_representation
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "serializer_class", [ProfileSerializer, PublicProfileSerializer, SignInUserSerializer]
)
def test_bound_representation_equals_the_serializer(serializer_class):
    users = [
        User.objects.create(address=Wallet().address),
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
