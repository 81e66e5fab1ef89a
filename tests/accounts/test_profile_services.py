"""Registration, profile updates and deletion, as services (no HTTP)."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts import exceptions, selectors, services
from accounts.models import Role, User
from signin.models import SignIn
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _registered(name: str, **fields) -> User:
    user = user_create_for_wallet(address=Wallet().address, **fields)
    return services.user_register(user=user, username=name, now=NOW)


def test_register_sets_fields_and_nothing_else(user):
    before = User.objects.get(pk=user.pk)
    result = services.user_register(
        user=user,
        username="Alice",
        email="Alice@EXAMPLE.com",
        bio="hi",
        profile_image="https://img.example/a.png",
        now=NOW,
    )
    stored = User.objects.get(pk=user.pk)
    assert result.pk == stored.pk
    assert (stored.username, stored.email, stored.bio) == ("Alice", "Alice@example.com", "hi")
    assert stored.profile_image == "https://img.example/a.png"
    assert stored.username_changed_at == NOW
    assert (stored.address, stored.role, stored.created_at) == (
        before.address,
        before.role,
        before.created_at,
    )


def test_register_twice_is_already_registered(user):
    services.user_register(user=user, username="alice", now=NOW)
    with pytest.raises(exceptions.AlreadyRegistered) as caught:
        services.user_register(user=user, username="bob", now=NOW)
    assert caught.value.status == 409
    assert User.objects.get(pk=user.pk).username == "alice"


def test_register_taken_name_in_other_case_is_conflict(user):
    _registered("Alice")
    with pytest.raises(exceptions.UsernameTaken) as caught:
        services.user_register(user=user, username="aLiCe", now=NOW)
    assert caught.value.status == 409
    assert User.objects.get(pk=user.pk).username is None


@pytest.mark.parametrize("name", ["admin", "Root", "no", "bad name"])
def test_register_refuses_reserved_or_malformed(user, name):
    with pytest.raises(exceptions.UsernameInvalid) as caught:
        services.user_register(user=user, username=name, now=NOW)
    assert caught.value.status == 400


@pytest.mark.parametrize("name", ["Admin_", "admin__", "__admin", "Super_Admin"])
def test_register_refuses_reserved_names_with_underscores(user, name):
    with pytest.raises(exceptions.UsernameInvalid, match="username is reserved"):
        services.user_register(user=user, username=name, now=NOW)
    assert User.objects.get(pk=user.pk).username is None


BAD_PROFILE_VALUES = [
    ({"bio": "gm \u202efun.pump"}, "bio must not contain"),
    ({"bio": "a\u200db"}, "bio must not contain"),
    ({"profile_image": "https://127.0.0.1/x"}, "profileImage must name a host, not an IP"),
    ({"profile_image": "https://user:pw@evil.com/a.png"}, "profileImage must not contain a user"),
    ({"profile_image": "https://0x7f.1/"}, "profileImage must name a host, not an IP"),
]


@pytest.mark.parametrize(("values", "message"), BAD_PROFILE_VALUES)
def test_register_refuses_bad_bio_or_image_and_writes_nothing(user, values, message):
    with pytest.raises(exceptions.ProfileValueInvalid, match=message) as caught:
        services.user_register(user=user, username="alice", now=NOW, **values)
    assert caught.value.status == 400
    stored = User.objects.get(pk=user.pk)
    assert (stored.username, stored.bio, stored.profile_image) == (None, "", None)


@pytest.mark.parametrize(("values", "message"), BAD_PROFILE_VALUES)
def test_update_refuses_bad_bio_or_image_and_writes_nothing(values, message):
    user = _registered("alice")
    services.profile_update(user=user, bio="gm", profile_image="https://img.example/a.png")
    with pytest.raises(exceptions.ProfileValueInvalid, match=message):
        services.profile_update(user=user, email="new@example.com", now=NOW, **values)
    stored = User.objects.get(pk=user.pk)
    assert (stored.email, stored.bio, stored.profile_image) == (
        "",
        "gm",
        "https://img.example/a.png",
    )


def test_update_changes_only_given_fields():
    user = _registered("alice")
    services.profile_update(user=user, bio="old", email="a@example.com", now=NOW)
    services.profile_update(user=user, bio="new", now=NOW)
    stored = User.objects.get(pk=user.pk)
    assert (stored.username, stored.bio, stored.email) == ("alice", "new", "a@example.com")


def test_update_clears_with_none():
    user = _registered("alice")
    services.profile_update(user=user, profile_image="https://x.example/i.png", now=NOW)
    services.profile_update(user=user, profile_image=None, email=None, bio=None, now=NOW)
    stored = User.objects.get(pk=user.pk)
    assert (stored.profile_image, stored.email, stored.bio) == (None, "", "")


def test_username_change_inside_cooldown_says_when(settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(days=7)
    user = _registered("alice")
    with pytest.raises(exceptions.UsernameChangeTooSoon) as caught:
        services.profile_update(user=user, username="alice2", now=NOW + timedelta(days=6))
    assert caught.value.status == 400
    assert "2026-01-08T12:00:00Z" in caught.value.message
    assert User.objects.get(pk=user.pk).username == "alice"


def test_username_change_after_cooldown(settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(days=7)
    user = _registered("alice")
    later = NOW + timedelta(days=7)
    services.profile_update(user=user, username="alice2", now=later)
    stored = User.objects.get(pk=user.pk)
    assert (stored.username, stored.username_changed_at) == ("alice2", later)


def test_cooldown_zero_disables_it(settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(0)
    user = _registered("alice")
    services.profile_update(user=user, username="alice2", now=NOW)
    services.profile_update(user=user, username="alice3", now=NOW)
    assert User.objects.get(pk=user.pk).username == "alice3"


def test_same_username_is_not_a_change(settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(days=7)
    user = _registered("alice")
    services.profile_update(user=user, username="alice", bio="b", now=NOW + timedelta(days=1))
    assert User.objects.get(pk=user.pk).username_changed_at == NOW


def test_update_to_taken_name_is_conflict(settings):
    settings.USERNAME_CHANGE_COOLDOWN = timedelta(0)
    _registered("bob")
    user = _registered("alice")
    with pytest.raises(exceptions.UsernameTaken):
        services.profile_update(user=user, username="BOB", now=NOW)


def test_update_to_reserved_name_is_refused():
    user = _registered("alice")
    with pytest.raises(exceptions.UsernameInvalid):
        services.profile_update(user=user, username="Admin", now=NOW + timedelta(days=365))


def test_delete_removes_account_and_sign_ins(user):
    SignIn.objects.create(user=user, refresh_jti="x", ip_address="203.0.113.9", user_agent="ua")
    services.user_delete(user=user)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not SignIn.objects.filter(user_id=user.pk).exists()


def test_last_super_admin_cannot_delete_itself(super_admin):
    with pytest.raises(exceptions.LastSuperAdmin) as caught:
        services.user_delete(user=super_admin)
    assert caught.value.status == 409
    assert User.objects.filter(pk=super_admin.pk).exists()


def test_banned_super_admin_does_not_count_as_another(super_admin):
    user_create_for_wallet(address=Wallet().address, role=Role.SUPER_ADMIN, is_banned=True)
    with pytest.raises(exceptions.LastSuperAdmin):
        services.user_delete(user=super_admin)


def test_a_super_admin_may_delete_itself_when_another_remains(super_admin):
    user_create_for_wallet(address=Wallet().address, role=Role.SUPER_ADMIN)
    services.user_delete(user=super_admin)
    assert not User.objects.filter(pk=super_admin.pk).exists()


def test_admin_may_delete_itself(admin_user):
    services.user_delete(user=admin_user)
    assert not User.objects.filter(pk=admin_user.pk).exists()


def test_public_lookup_by_id_and_address(user):
    assert selectors.user_get_public(identifier=str(user.pk)) == user
    assert selectors.user_get_public(identifier=user.address) == user


@pytest.mark.parametrize(
    "identifier", ["nope", "0" * 36, "12345678-1234-1234-1234-123456789012", "x" * 500]
)
def test_public_lookup_unknown_or_malformed(identifier, user):
    with pytest.raises(exceptions.UserNotFound):
        selectors.user_get_public(identifier=identifier)


def test_public_lookup_of_unknown_valid_address(db):
    with pytest.raises(exceptions.UserNotFound):
        selectors.user_get_public(identifier=Wallet().address)


@pytest.mark.parametrize(
    "flow",
    [
        lambda user: services.profile_update(user=user, bio="late"),
        lambda user: services.user_register(user=user, username="late_name"),
        lambda user: services.user_delete(user=user),
    ],
)
def test_flows_on_an_account_deleted_mid_request_are_401(flow, user):
    # Authenticated, then the account is deleted by a concurrent request (schemathesis
    # found this as a 404): the token's account no longer exists, so 401.
    User.objects.filter(pk=user.pk).delete()
    with pytest.raises(exceptions.AccountGone) as raised:
        flow(user)
    assert raised.value.status == 401
