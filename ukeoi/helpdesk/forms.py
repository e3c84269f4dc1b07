from django import forms
from django.utils.translation import gettext_lazy as _

from ukeoi.helpdesk.enums import InquiryCategory, QuestionCategory
from ukeoi.helpdesk.selectors import MAX_QUERY_LENGTH
from ukeoi.helpdesk.services import BODY_MAX, SUBJECT_MAX, TITLE_MAX

EMPTY_CHOICE = [("", "---------")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the FAQ"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. 退会, 提案 取り消し, パスワード")}
        ),
    )


class InquiryForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=EMPTY_CHOICE + list(InquiryCategory.choices)
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("While you type, we show FAQ articles that may already answer it."),
    )
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What happened, what you expected, and the job or contract concerned. "
            "Never write your password."
        ),
    )
    reply_email = forms.EmailField(
        label=_("Reply to this e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class QuestionForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=EMPTY_CHOICE + list(QuestionCategory.choices)
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Your question"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Everyone can read the consultation room. Do not write personal information "
            "such as your real name, address or bank account."
        ),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
