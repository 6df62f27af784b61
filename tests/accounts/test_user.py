"""accounts.User: identity is the EIP-55 wallet address."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from eth_utils import to_checksum_address

from accounts.addresses import InvalidAddress, is_checksummed, normalize_address
from accounts.models import AVATAR_COLORS, User
from tests.factories import UserFactory, account_for

pytestmark = pytest.mark.django_db

ADDRESS = account_for("user-test").address  # EIP-55 form
LOWER = ADDRESS.lower()
UPPER = "0x" + ADDRESS[2:].upper()

MALFORMED = [
    "",
    "   ",
    "0x123",
    LOWER[2:],  # no 0x
    "0X" + LOWER[2:],
    LOWER + "0",
    LOWER[:-1] + "g",
    "0x" + "z" * 40,
    LOWER + "\n0x",
    "0x" + "٣" * 40,
]


# --- addresses ----------------------------------------------------------------------


@pytest.mark.parametrize("given", [ADDRESS, LOWER, UPPER, f"  {LOWER}  "])
def test_normalize_address_gives_the_eip55_form(given: str) -> None:
    assert normalize_address(given) == ADDRESS == to_checksum_address(LOWER)


@pytest.mark.parametrize("given", MALFORMED)
def test_normalize_address_refuses_what_is_not_an_address(given: str) -> None:
    with pytest.raises(InvalidAddress, match="not an Ethereum address"):
        normalize_address(given)


def test_is_checksummed_is_true_only_for_the_exact_eip55_form() -> None:
    assert is_checksummed(ADDRESS)
    assert not is_checksummed(LOWER)
    assert not is_checksummed(UPPER)
    assert not is_checksummed("not an address")


# --- storage and lookup -------------------------------------------------------------


@pytest.mark.parametrize("given", [ADDRESS, LOWER, UPPER])
def test_create_user_stores_the_address_checksummed_whatever_its_case(given: str) -> None:
    user = User.objects.create_user(given)
    assert User.objects.get(pk=user.pk).address == ADDRESS


@pytest.mark.parametrize("given", [LOWER, UPPER])
def test_save_stores_the_address_checksummed_whoever_writes_it(given: str) -> None:
    user = User(address=given)
    user.save()
    assert User.objects.get(pk=user.pk).address == ADDRESS


@pytest.mark.parametrize("second", [ADDRESS, LOWER, UPPER])
def test_an_address_is_unique_regardless_of_case(second: str) -> None:
    User.objects.create_user(LOWER)
    with pytest.raises(ValidationError) as excinfo:
        User.objects.create_user(second)
    assert "address" in excinfo.value.message_dict or "__all__" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(address=second)
    assert User.objects.count() == 1


def test_the_database_refuses_the_same_address_in_another_case() -> None:
    # bulk_create skips save(), so only the functional unique index on lower(address) stands in the way.
    User.objects.bulk_create([User(address=ADDRESS)])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(address=LOWER)])
    assert User.objects.count() == 1


@pytest.mark.parametrize("lookup", [ADDRESS, LOWER, UPPER, f" {UPPER} "])
def test_get_by_address_is_case_insensitive(lookup: str) -> None:
    user = User.objects.create_user(LOWER)
    assert User.objects.get_by_address(lookup) == user
    assert User.objects.get_by_natural_key(lookup) == user


def test_get_by_address_raises_does_not_exist_for_an_unknown_or_malformed_address() -> None:
    User.objects.create_user(ADDRESS)
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_address(account_for("somebody-else").address)
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_address("0x123")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(None)


@pytest.mark.parametrize("given", MALFORMED)
def test_create_user_refuses_a_malformed_address(given: str) -> None:
    with pytest.raises(InvalidAddress):
        User.objects.create_user(given)
    assert not User.objects.exists()


@pytest.mark.parametrize("given", ["0x123", "bob.eth", "0x" + "g" * 40])
def test_model_validation_refuses_a_malformed_address(given: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        User(address=given).full_clean(exclude=["password"])
    assert excinfo.value.error_dict["address"][0].code == "invalid_address"


def test_saving_a_malformed_address_is_refused() -> None:
    with pytest.raises(InvalidAddress):
        User(address="0x123").save()
    assert not User.objects.exists()


# --- passwords ----------------------------------------------------------------------


def test_a_wallet_user_has_no_usable_password() -> None:
    user = User.objects.create_user(ADDRESS)
    assert not user.has_usable_password()
    assert not user.is_staff
    assert not user.is_superuser
    assert authenticate(username=ADDRESS, password="") is None


def test_create_superuser_has_a_usable_password_and_staff_rights() -> None:
    user = User.objects.create_superuser(LOWER, password="correct horse battery staple")
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.check_password("correct horse battery staple")
    assert user.is_staff
    assert user.is_superuser
    assert user.address == ADDRESS
    # The admin signs in with the address in any case.
    assert authenticate(username=UPPER, password="correct horse battery staple") == user
    assert authenticate(username=ADDRESS, password="wrong") is None


# --- display ------------------------------------------------------------------------


def test_name_and_short_address_without_a_display_name() -> None:
    user = UserFactory(persona="anon", display_name="")
    assert user.short_address == f"{user.address[:6]}…{user.address[-4:]}"
    assert len(user.short_address) == 11
    assert user.name == user.short_address
    assert str(user) == user.short_address
    assert user.get_full_name() == user.get_short_name() == user.short_address


def test_name_is_the_display_name_when_set() -> None:
    user = UserFactory(persona="ada", display_name="Ada Lovelace")
    assert user.name == "Ada Lovelace"
    assert str(user) == "Ada Lovelace"


@pytest.mark.parametrize(
    ("display_name", "initials"),
    [("Ada Lovelace", "AL"), ("ada", "A"), ("Ada King Lovelace", "AK"), ("  bob   builder ", "BB")],
)
def test_initials_come_from_the_first_two_words_of_the_display_name(display_name: str, initials: str) -> None:
    assert UserFactory(persona="initials", display_name=display_name).initials == initials


def test_initials_come_from_the_address_without_a_display_name() -> None:
    user = UserFactory(persona="anon", display_name="")
    assert user.initials == user.address[2:4].upper()


def test_a_blank_display_name_falls_back_to_the_address() -> None:
    user = UserFactory(persona="blank", display_name="   ")
    assert user.name == user.short_address
    assert user.initials == user.address[2:4].upper()


def test_avatar_colour_is_stable_for_an_address_whatever_its_case() -> None:
    first = User.objects.create_user(LOWER)
    assert first.avatar_color in AVATAR_COLORS
    first.delete()
    assert User.objects.create_user(UPPER).avatar_color == first.avatar_color


def test_the_createsuperuser_command_makes_a_staff_user_with_a_usable_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    call_command("createsuperuser", interactive=False, address=LOWER, verbosity=0)
    user = User.objects.get_by_address(ADDRESS)
    assert user.address == ADDRESS
    assert user.is_staff
    assert user.is_superuser
    assert user.check_password("correct horse battery staple")


def test_the_createsuperuser_command_refuses_a_malformed_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    with pytest.raises(CommandError, match="Ethereum address"):
        call_command("createsuperuser", interactive=False, address="0x123", verbosity=0)
    assert not User.objects.exists()
