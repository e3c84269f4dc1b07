from django import forms
from django.utils.translation import gettext_lazy as _

from ukeoi.payouts.enums import PayoutMode


class PayoutModeForm(forms.Form):
    """M4: automatic payout at each close, or keep the balance."""

    mode = forms.ChoiceField(
        label=_("Payout mode"),
        choices=PayoutMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Automatic: the whole balance is transferred at each close once every condition "
            "holds. Keep the balance: nothing is transferred until you switch back."
        ),
    )
