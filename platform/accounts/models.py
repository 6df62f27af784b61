"""The WorkWall user: identity is an Ethereum wallet address."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.addresses import InvalidAddress, normalize_address

AVATAR_COLORS = ["#4f46e5", "#0891b2", "#059669", "#d97706", "#dc2626", "#7c3aed", "#db2777", "#2563eb"]


def default_avatar_color(address: str) -> str:
    """A stable colour from the address, so a user looks the same everywhere."""
    digest = hashlib.sha256(address.lower().encode()).digest()
    return AVATAR_COLORS[digest[0] % len(AVATAR_COLORS)]


def validate_address(value: str) -> None:
    try:
        normalize_address(value)
    except InvalidAddress as exc:
        raise ValidationError(str(exc), code="invalid_address") from exc


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get_by_address(username or "")

    def get_by_address(self, address: str) -> User:
        """Case-insensitive lookup; raises User.DoesNotExist (also for a malformed address)."""
        try:
            checksummed = normalize_address(address)
        except InvalidAddress as exc:
            raise self.model.DoesNotExist(str(exc)) from exc
        return self.get(address=checksummed)

    def create_user(self, address: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(address=normalize_address(address), **extra)
        if password:
            user.set_password(password)
        else:
            # Wallet users sign in with signatures, never with a password.
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, address: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(address, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on WorkWall, identified by the EIP-55 form of their wallet address.

    The address is stored checksummed and is unique regardless of case (a
    functional unique index on ``lower(address)``). ``is_staff`` users are moderators.
    """

    address = models.CharField(
        "wallet address",
        max_length=42,
        unique=True,
        validators=[validate_address],
        help_text="EIP-55 checksummed Ethereum address.",
    )
    display_name = models.CharField(max_length=80, blank=True)
    email = models.EmailField(blank=True)
    avatar_color = models.CharField(max_length=7, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Moderators can use the admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "address"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("address"), name="accounts_user_address_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Normalising the identity on every save keeps the table canonical whoever
        # writes it (admin, shell, services); it is a representation, not a rule.
        self.address = normalize_address(self.address)
        if not self.avatar_color:
            self.avatar_color = default_avatar_color(self.address)
        super().save(*args, **kwargs)

    @property
    def short_address(self) -> str:
        return f"{self.address[:6]}…{self.address[-4:]}"

    @property
    def name(self) -> str:
        # A whitespace-only name (written outside user_update) would show as blank.
        return self.display_name.strip() or self.short_address

    @property
    def initials(self) -> str:
        parts = self.display_name.split()
        if parts:
            return "".join(p[0] for p in parts[:2]).upper()
        return self.address[2:4].upper()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketplace:user_detail", kwargs={"address": self.address})
