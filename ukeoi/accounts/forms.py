from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import BankAccountType, DocumentType, Language, Prefecture
from ukeoi.accounts.fields import NormalEmailFormField
from ukeoi.accounts.models import User
from ukeoi.accounts.services.profile import AGREE_TERMS_MESSAGE
from ukeoi.accounts.validators import USERNAME_PATTERN, normalize_email
from ukeoi.core.mail import absolute_url, send_templated_mail


class RegisterForm(forms.Form):
    email = NormalEmailFormField(label=_("E-mail address"), max_length=254)
    username = forms.CharField(
        label=_("Username"),
        max_length=20,
        help_text=_(
            "3–20 characters: a–z, 0–9, “_” and “-”. It is private and can never be changed."
        ),
        widget=forms.TextInput(attrs={"pattern": USERNAME_PATTERN, "autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        help_text=_("Shown to other users. You can change it at any time."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # L4: registering requires consent to the terms and the privacy policy in force; the
    # template links both next to the box.
    agree_terms = forms.BooleanField(
        label=_("I agree to the terms of use and the privacy policy."),
        required=True,
        error_messages={"required": AGREE_TERMS_MESSAGE},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class SignInForm(AuthenticationForm):
    """A3: sign in with e-mail address and password."""

    username = NormalEmailFormField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or password is not correct. Please check both and try again."
        ),
        "withdrawn": _(
            "This account has been withdrawn (退会済み) and can no longer sign in. "
            "You can register again with a different e-mail address."
        ),
        "inactive": _("This account is suspended. Please contact the operators."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        if user.is_withdrawn:
            raise ValidationError(self.error_messages["withdrawn"], code="withdrawn")
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")


class PasswordResetRequestForm(PasswordResetForm):
    """A3: the reset page. The address is looked up in its normal form (A5), as at sign-in:
    an address typed with the IME in full-width mode reaches its account.

    Django makes the one-time token (and checks it on the confirm page); the mail goes
    through the outbox like every other mail (core.mail: kept until the SMTP server has
    taken it, retried, swept), and its link starts with SITE_URL, never with the Host
    header of the request that asked for it."""

    email = NormalEmailFormField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[Any]:
        """Active accounts (never a withdrawn one) whose address is this one, with a password."""
        users = User.objects.filter(email=normalize_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Called by `save()` once per account, with Django's uid and token in `context`.
        The mail is in the account's mail language, like every mail to it."""
        user = context["user"]
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        send_templated_mail(
            to=to_email,
            template="password_reset",
            context={"user": user, "reset_url": absolute_url(path)},
            language=user.language,
        )


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=40)


class ProfileForm(forms.Form):
    legal_name = forms.CharField(label=_("Full legal name"), max_length=60, required=False)
    legal_name_kana = forms.CharField(
        label=_("Reading (katakana)"),
        max_length=60,
        required=False,
        help_text=_("Full-width katakana, e.g. ヤマダ タロウ. Hiragana is converted."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=8, required=False)
    prefecture = forms.ChoiceField(
        label=_("Prefecture"),
        choices=[("", "---------"), *Prefecture.choices],
        required=False,
    )
    city = forms.CharField(label=_("City, ward, town"), max_length=60, required=False)
    street = forms.CharField(label=_("Street address"), max_length=100, required=False)
    building = forms.CharField(label=_("Building and room"), max_length=100, required=False)
    self_introduction = forms.CharField(
        label=_("Self-introduction"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    invoice_registration_number = forms.CharField(
        label=_("Invoice registration number (登録番号)"),
        max_length=30,
        required=False,
        help_text=_(
            "Only if you are a registered qualified invoice issuer (適格請求書発行事業者): T and "
            "13 digits. It is printed on the invoices issued for your rewards."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "T1234567890123"}),
    )


class PortfolioItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")
    # Checked (size, type by content) by the service.
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("A PNG, JPEG or GIF of up to 5 MB, shown on your public profile."),
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg,.gif"}),
    )


class EmailChangeForm(forms.Form):
    new_email = NormalEmailFormField(label=_("New e-mail address"), max_length=254)
    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language for mail"), choices=Language.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60)


class VerificationForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Identity document"), choices=DocumentType.choices)
    # A6: hashed with a key by the service and never stored.
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        help_text=_(
            "The number printed on the document. It is not stored: only a keyed hash of it "
            "is kept, so that ratings follow you if you ever withdraw and register again."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # Checked (size, type by content) by the service, which owns the rule.
    document = forms.FileField(
        label=_("Photo or scan of the document"),
        help_text=_(
            "A clear photo (JPEG, PNG) or a PDF scan, up to 10 MB, with the number and date "
            "of birth readable. Only the operators see it, and it is deleted once they decide."
        ),
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,.gif,.pdf"}),
    )


def user_initial(user: User) -> dict[str, Any]:
    profile = user.profile
    return {
        "legal_name": profile.legal_name,
        "legal_name_kana": profile.legal_name_kana,
        "birth_date": profile.birth_date,
        "postal_code": profile.postal_code,
        "prefecture": profile.prefecture,
        "city": profile.city,
        "street": profile.street,
        "building": profile.building,
        "self_introduction": profile.self_introduction,
        "invoice_registration_number": profile.invoice_registration_number,
    }


class BankAccountForm(forms.Form):
    """A7: bank and branch by code (found with the search above the form)."""

    bank_code = forms.CharField(label=_("Bank code"), max_length=4, help_text=_("4 digits"))
    branch_code = forms.CharField(
        label=_("Branch code"),
        max_length=3,
        required=False,
        help_text=_("3 digits. For ゆうちょ銀行 you may leave it empty and enter 記号/番号 below."),
    )
    account_type = forms.TypedChoiceField(
        label=_("Account type"), choices=BankAccountType.choices, coerce=int
    )
    number = forms.CharField(label=_("Account number"), max_length=7, required=False)
    kigo = forms.CharField(label=_("記号 (ゆうちょ銀行)"), max_length=5, required=False)
    bango = forms.CharField(label=_("番号 (ゆうちょ銀行)"), max_length=8, required=False)
    holder_name = forms.CharField(
        label=_("Account holder (katakana)"),
        max_length=60,
        help_text=_("As the bank has it, e.g. ヤマダ タロウ."),
    )
