"""The withdrawal form (W4, W5, W8) and the withdraw-when-clear form (W9)."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ukeoi.core.templatetags.ukeoi import yen
from ukeoi.withdrawal.enums import BalanceChoice, WithdrawalReason
from ukeoi.withdrawal.rules import COMMENTS_MAX, REASON_TEXT_MAX

KEEP, HIDE = "keep", "hide"
PROFILE_CHOICES = [
    (KEEP, _("Keep my public profile visible, marked as withdrawn (退会済み)")),
    (HIDE, _("Hide my public profile; show only “withdrawn user”")),
]


class _ReasonFields(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for withdrawing"),
        choices=WithdrawalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason for withdrawing.")},
    )
    reason_text = forms.CharField(
        label=_("Reason (details)"),
        required=False,
        max_length=REASON_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose “Other”."),
    )
    comments = forms.CharField(
        label=_("Other comments"),
        required=False,
        max_length=COMMENTS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    profile = forms.ChoiceField(
        label=_("Your public profile after withdrawal"),
        choices=PROFILE_CHOICES,
        initial=KEEP,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def service_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "reason_text": data.get("reason_text", ""),
            "comments": data.get("comments", ""),
            "keep_profile": data.get("profile", KEEP) != HIDE,
            "password": data["password"],
        }


class WithdrawalForm(_ReasonFields):
    """W4: reason, password, comments; W5: the consent only when there is a balance."""

    forfeit = forms.BooleanField(required=False)
    # The balance the user saw when consenting (W5, W6).
    forfeit_amount = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    field_order = ["reason", "reason_text", "comments", "forfeit", "profile", "password"]

    def __init__(self, *args: Any, balance: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if balance > 0:
            self.fields["forfeit"].label = _(
                "I agree to forfeit my reward balance of %(amount)s (報酬の破棄に同意)"
            ) % {"amount": yen(balance)}
            self.fields["forfeit"].help_text = _(
                "The balance is lost and cannot be paid out later. A balance below %(minimum)s "
                "cannot be paid out at all."
            ) % {"minimum": yen(settings.PAYOUT_MINIMUM)}
            self.initial.setdefault("forfeit_amount", balance)
        else:
            del self.fields["forfeit"]
            del self.fields["forfeit_amount"]

    def service_input(self) -> dict[str, Any]:
        data = super().service_input()
        data["forfeit"] = bool(self.cleaned_data.get("forfeit"))
        data["forfeit_amount"] = self.cleaned_data.get("forfeit_amount")
        return data


class ChoicesWithDisabled(forms.RadioSelect):
    """Radio buttons some of which are shown but cannot be chosen (`disabled_values`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disabled_values: set[str] = set()

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class WhenClearForm(_ReasonFields):
    """W9: the same questions, and what happens to the balance. Without a balance there is
    nothing to choose; a final payout that is not possible (`final_payout_unavailable`: the
    reasons) is shown disabled."""

    balance_choice = forms.ChoiceField(
        label=_("Your reward balance"),
        choices=BalanceChoice.choices,
        initial=BalanceChoice.FORFEIT,
        widget=ChoicesWithDisabled,
    )

    field_order = ["reason", "reason_text", "comments", "balance_choice", "profile", "password"]

    def __init__(
        self,
        *args: Any,
        balance: int | None = None,
        final_payout_unavailable: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.final_payout_unavailable = final_payout_unavailable
        field = self.fields["balance_choice"]
        if balance == 0:
            field.required = False
            field.widget = forms.HiddenInput()
            self.initial["balance_choice"] = BalanceChoice.FORFEIT
        elif final_payout_unavailable:
            widget = field.widget
            assert isinstance(widget, ChoicesWithDisabled)
            widget.disabled_values = {BalanceChoice.FINAL_PAYOUT.value}

    def clean_balance_choice(self) -> str:
        """Without a balance nothing is paid out (an empty or absent choice is "forfeit")."""
        choice: str = self.cleaned_data.get("balance_choice") or BalanceChoice.FORFEIT
        return choice

    def service_input(self) -> dict[str, Any]:
        data = super().service_input()
        data["balance_choice"] = self.cleaned_data["balance_choice"]
        return data
