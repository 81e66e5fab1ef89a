"""The username rules, directly and as the database enforces them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.usernames import (
    USERNAME_FORMAT_MESSAGE,
    username_format_validator,
    username_problem,
)


@pytest.mark.parametrize("name", ["abc", "Alice_99", "_" * 3, "a" * 32, "ABC", "x_y_z"])
def test_good_names(name):
    assert username_problem(name) is None


@pytest.mark.parametrize(
    "name",
    # The last is three fullwidth digits: Unicode digits are not ASCII.
    ["ab", "a" * 33, "al ice", "alice!", "al-ice", "alicé", "abc\n", "", "\uff11\uff12\uff13"],
)
def test_bad_format(name):
    assert username_problem(name) == USERNAME_FORMAT_MESSAGE
    with pytest.raises(ValidationError):
        username_format_validator(name)


@pytest.mark.parametrize("name", ["admin", "ADMIN", "Root", "support", "SuPpOrT", "moderator"])
def test_reserved_in_any_case(name):
    assert username_problem(name) == "is reserved"


@pytest.mark.parametrize(
    "name",
    ["Admin_", "admin__", "__admin", "_ADMIN_", "a_d_m_i_n", "super_admin", "superadmin",
     "Super__Admin", "no_reply", "noreply", "pump_fun", "PumpFun", "_root", "m_e"],
)  # fmt: skip
def test_reserved_once_underscores_are_removed(name):
    assert username_problem(name) == "is reserved"


@pytest.mark.parametrize("name", ["admin1", "admins_club", "x_y_z", "roots", "___"])
def test_names_that_only_contain_a_reserved_one_are_free(name):
    assert username_problem(name) is None


def test_extra_reserved_names_from_settings(settings):
    settings.RESERVED_USERNAMES_EXTRA = ["Brand_Name"]
    assert username_problem("brandname") == "is reserved"
    assert username_problem("_BRAND_name_") == "is reserved"
    assert username_problem("brandname2") is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ab", "bad name", "abc\n", "é" * 5])
def test_database_refuses_a_bad_format(name):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(address="a" * 32, username=name)


@pytest.mark.django_db
def test_database_accepts_no_username():
    User.objects.create(address="a" * 32, username=None)
