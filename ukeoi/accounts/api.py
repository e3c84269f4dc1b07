from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from ukeoi.accounts import selectors, services
from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import BankAccount, User
from ukeoi.accounts.schemas import (
    BankAccountIn,
    BankAccountOut,
    BankOut,
    BranchOut,
    MeOut,
    MePatchIn,
    RegisterIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from ukeoi.core.api import errors
from ukeoi.core.errors import NotFound

router = Router(tags=["accounts"], auth=api_auth)


def _me(user: User) -> dict[str, object]:
    profile = user.profile
    return {
        "id": user.pk,
        "email": user.email,
        "username": user.username,
        "display_name": user.display_name,
        "language": user.language,
        "identity_verified": user.is_identity_verified,
        "date_joined": user.date_joined,
        "profile": profile,
    }


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post("/accounts/register", auth=None, response={201: MeOut, **errors(400)})
def register(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, object]]:
    """A1, A5: create an account. Retired or taken e-mail addresses and usernames are refused.
    L4: `agree_terms` must be true (consent to the terms and privacy policy in force)."""
    user = services.user_register(**payload.dict())
    return Status(201, _me(user))


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> dict[str, object]:
    return _me(User.objects.select_related("profile").get(pk=_actor(request).pk))


@router.patch("/me", response={200: MeOut, **errors(400, 401, 403)})
def me_update(request: HttpRequest, payload: MePatchIn) -> dict[str, object]:
    """Change the display name and profile. The username can never change (A1)."""
    actor = _actor(request)
    services.account_patch(
        actor=actor,
        display_name=payload.display_name,
        profile_changes=payload.profile.dict(exclude_unset=True) if payload.profile else {},
    )
    return _me(User.objects.select_related("profile").get(pk=actor.pk))


@router.get("/tokens", response={200: list[TokenOut], **errors(401)})
def token_list(request: HttpRequest) -> list[object]:
    return list(_actor(request).api_tokens.filter(revoked_at__isnull=True))


@router.post("/tokens", response={201: TokenCreatedOut, **errors(400, 401, 403)})
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, raw = services.api_token_create(actor=_actor(request), name=payload.name)
    return Status(
        201,
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "token": raw,
        },
    )


@router.delete("/tokens/{token_id}", response={204: None, **errors(401, 403, 404)})
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.api_token_revoke(actor=_actor(request), token_id=token_id)
    return Status(204, None)


@router.get("/banks", response={200: list[BankOut], **errors(400, 401)})
def bank_list(request: HttpRequest, q: str = "") -> list[object]:
    """A7: banks by name (kanji, kana, romaji) or code prefix; at most 20."""
    return list(selectors.bank_search(query=q))


@router.get("/banks/{bank_code}/branches", response={200: list[BranchOut], **errors(400, 401)})
def branch_list(request: HttpRequest, bank_code: str, q: str = "") -> list[object]:
    return list(selectors.branch_search(bank_code=bank_code, query=q))


@router.get("/me/bank-account", response={200: BankAccountOut, **errors(401, 404)})
def bank_account_get(request: HttpRequest) -> object:
    account = (
        BankAccount.objects.select_related("bank", "branch").filter(user=_actor(request)).first()
    )
    if account is None:
        raise NotFound(_("No bank account is registered yet."))
    return account


@router.put("/me/bank-account", response={200: BankAccountOut, **errors(400, 401, 403)})
def bank_account_put(request: HttpRequest, payload: BankAccountIn) -> object:
    """A7: register or replace the account payouts go to."""
    branch_code, number = payload.branch_code, payload.number
    if payload.bank_code == services.JAPAN_POST_BANK_CODE and payload.kigo:
        branch_code, number = services.japan_post_account(kigo=payload.kigo, bango=payload.bango)
    return services.bank_account_set(
        actor=_actor(request),
        bank_code=payload.bank_code,
        branch_code=branch_code,
        account_type=payload.account_type,
        number=number,
        holder_name=payload.holder_name,
    )
