"""Forms of the accounts pages."""

from __future__ import annotations

from django import forms

from accounts.addresses import InvalidAddress, normalize_address


class DevLoginForm(forms.Form):
    """Development sign-in: any wallet address, no signature (DEV_LOGIN_ENABLED only)."""

    address = forms.CharField(
        label="Wallet address",
        max_length=42,
        help_text="0x followed by 40 hex digits, any letter case. A new address creates a new user.",
        widget=forms.TextInput(
            attrs={"placeholder": "0x…", "autocomplete": "off", "spellcheck": "false", "class": "mono"}
        ),
    )

    def clean_address(self) -> str:
        """The EIP-55 form of the address typed."""
        try:
            return normalize_address(self.cleaned_data["address"])
        except InvalidAddress as exc:
            raise forms.ValidationError(str(exc), code="invalid_address") from exc
