"""Forms of the money pages. They parse input (token symbols -> Token rows, amounts
in token units -> integer base units, one link per line -> a list) and nothing else:
the rules (required notes, limits, balances, who may act) are the services', whose
``DomainError`` is attached back to the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from wallets.amounts import MAX_BASE_UNITS, AmountError, parse_amount
from wallets.escrow import MAX_LINKS
from wallets.models import Token


def _amount_input(placeholder: str = "100") -> forms.TextInput:
    attrs = {"inputmode": "decimal", "autocomplete": "off"}
    return forms.TextInput(attrs={**attrs, "placeholder": placeholder} if placeholder else attrs)


def _text(label: str, *, rows: int = 4, help_text: str = "", required: bool = False) -> forms.CharField:
    # Not required here: the service says what is missing, in its own words.
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _parse(token: Token, text: str, *, allow_zero: bool = False) -> int:
    try:
        return parse_amount(text, token.decimals, allow_zero=allow_zero)
    except AmountError as exc:
        raise forms.ValidationError(str(exc), code="invalid_amount") from exc


class ConfirmForm(forms.Form):
    """A confirmation without inputs: it carries the service's refusal, if any."""


class AcceptOfferForm(forms.Form):
    """Accepting a partial offer. It carries, hidden, the offer the page showed
    (base units as a string of digits; ``cleaned_data["offer"]`` is an int), so the
    service can refuse an offer the client changed since (``offer_changed``)."""

    offer = forms.CharField(required=False, max_length=len(str(MAX_BASE_UNITS)), widget=forms.HiddenInput)

    @classmethod
    def showing(cls, offer: int, *, error: str) -> AcceptOfferForm:
        """A form carrying ``offer`` (the offer as it is now) with ``error`` on top:
        the page again after the offer changed under the contributor."""
        form = cls({"offer": str(offer)})
        form.is_valid()
        form.add_error(None, forms.ValidationError(error, code="offer_changed"))
        return form

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("offer") or ""
        # ASCII digits only: str.isdigit() alone accepts "²", which int() refuses.
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_BASE_UNITS:
            # The field is hidden, so its error is the form's: only a stale or
            # tampered page gets here.
            raise forms.ValidationError(
                "This page does not say which offer you accept. Open the milestone again and accept from there.",
                code="invalid_offer",
            )
        data["offer"] = int(text)
        return data


class _TokenAmountForm(forms.Form):
    """A token picked from a list and an amount in its units (``cleaned_data["amount"]``
    is base units of that token)."""

    token = forms.ModelChoiceField(queryset=Token.objects.none(), to_field_name="symbol", empty_label=None)
    amount = forms.CharField(label="Amount", max_length=100, widget=_amount_input())

    def __init__(self, *args: Any, tokens: QuerySet[Token], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        token_field = self.fields["token"]
        assert isinstance(token_field, forms.ModelChoiceField)
        token_field.queryset = tokens

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token = data.get("token")
        if isinstance(token, Token) and "amount" in data:
            try:
                data["amount"] = _parse(token, data["amount"])
            except forms.ValidationError as error:
                self.add_error("amount", error)
        return data


class WithdrawForm(_TokenAmountForm):
    to_address = forms.CharField(
        label="Destination address",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "mono"}),
        help_text="An Ethereum address you control. Empty: the address you signed in with.",
    )
    field_order = ["token", "amount", "to_address"]


class FaucetForm(_TokenAmountForm):
    pass


class SubmissionForm(forms.Form):
    note = _text(
        "What you delivered", rows=6, help_text="What is done, how to check it, anything the client should know."
    )
    links = _text(
        "Links",
        rows=4,
        help_text=f"Up to {MAX_LINKS} web addresses (a repository, a demo, a report), one per line.",
    )

    def link_list(self) -> list[str]:
        text: str = self.cleaned_data.get("links", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class FeedbackForm(forms.Form):
    feedback = _text("What should change", rows=6, help_text="Be specific: the contributor works from this.")


class PartialApprovalForm(forms.Form):
    amount = forms.CharField(label="Amount to release", max_length=100, widget=_amount_input())
    note = _text("Reason", rows=4, help_text="Why part, not all: the contributor reads this before deciding.")

    def __init__(self, *args: Any, token: Token, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = token
        self.fields["amount"].help_text = f"In {token.symbol}, before the fee (up to {token.decimals} decimal places)."

    def clean_amount(self) -> int:
        return _parse(self.token, self.cleaned_data["amount"])


class RefundForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the contributor.",
    )


class DisputeForm(forms.Form):
    reason = _text(
        "Why you are opening a dispute",
        rows=6,
        help_text="What was agreed, what happened, and what you think is fair. The arbiter and the other side read it.",
    )


class ResolveForm(forms.Form):
    """An arbiter's split of the hold: two amounts in token units that must add up
    to what is held (checked here for the confirmation, and again by the service)."""

    # No placeholder: a greyed-out number would read as a suggested split.
    to_contributor = forms.CharField(label="To the contributor", max_length=100, widget=_amount_input(""))
    to_client = forms.CharField(label="Back to the client", max_length=100, widget=_amount_input(""))
    resolution = forms.CharField(
        label="Reasoning",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to both sides with the decision.",
        # Asked here, not only by the service: the confirmation page should not
        # be reached without it.
        error_messages={"required": "Write the reasoning of the decision: both sides read it."},
    )

    def __init__(self, *args: Any, token: Token, hold: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = token
        self.hold = hold
        units = f"In {token.symbol} (0 for nothing)."
        self.fields["to_contributor"].help_text = f"{units} The platform fee is taken from this part."
        self.fields["to_client"].help_text = units

    def clean_to_contributor(self) -> int:
        return _parse(self.token, self.cleaned_data["to_contributor"], allow_zero=True)

    def clean_to_client(self) -> int:
        return _parse(self.token, self.cleaned_data["to_client"], allow_zero=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        to_contributor, to_client = data.get("to_contributor"), data.get("to_client")
        if isinstance(to_contributor, int) and isinstance(to_client, int) and to_contributor + to_client != self.hold:
            self.add_error(
                "to_contributor",
                f"The two amounts must add up to the {self.token.humanize_exact(self.hold)} held; "
                f"they add up to {self.token.humanize_exact(to_contributor + to_client)}.",
            )
        return data
