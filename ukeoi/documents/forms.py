"""T4: the archive's search form (issue date range, amount range, counterparty, kind)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ukeoi.documents.models import DocumentKind


class DocumentSearchForm(forms.Form):
    issued_from = forms.DateField(
        label=_("Issued from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issued_to = forms.DateField(
        label=_("Issued until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_min = forms.IntegerField(
        label=_("Amount from (yen)"), required=False, min_value=0, max_value=10**12
    )
    amount_max = forms.IntegerField(
        label=_("Amount up to (yen)"), required=False, min_value=0, max_value=10**12
    )
    counterparty = forms.CharField(label=_("Counterparty"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *DocumentKind.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_from"), data.get("issued_to")
        if start and end and start > end:
            self.add_error("issued_to", _("The end of the period is before its start."))
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The upper amount is below the lower one."))
        data["counterparty"] = (data.get("counterparty") or "").strip()
        return data
