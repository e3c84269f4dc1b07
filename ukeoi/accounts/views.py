from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ukeoi.accounts import lockout, selectors, services
from ukeoi.accounts.enums import VerificationStatus
from ukeoi.accounts.forms import (
    BankAccountForm,
    DisplayNameForm,
    EmailChangeForm,
    LanguageForm,
    PasswordResetRequestForm,
    PortfolioItemForm,
    ProfileForm,
    RegisterForm,
    SignInForm,
    TokenForm,
    VerificationForm,
    user_initial,
)
from ukeoi.accounts.models import BankAccount, PortfolioItem, Profile, User
from ukeoi.accounts.signin_reasons import sign_in_reason
from ukeoi.core.errors import ApplicationError
from ukeoi.core.files import protected_file_response
from ukeoi.core.forms import InvalidIs400, apply_error


def _render(request: HttpRequest, template: str, context: dict, *, invalid: bool) -> HttpResponse:
    return render(request, template, context, status=400 if invalid else 200)


def register(request: HttpRequest) -> HttpResponse:
    """A1, A5: registration with e-mail, username, display name and password."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register(
                email=form.cleaned_data["email"],
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                language=request.LANGUAGE_CODE,
                agree_terms=form.cleaned_data["agree_terms"],
            )
        except ApplicationError as error:
            # The service checks "password"; the form calls that field "password1".
            if "password" in error.fields:
                error.fields["password1"] = error.fields.pop("password")
            apply_error(form, error)
        else:
            login(request, user, backend="ukeoi.accounts.backends.EmailBackend")
            messages.success(request, _("Welcome to ukeoi! Your account is ready."))
            return redirect("accounts:profile_edit")
    return _render(
        request, "accounts/register.html", {"form": form}, invalid=request.method == "POST"
    )


class SignInView(InvalidIs400, auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Issue 14 item 8: sent here by a page that needs sign-in, say which and why.
        context = super().get_context_data(**kwargs)
        context["sign_in_reason"] = sign_in_reason(self.get_redirect_url())
        return context


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been signed out."))
        return response


class PasswordChangeView(InvalidIs400, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(InvalidIs400, auth_views.PasswordResetView):
    """A3: the reset page. The form puts the mail in the outbox (mail/password_reset_*)."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Too many requests for one address from one client: say so, send nothing.
        email = form.cleaned_data["email"]
        if lockout.password_reset_locked(self.request, email):
            return lockout.locked_out_response(
                self.request, credentials={"username": lockout.PASSWORD_RESET_PREFIX + email}
            )
        lockout.password_reset_requested(self.request, email)
        return super().form_valid(form)


class PasswordResetConfirmView(InvalidIs400, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # an expired, used or forged link
        return response


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """A1, A7: display name (editable), personal data and self-introduction."""
    user = request.user
    assert isinstance(user, User)
    name_form = DisplayNameForm(initial={"display_name": user.display_name}, prefix="name")
    profile_form = ProfileForm(initial=user_initial(user), prefix="profile")
    portfolio_form = PortfolioItemForm(prefix="portfolio")
    invalid = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "display_name":
                name_form = DisplayNameForm(request.POST, prefix="name")
                if name_form.is_valid():
                    services.user_update_display_name(
                        actor=user, display_name=name_form.cleaned_data["display_name"]
                    )
                    messages.success(request, _("Your display name has been changed."))
                    return redirect("accounts:profile_edit")
            elif action == "profile":
                profile_form = ProfileForm(request.POST, prefix="profile")
                if profile_form.is_valid():
                    services.profile_update(
                        actor=user, data=services.ProfileInput(**profile_form.cleaned_data)
                    )
                    messages.success(request, _("Your profile has been saved."))
                    return redirect("accounts:profile_edit")
            elif action == "portfolio":
                portfolio_form = PortfolioItemForm(request.POST, request.FILES, prefix="portfolio")
                if portfolio_form.is_valid():
                    services.portfolio_item_add(actor=user, **portfolio_form.cleaned_data)
                    messages.success(request, _("The portfolio item has been added."))
                    return redirect("accounts:profile_edit")
        except ApplicationError as error:
            form = {"display_name": name_form, "profile": profile_form}.get(
                action or "", portfolio_form
            )
            apply_error(form, error)
        invalid = True
    return _render(
        request,
        "accounts/profile_edit.html",
        {
            "name_form": name_form,
            "profile_form": profile_form,
            "portfolio_form": portfolio_form,
            "portfolio_items": user.portfolio_items.all(),
        },
        invalid=invalid,
    )


@login_required
@require_POST
def portfolio_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        services.portfolio_item_delete(actor=request.user, item_id=item_id)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("accounts:profile_edit")
    messages.success(request, _("The portfolio item has been deleted."))
    return redirect("accounts:profile_edit")


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """ログイン情報変更: e-mail address, password, language, API tokens."""
    user = request.user
    assert isinstance(user, User)
    email_form = EmailChangeForm(prefix="email")
    language_form = LanguageForm(initial={"language": user.language}, prefix="lang")
    token_form = TokenForm(prefix="token")
    new_token = None
    invalid = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "email":
                email_form = EmailChangeForm(request.POST, prefix="email")
                if email_form.is_valid():
                    services.account_email_change(
                        actor=user,
                        new_email=email_form.cleaned_data["new_email"],
                        password=email_form.cleaned_data["password"],
                    )
                    messages.success(request, _("Your e-mail address has been changed."))
                    return redirect("accounts:settings")
            elif action == "language":
                language_form = LanguageForm(request.POST, prefix="lang")
                if language_form.is_valid():
                    services.account_language_set(
                        actor=user, language=language_form.cleaned_data["language"]
                    )
                    messages.success(request, _("Your mail language has been saved."))
                    return redirect("accounts:settings")
            elif action == "token":
                token_form = TokenForm(request.POST, prefix="token")
                if token_form.is_valid():
                    _token, new_token = services.api_token_create(
                        actor=user, name=token_form.cleaned_data["name"]
                    )
                    token_form = TokenForm(prefix="token")
        except ApplicationError as error:
            form = {"email": email_form, "language": language_form}.get(action or "", token_form)
            # The service checks "email"; the form calls that field "new_email".
            if "email" in error.fields:
                error.fields["new_email"] = error.fields.pop("email")
            apply_error(form, error)
        invalid = new_token is None
    return _render(
        request,
        "accounts/settings.html",
        {
            "email_form": email_form,
            "language_form": language_form,
            "token_form": token_form,
            "new_token": new_token,
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        },
        invalid=invalid,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(actor=request.user, token_id=token_id)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The token has been revoked."))
    return redirect("accounts:settings")


@login_required
def identity_verification(request: HttpRequest) -> HttpResponse:
    """A4: request identity verification and see its state."""
    user = request.user
    assert isinstance(user, User)
    birth_date = Profile.objects.filter(user=user).values_list("birth_date", flat=True).first()
    form = VerificationForm(
        request.POST or None, request.FILES or None, initial={"birth_date": birth_date}
    )
    invalid = False
    if request.method == "POST":
        if form.is_valid():
            try:
                services.identity_verification_request(
                    actor=user,
                    document_type=form.cleaned_data["document_type"],
                    document_number=form.cleaned_data["document_number"],
                    birth_date=form.cleaned_data["birth_date"],
                    document=form.cleaned_data["document"],
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Thank you. The operators will review your request."))
                return redirect("accounts:verification")
        invalid = True
    requests = user.identity_verifications.all()[:10]
    return _render(
        request,
        "accounts/verification.html",
        {
            "form": form,
            "requests": requests,
            "pending": any(r.status == VerificationStatus.PENDING for r in requests),
        },
        invalid=invalid,
    )


def public_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    """A2, A4: what other users see: display name, badge, introduction, portfolio."""
    subject = get_object_or_404(
        User.objects.select_related("profile").prefetch_related(
            Prefetch("portfolio_items", queryset=PortfolioItem.objects.order_by("-created_at"))
        ),
        pk=user_id,
    )
    return render(request, "accounts/public_profile.html", {"subject": subject})


def portfolio_image(request: HttpRequest, user_id: int, item_id: int) -> HttpResponseBase:
    """A portfolio image, to whoever may see the profile it is on; anything else is 404."""
    item = (
        PortfolioItem.objects.select_related("user")
        .filter(pk=item_id, user_id=user_id)
        .exclude(image="")
        .first()
    )
    return protected_file_response(
        request,
        item.image if item is not None else None,
        allowed=item is not None and item.user.profile_is_public,
        inline=True,
    )


@login_required
def bank_account(request: HttpRequest) -> HttpResponse:
    """A7: the account payouts go to, with bank and branch search by name or code."""
    user = request.user
    assert isinstance(user, User)
    current = BankAccount.objects.select_related("bank", "branch").filter(user=user).first()
    initial: dict[str, object] = {}
    if current is not None:
        initial = {
            "bank_code": current.bank.code,
            "branch_code": current.branch.code,
            "account_type": current.account_type,
            "number": current.number,
            "holder_name": current.holder_kana,
        }
    initial.update({k: v for k, v in request.GET.items() if k in ("bank_code", "branch_code")})
    form = BankAccountForm(request.POST or None, initial=initial)
    invalid = False
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                branch_code, number = data["branch_code"], data["number"]
                if data["bank_code"] == services.JAPAN_POST_BANK_CODE and data["kigo"]:
                    branch_code, number = services.japan_post_account(
                        kigo=data["kigo"], bango=data["bango"]
                    )
                services.bank_account_set(
                    actor=user,
                    bank_code=data["bank_code"],
                    branch_code=branch_code,
                    account_type=data["account_type"],
                    number=number,
                    holder_name=data["holder_name"],
                )
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Your bank account has been saved."))
                return redirect("accounts:bank_account")
        invalid = True
    bank_query = request.GET.get("bank_q", "")
    bank_code = request.GET.get("bank_code") or (current.bank.code if current else "")
    branch_query = request.GET.get("branch_q", "")
    return _render(
        request,
        "accounts/bank_account.html",
        {
            "form": form,
            "current": current,
            "bank_query": bank_query,
            "banks": selectors.bank_search(query=bank_query) if bank_query else [],
            "branch_query": branch_query,
            "search_bank_code": bank_code,
            "branches": (
                selectors.branch_search(bank_code=bank_code, query=branch_query)
                if bank_code and branch_query
                else []
            ),
        },
        invalid=invalid,
    )
