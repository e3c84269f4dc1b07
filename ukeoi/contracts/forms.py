"""Browser forms of the contracts app. They parse input; the services decide (and say what
is wrong per field, which the views put next to the fields)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ukeoi.contracts import rules
from ukeoi.contracts.enums import ContractStatus, RatingValue
from ukeoi.core.errors import ApplicationError
from ukeoi.jobs.forms import YenField

ROLE_CHOICES = [("client", _("As client")), ("lancer", _("As lancer"))]


class ContractFilterForm(forms.Form):
    """My contracts: which side, which status (both optional; bad values are a 400)."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, required=False)
    status = forms.ChoiceField(choices=[("", ""), *ContractStatus.choices], required=False)


class MilestoneForm(forms.Form):
    """One milestone (計画) of a plan the client proposes. Every field may be empty here: an
    empty row is ignored, and the service says what a filled row lacks."""

    title = forms.CharField(
        label=_("Milestone"), max_length=rules.MILESTONE_TITLE_MAX, required=False
    )
    amount = YenField(label=_("Amount (yen, before fees)"), required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool(
            (data.get("title") or "").strip()
            or data.get("amount") is not None
            or data.get("due_date")
        )


class BaseMilestoneFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[MilestoneForm]:
        return [form for form in self.forms if form.is_filled()]

    def drafts(self) -> list[rules.MilestoneDraft]:
        return [
            rules.MilestoneDraft(
                title=form.cleaned_data.get("title") or "",
                amount=form.cleaned_data.get("amount"),
                due_date=form.cleaned_data.get("due_date"),
            )
            for form in self.filled_forms()
        ]

    def apply_error(self, error: ApplicationError) -> None:
        """The service names fields `milestones.<i>.<field>` (i counts the filled rows);
        put each message next to its row, the rest above the plan."""
        filled = self.filled_forms()
        loose: list[str] = []
        for name, messages in error.fields.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
                form = filled[int(parts[1])]
                for message in messages:
                    form.add_error(parts[2] if parts[2] in form.fields else None, message)
            else:
                loose += [str(m) for m in messages]
        if not error.fields:
            loose.append(str(error.message))
        if loose:
            self._non_form_errors = self.error_class([*self.non_form_errors(), *loose])


def milestone_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> Any:
    """The plan form: the milestones proposed so far and two empty rows to add more."""
    formset = forms.formset_factory(
        MilestoneForm,
        formset=BaseMilestoneFormSet,
        extra=2,
        max_num=rules.MAX_MILESTONES,
        validate_max=True,
    )
    return formset(data, initial=initial, prefix="plan")


class DeliveryForm(forms.Form):
    """納品: a note and/or a file."""

    body = forms.CharField(
        label=_("Delivery note"),
        max_length=rules.DELIVERY_BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you deliver, or where to find it. A note, a file, or both."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Write a delivery note or attach a file."))
        return data


class ChangeRequestForm(forms.Form):
    comment = forms.CharField(
        label=_("What should be changed (修正依頼)"),
        max_length=rules.CHANGE_REQUEST_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CancellationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=rules.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RatingForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Your rating"), choices=RatingValue.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=rules.RATING_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
