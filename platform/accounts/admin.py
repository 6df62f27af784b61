from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.addresses import InvalidAddress, normalize_address
from accounts.models import User


class UserAddForm(forms.ModelForm[User]):
    """Adding a user in the admin takes a wallet address; wallet users have no password."""

    class Meta:
        model = User
        fields = ["address", "display_name", "is_staff"]

    def clean_address(self) -> str:
        try:
            address = normalize_address(self.cleaned_data["address"])
        except InvalidAddress as exc:
            raise forms.ValidationError(str(exc)) from exc
        if User.objects.filter(address=address).exists():
            raise forms.ValidationError("A user with this wallet address exists already.")
        return address

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["-date_joined"]
    list_display = ["address", "display_name", "email", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["address", "display_name", "email"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("address", "password")}),
        ("Profile", {"fields": ("display_name", "email", "avatar_color")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("address", "display_name", "is_staff")}),)
    add_form = UserAddForm
