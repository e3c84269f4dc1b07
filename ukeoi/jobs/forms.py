"""Browser forms of the jobs app. They parse input; the services decide (and say what is
wrong per field, which the views put next to the fields with `apply_error`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ukeoi.jobs import rules
from ukeoi.jobs.enums import JobCategory, JobFormat


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class JobSearchForm(forms.Form):
    q = forms.CharField(label=_("Keyword"), max_length=100, required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=_blank(_("All formats")) + JobFormat.choices, required=False
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=_blank(_("All categories")) + JobCategory.choices,
        required=False,
    )
    closed = forms.BooleanField(label=_("Include closed jobs"), required=False)


class YenField(forms.IntegerField):
    """Whole yen typed by a person: full-width digits and thousands separators are accepted."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
            value = value.replace(",", "").replace("，", "").replace("円", "").strip()
        return super().to_python(value)


class JobForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=JobFormat.choices,
        initial=JobFormat.PROJECT,
        widget=forms.RadioSelect,
        help_text=_(
            "Project: lancers propose and you pick one. Competition: lancers submit entries and "
            "you pick a winner; the prize is paid into escrow before it opens. Task: many small "
            "identical units, each approved and paid separately; the budget is paid first."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=rules.TITLE_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=rules.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=JobCategory.choices)
    budget_min = YenField(
        label=_("Budget (yen)"),
        required=False,
        help_text=_(
            "Project: the lower end of the budget, or the fixed amount. Competition: the prize."
        ),
    )
    budget_max = YenField(
        label=_("Budget up to (yen)"),
        required=False,
        help_text=_("Project only, optional. Leave empty for a fixed budget."),
    )
    unit_reward = YenField(label=_("Reward per unit (yen)"), required=False)
    units = forms.IntegerField(
        label=_("Number of units"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    withholding = forms.BooleanField(
        label=_("Withhold income tax from the rewards (源泉徴収)"),
        required=False,
        help_text=_(
            "Projects only. Check this if you must withhold: you run a business (a company, "
            "or a sole proprietor who pays salaries) and pay an individual for work such as "
            "design, writing, translation or illustration (所得税法 §204). 10.21 per cent of "
            "each accepted amount (20.42 per cent of the part above 1,000,000 yen) is then kept "
            "back from the lancer's reward, and you pay it to the tax office by the 10th of the "
            "next month."
        ),
    )
    deadline = forms.DateTimeField(
        label=_("Proposal deadline (募集期限)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Proposals are taken until then; at most 90 days ahead."),
    )


class ProposalForm(forms.Form):
    amount = YenField(label=_("Your price (yen)"))
    delivery_date = forms.DateField(
        label=_("Estimated delivery"), widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Message to the client"),
        max_length=rules.PROPOSAL_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, job_format: str = JobFormat.PROJECT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if job_format != JobFormat.PROJECT:
            # A competition entry carries the prize and has no delivery date.
            del self.fields["amount"]
            del self.fields["delivery_date"]
            self.fields["message"].label = _("Your entry")
            self.fields["message"].help_text = _(
                "Describe your work, or give a link to it (an image, a document)."
            )


class AppendNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Append note (追記)"),
        max_length=rules.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=rules.MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskUnitForm(forms.Form):
    content = forms.CharField(
        label=_("Your work for one unit"),
        max_length=rules.UNIT_CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
