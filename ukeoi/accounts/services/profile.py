"""Registration, display name, profile, e-mail address and language of an account
(A1, A3, A5, A7)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import (
    Language,
)
from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import (
    PreviousEmail,
    Profile,
    User,
)
from ukeoi.accounts.retired import is_email_retired, is_username_retired
from ukeoi.accounts.services._common import EMAIL_MAX, _check_display_name, _messages, _others
from ukeoi.accounts.validators import (
    normalize_email,
    normalize_kana,
    normalize_postal_code,
    username_validator,
    validate_katakana,
)
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput
from ukeoi.core.invoice_number import registration_number_clean
from ukeoi.core.mail import send_templated_mail

# L4: sent inside the registration's transaction once the account exists (kwargs: user).
# The consents to the terms and the privacy policy belong to the legal app, above accounts:
# it records the registrant's consent to the versions in force from here, so that accounts
# never imports it. A receiver that raises undoes the registration.
user_registered = Signal()

AGREE_TERMS_MESSAGE = _(
    "Please read the terms of use and the privacy policy and agree to them to register."
)


def _check_new_email(email: str, errors: dict[str, list[Any]], *, exclude_pk: int | None) -> str:
    """A3, A5: the address in its normal form, refused when it is malformed, retired, or
    held by another account in any form that shares it (any case, full-width or not)."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as e:
        errors.setdefault("email", []).extend(_messages(e))
        return email
    if len(email) > EMAIL_MAX:
        errors.setdefault("email", []).append(
            _("Use at most %(max)d characters.") % {"max": EMAIL_MAX}
        )
        return email
    if is_email_retired(email):
        errors.setdefault("email", []).append(
            _(
                "This e-mail address belonged to a withdrawn account and cannot be "
                "registered again. Please use another address."
            )
        )
    elif _others(exclude_pk).filter(email=email).exists():
        errors.setdefault("email", []).append(
            _("An account with this e-mail address already exists.")
        )
    return email


def registration_errors(
    *, email: str, username: str, display_name: str, password: str
) -> dict[str, list[Any]]:
    """A1, A5: what is wrong with these registration details (empty when nothing is)."""
    errors: dict[str, list[Any]] = {}
    _check_new_email(email, errors, exclude_pk=None)
    try:
        username_validator(username)
    except ValidationError as e:
        errors.setdefault("username", []).extend(_messages(e))
    else:
        if is_username_retired(username):
            errors.setdefault("username", []).append(
                _("This username belonged to a withdrawn account and cannot be used again.")
            )
        elif User.objects.filter(username__iexact=username).exists():
            errors.setdefault("username", []).append(_("This username is already taken."))
    _check_display_name(display_name, errors)
    candidate = User(email=email, username=username, display_name=display_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as e:
        errors.setdefault("password", []).extend(_messages(e))
    return errors


def user_register(
    *,
    email: str,
    username: str,
    display_name: str,
    password: str,
    language: str = Language.JA,
    agree_terms: bool | None = None,
) -> User:
    """A1, A5: create an account. Refuses taken or retired e-mail addresses and usernames;
    the address is stored in its normal form.

    L4: the registrant agrees to the terms of use and the privacy policy in force: the
    caller asks (the API's `agree_terms`, the registration form's required box) and passes
    the answer; False refuses the registration with nothing created, True has the consent
    recorded by the receivers of `user_registered`. None: nobody was asked (an operator
    creating the account in the admin, the demo data): nothing is recorded, and the holder
    is asked to agree at the first sign-in."""
    email, username, display_name = normalize_email(email), username.strip(), display_name.strip()
    errors = registration_errors(
        email=email, username=username, display_name=display_name, password=password
    )
    if agree_terms is False:
        errors.setdefault("agree_terms", []).append(AGREE_TERMS_MESSAGE)
    if errors:
        raise InvalidInput.of(errors)
    if language not in Language.values:
        language = Language.JA
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                username=username,
                display_name=display_name,
                password=password,
                language=language,
            )
            Profile.objects.create(user=user)
            audit(
                actor=user,
                subject=user,
                action="account.registered",
                after={"username": user.username},
            )
            user_registered.send(sender=User, user=user, consented=agree_terms is True)
            send_templated_mail(
                to=user.email, template="welcome", context={"user": user}, language=language
            )
    except IntegrityError:
        # Lost a race with a registration of the same address or username.
        raise InvalidInput.of(
            {"email": [_("An account with this e-mail address or username already exists.")]}
        ) from None
    return user


def user_update_display_name(*, actor: User, display_name: str) -> User:
    """A1: the display name may change at any time; the username never does."""
    errors: dict[str, list[Any]] = {}
    display_name = _check_display_name(display_name, errors)
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        user = lock_users(actor.pk)[actor.pk]
        before = user.display_name
        if before != display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])
            audit(
                actor=actor,
                subject=user,
                action="account.display_name_changed",
                before={"display_name": before},
                after={"display_name": display_name},
            )
    return user


PROFILE_FIELDS = (
    "legal_name",
    "legal_name_kana",
    "birth_date",
    "postal_code",
    "prefecture",
    "city",
    "street",
    "building",
    "self_introduction",
    "invoice_registration_number",
)


@dataclass(frozen=True)
class ProfileInput:
    legal_name: str = ""
    legal_name_kana: str = ""
    birth_date: date | None = None
    postal_code: str = ""
    prefecture: str = ""
    city: str = ""
    street: str = ""
    building: str = ""
    self_introduction: str = ""
    invoice_registration_number: str = ""


def profile_update(*, actor: User, data: ProfileInput) -> Profile:
    """A7: personal data needed for payouts, validated and normalised."""
    from ukeoi.accounts.enums import Prefecture

    errors: dict[str, list[Any]] = {}
    values: dict[str, Any] = {f: getattr(data, f) for f in PROFILE_FIELDS}
    for name in PROFILE_FIELDS:
        if isinstance(values[name], str):
            values[name] = values[name].strip()
    if values["legal_name_kana"]:
        values["legal_name_kana"] = normalize_kana(values["legal_name_kana"])
        try:
            validate_katakana(values["legal_name_kana"])
        except ValidationError as e:
            errors["legal_name_kana"] = _messages(e)
    if values["postal_code"]:
        try:
            values["postal_code"] = normalize_postal_code(values["postal_code"])
        except ValidationError as e:
            errors["postal_code"] = _messages(e)
    if values["prefecture"] and values["prefecture"] not in Prefecture.values:
        errors["prefecture"] = [_("Choose a prefecture from the list.")]
    try:  # T1
        values["invoice_registration_number"] = registration_number_clean(
            values["invoice_registration_number"]
        )
    except ValidationError as e:
        errors["invoice_registration_number"] = _messages(e)
    birth = values["birth_date"]
    if birth is not None and not (date(1900, 1, 1) <= birth <= clock.today()):
        errors["birth_date"] = [_("Enter a real date of birth.")]
    limits = {f.name: f.max_length for f in Profile._meta.get_fields() if hasattr(f, "max_length")}
    for name, value in values.items():
        limit = limits.get(name)
        if isinstance(value, str) and limit and len(value) > limit and name not in errors:
            errors[name] = [_("Use at most %(max)d characters.") % {"max": limit}]
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        lock_users(actor.pk)
        profile, _created = Profile.objects.get_or_create(user=actor)
        before = {f: _jsonable(getattr(profile, f)) for f in PROFILE_FIELDS}
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
        after = {f: _jsonable(getattr(profile, f)) for f in PROFILE_FIELDS}
        changed = [f for f in PROFILE_FIELDS if before[f] != after[f]]
        if changed:
            # Personal data is not copied into the audit trail: only which fields changed.
            audit(actor=actor, subject=profile, action="profile.updated", after={"fields": changed})
    return profile


def account_patch(
    *, actor: User, display_name: str | None = None, profile_changes: dict[str, Any]
) -> None:
    """A1, A7: change the display name and the given profile fields only (a partial update,
    as PATCH /api/me sends it); null clears a field. All or nothing."""
    with transaction.atomic():
        if display_name is not None:
            user_update_display_name(actor=actor, display_name=display_name)
        if profile_changes:
            current, _created = Profile.objects.get_or_create(user=actor)
            values = {field: getattr(current, field) for field in PROFILE_FIELDS}
            for field, value in profile_changes.items():
                values[field] = "" if value is None and field != "birth_date" else value
            profile_update(actor=actor, data=ProfileInput(**values))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def account_email_change(*, actor: User, new_email: str, password: str) -> User:
    """Change the sign-in address; the current password confirms it. Both addresses are told."""
    errors: dict[str, list[Any]] = {}
    if not actor.check_password(password):
        errors["password"] = [_("The password is not correct.")]
    new_email = _check_new_email(new_email, errors, exclude_pk=actor.pk)
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        user = lock_users(actor.pk)[actor.pk]
        old_email = user.email
        if old_email == new_email:  # both in the normal form: the same address
            return user
        user.email = new_email
        user.save(update_fields=["email"])
        # A5, P3: the old address is kept with the account, to be retired at withdrawal.
        PreviousEmail.objects.update_or_create(
            user=user, email=old_email, defaults={"used_until": clock.now()}
        )
        audit(actor=actor, subject=user, action="account.email_changed")
        context = {"user": user, "new_email": user.email}
        for to in (old_email, user.email):
            send_templated_mail(
                to=to, template="email_changed", context=context, language=user.language
            )
    return user


def account_language_set(*, actor: User, language: str) -> User:
    if language not in Language.values:
        raise InvalidInput.of({"language": [_("Choose a language from the list.")]})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor
