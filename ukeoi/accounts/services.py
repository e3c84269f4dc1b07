"""Account use cases. Each is one transaction that validates, writes, audits and
sends mail after commit. Forms and the API both call these, so the rules live here once."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import (
    VERIFICATION_TRANSITIONS,
    AccountStatus,
    BankAccountType,
    DocumentType,
    Language,
    VerificationStatus,
)
from ukeoi.accounts.identity import identity_digest, normalize_document_number
from ukeoi.accounts.models import (
    IDENTITY_DOCUMENT_VALIDATORS,
    PORTFOLIO_IMAGE_VALIDATORS,
    ApiToken,
    Bank,
    BankAccount,
    IdentityVerification,
    PortfolioItem,
    PreviousEmail,
    Profile,
    User,
)
from ukeoi.accounts.retired import is_email_retired, is_username_retired
from ukeoi.accounts.validators import (
    normalize_email,
    normalize_kana,
    normalize_postal_code,
    username_validator,
    validate_katakana,
)
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, InvalidInput, NotAllowed, NotFound
from ukeoi.core.kana import ZenginError, to_zengin_kana
from ukeoi.core.mail import send_templated_mail
from ukeoi.core.validators import accepted_upload

DISPLAY_NAME_MAX = 40


def _messages(error: ValidationError) -> list[Any]:
    return list(error.messages)


def _check_display_name(display_name: str, errors: dict[str, list[Any]]) -> str:
    display_name = display_name.strip()
    if not display_name:
        errors.setdefault("display_name", []).append(_("Enter a display name."))
    elif len(display_name) > DISPLAY_NAME_MAX:
        errors.setdefault("display_name", []).append(
            _("Use at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
        )
    return display_name


def _others(exclude_pk: int | None) -> "QuerySet[User]":
    users = User.objects.all()
    return users if exclude_pk is None else users.exclude(pk=exclude_pk)


EMAIL_MAX = 254


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
) -> User:
    """A1, A5: create an account. Refuses taken or retired e-mail addresses and usernames;
    the address is stored in its normal form."""
    email, username, display_name = normalize_email(email), username.strip(), display_name.strip()
    errors = registration_errors(
        email=email, username=username, display_name=display_name, password=password
    )
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
        user = User.objects.select_for_update().get(pk=actor.pk)
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
        User.objects.select_for_update().get(pk=actor.pk)
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
        user = User.objects.select_for_update().get(pk=actor.pk)
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


def portfolio_item_add(
    *, actor: User, title: str, description: str = "", url: str = "", image: File | None = None
) -> PortfolioItem:
    errors: dict[str, list[Any]] = {}
    title, description, url = title.strip(), description.strip(), url.strip()
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > 100:
        errors["title"] = [_("Use at most %(max)d characters.") % {"max": 100}]
    if len(description) > 2000:
        errors["description"] = [_("Use at most %(max)d characters.") % {"max": 2000}]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    if image is not None:
        image, problems = _accept_upload(image, PORTFOLIO_IMAGE_VALIDATORS)
        if problems:
            errors["image"] = problems
    if errors:
        raise InvalidInput.of(errors)
    with transaction.atomic():
        item = PortfolioItem(user=actor, title=title, description=description, url=url)
        if image is not None:
            item.image.save(PurePath(image.name or "image").name, image, save=False)
        item.save()
        audit(actor=actor, subject=item, action="portfolio.added", after={"title": title})
    return item


def portfolio_item_delete(*, actor: User, item_id: int) -> None:
    with transaction.atomic():
        item = PortfolioItem.objects.select_for_update().filter(pk=item_id, user=actor).first()
        if item is None:
            raise NotFound(_("That portfolio item does not exist."))
        audit(actor=actor, subject=item, action="portfolio.deleted", before={"title": item.title})
        _delete_file_after_commit(item.image)
        item.delete()


def _accept_upload(file: File, validators: list[Any]) -> tuple[File, list[Any]]:
    """The file to store (an image re-encoded from its pixels alone, issue 14 item 4) and
    the problems that refuse it."""
    try:
        return accepted_upload(file, validators), []
    except ValidationError as error:
        return file, error.messages


def _delete_file_after_commit(field: Any) -> None:
    """Delete the stored file once the row's change commits (a rollback keeps both)."""
    name, storage = field.name, field.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


DOCUMENT_NUMBER_PATTERN = re.compile(r"^[A-Z0-9]{4,20}$")


def _accept_document(document: File | None) -> tuple[File | None, list[Any]]:
    if document is None:
        return None, [_("Attach a photo or scan of the document.")]
    return _accept_upload(document, IDENTITY_DOCUMENT_VALIDATORS)


def identity_verification_request(
    *,
    actor: User,
    document_type: str,
    document_number: str,
    birth_date: date | None,
    document: File | None,
) -> IdentityVerification:
    """A4: ask the operators to verify identity, with a photo or scan of the document; one
    pending request at a time.

    A6: the document number and birth date are hashed with a key (accounts.identity) and only
    the digest is stored; the number is never written anywhere. The image is kept until an
    operator decides the request."""
    errors: dict[str, list[Any]] = {}
    if document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose a document from the list.")]
    if not DOCUMENT_NUMBER_PATTERN.match(normalize_document_number(document_number)):
        errors["document_number"] = [
            _("Enter the number printed on the document: 4 to 20 letters and digits.")
        ]
    if birth_date is None or not (date(1900, 1, 1) <= birth_date <= clock.today()):
        errors["birth_date"] = [_("Enter a real date of birth.")]
    document, problems = _accept_document(document)
    if problems:
        errors["document"] = problems
    if errors:
        raise InvalidInput.of(errors)
    assert birth_date is not None
    assert document is not None
    digest = identity_digest(
        document_type=document_type, number=document_number, birth_date=birth_date
    )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.is_identity_verified:
            raise ApplicationError(_("Your identity is already verified."), code="already_verified")
        if user.identity_verifications.filter(status=VerificationStatus.PENDING).exists():
            raise ApplicationError(
                _("Your request is already being reviewed. Please wait for the result."),
                code="already_pending",
            )
        request = IdentityVerification(
            user=user, document_type=document_type, identity_digest=digest
        )
        # Written last, after every check: only a database error could now orphan it.
        request.document.save(PurePath(document.name or "document").name, document, save=False)
        request.save()
        audit(
            actor=actor,
            subject=request,
            action="identity.requested",
            after={"document_type": document_type},
        )
    return request


def _delete_document_after_commit(request: IdentityVerification) -> None:
    _delete_file_after_commit(request.document)
    request.document = ""


def _other_live_holder(request: IdentityVerification) -> int | None:
    """The id of another live (not withdrawn) account whose approved verification has the
    same identity digest: one person, one account."""
    if not request.identity_digest:
        return None
    return (
        IdentityVerification.objects.filter(
            identity_digest=request.identity_digest, status=VerificationStatus.APPROVED
        )
        .exclude(user_id=request.user_id)
        .exclude(user__status=AccountStatus.WITHDRAWN)
        .values_list("user_id", flat=True)
        .first()
    )


def identity_verification_decide(
    *,
    actor: User,
    verification_id: int,
    approve: bool,
    reason: str = "",
    document_number: str = "",
    birth_date: date | None = None,
) -> IdentityVerification:
    """A4: an operator approves or rejects a pending request; the user is told by mail.

    To approve, the operator types the document number and birth date as read on the
    document image; they must give the digest the user's own entry gave (A6: the digest
    that carries ratings is then one an operator has checked against the document). An
    identity already verified on another live account is refused (one person, one
    account). Either way the document image is deleted once the decision commits."""
    if not actor.is_staff:
        raise NotAllowed(_("Only operators can decide identity verification requests."))
    with transaction.atomic():
        request = (
            IdentityVerification.objects.select_for_update()
            .select_related("user")
            .filter(pk=verification_id)
            .first()
        )
        if request is None:
            raise NotFound(_("That verification request does not exist."))
        new_status = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
        if new_status not in VERIFICATION_TRANSITIONS[request.status]:
            raise ApplicationError(
                _("This request has already been decided."), code="already_decided"
            )
        if approve:
            _check_operator_reading(request, document_number, birth_date)
            holder = _other_live_holder(request)
            if holder is not None:
                raise ApplicationError(
                    _(
                        "This identity is already verified on another live account "
                        "(#%(id)s). One person may hold one account: reject this request."
                    )
                    % {"id": holder},
                    code="identity_in_use",
                )
        user = User.objects.select_for_update().get(pk=request.user_id)
        before = request.status
        request.status = new_status
        request.decided_at = clock.now()
        request.decided_by = actor
        request.rejection_reason = "" if approve else reason.strip()[:200]
        _delete_document_after_commit(request)
        request.save(
            update_fields=["status", "decided_at", "decided_by", "rejection_reason", "document"]
        )
        if approve:
            user.identity_verified_at = request.decided_at
            user.save(update_fields=["identity_verified_at"])
        audit(
            actor=actor,
            subject=request,
            action="identity.decided",
            before={"status": before},
            after={"status": new_status},
        )
        send_templated_mail(
            to=user.email,
            template="identity_decided",
            context={"user": user, "approved": approve, "reason": request.rejection_reason},
            language=user.language,
        )
    return request


def _check_operator_reading(
    request: IdentityVerification, document_number: str, birth_date: date | None
) -> None:
    errors: dict[str, list[Any]] = {}
    if not DOCUMENT_NUMBER_PATTERN.match(normalize_document_number(document_number)):
        errors["document_number"] = [
            _("Type the number printed on the document: 4 to 20 letters and digits.")
        ]
    if birth_date is None:
        errors["birth_date"] = [_("Type the date of birth printed on the document.")]
    if errors:
        raise InvalidInput.of(errors)
    assert birth_date is not None
    read = identity_digest(
        document_type=request.document_type, number=document_number, birth_date=birth_date
    )
    if request.identity_digest and not hmac.compare_digest(read, request.identity_digest):
        raise ApplicationError(
            _(
                "The number and date of birth you read do not match what the user entered. "
                "Check the document again, or reject the request."
            ),
            code="document_mismatch",
        )


TOKEN_PREFIX = "uk_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token. The raw token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput.of(
            {"name": [_("Give the token a name, so you can recognise it later.")]}
        )
    if len(name) > 60:
        raise InvalidInput.of({"name": [_("Use at most %(max)d characters.") % {"max": 60}]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=raw[:10], digest=token_digest(raw)
        )
        audit(actor=actor, subject=token, action="api_token.created", after={"name": name})
    return token, raw


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound(_("That token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit(actor=actor, subject=token, action="api_token.revoked")
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The user a bearer token belongs to, if the token is live and the account active."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


JAPAN_POST_BANK_CODE = "9900"


def japan_post_account(*, kigo: str, bango: str) -> tuple[str, str]:
    """Japan Post Bank 記号/番号 → Zengin branch code and account number (JAPAN.md):
    10530-12345671 → branch 058, account 1234567."""
    kigo, bango = kigo.strip(), bango.strip().rjust(8, "0")
    errors: dict[str, list[Any]] = {}
    if not (len(kigo) == 5 and kigo.isdigit() and kigo.isascii() and kigo.startswith("1")):
        errors["kigo"] = [_("The 記号 of an ordinary account is 5 digits starting with 1.")]
    if not (len(bango) == 8 and bango.isdigit() and bango.isascii() and bango.endswith("1")):
        errors["bango"] = [_("The 番号 is up to 8 digits and ends with 1.")]
    if errors:
        raise InvalidInput.of(errors)
    return f"{kigo[1:3]}8", bango[:-1]


def bank_account_set(
    *,
    actor: User,
    bank_code: str,
    branch_code: str,
    account_type: int,
    number: str,
    holder_name: str,
) -> BankAccount:
    """A7: register or replace the account payouts go to."""
    errors: dict[str, list[Any]] = {}
    bank = Bank.objects.filter(code=bank_code.strip()).first()
    branch = None
    if bank is None:
        errors["bank_code"] = [_("There is no bank with this code.")]
    else:
        branch = bank.branches.filter(code=branch_code.strip()).first()
        if branch is None:
            errors["branch_code"] = [_("This bank has no branch with this code.")]
    if account_type not in BankAccountType.values:
        errors["account_type"] = [_("Choose an account type from the list.")]
    number = number.strip()
    if not (len(number) == 7 and number.isdigit() and number.isascii()):
        errors["number"] = [_("The account number is 7 digits.")]
    try:
        holder_kana = to_zengin_kana(holder_name)
    except ZenginError:
        errors["holder_name"] = [
            _(
                "Enter the holder's name in katakana as the bank has it (e.g. ヤマダ タロウ). "
                "Kanji and symbols such as ・ cannot be used."
            )
        ]
    else:
        if len(holder_kana.encode("cp932")) > 30:
            errors["holder_name"] = [_("The holder's name is too long for a bank transfer.")]
    if errors:
        raise InvalidInput.of(errors)
    assert bank is not None
    assert branch is not None
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        existing = BankAccount.objects.filter(user=actor).first()
        before = {"bank": existing.bank.code, "branch": existing.branch.code} if existing else {}
        account, _created = BankAccount.objects.update_or_create(
            user=actor,
            defaults={
                "bank": bank,
                "branch": branch,
                "account_type": account_type,
                "number": number,
                "holder_kana": holder_kana,
            },
        )
        # Only which bank and branch: the account number stays out of the audit trail.
        audit(
            actor=actor,
            subject=account,
            action="bank_account.set",
            before=before,
            after={"bank": bank.code, "branch": branch.code},
        )
    return account
