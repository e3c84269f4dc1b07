"""Reads for the account pages and API."""

import unicodedata

import jaconv
from django.db.models import Q, QuerySet, Subquery

from ukeoi.accounts.enums import AccountStatus, VerificationStatus
from ukeoi.accounts.models import Bank, BankBranch, IdentityVerification, Profile, User

SEARCH_LIMIT = 20


def _search_terms(query: str) -> tuple[str, str]:
    """The query as typed (NFKC) and as hiragana, so みずほ, ミズホ and ﾐｽﾞﾎ all match."""
    text = unicodedata.normalize("NFKC", query).strip()
    return text, jaconv.kata2hira(text)


def bank_search(*, query: str) -> QuerySet[Bank]:
    """Banks by code prefix or by name in kanji, kana or romaji."""
    text, hira = _search_terms(query)
    if not text:
        return Bank.objects.none()
    condition = Q(name__icontains=text) | Q(hira__contains=hira) | Q(roma__icontains=text)
    if text.isdigit():
        condition |= Q(code__startswith=text)
    return Bank.objects.filter(condition).order_by("code")[:SEARCH_LIMIT]


def branch_search(*, bank_code: str, query: str) -> QuerySet[BankBranch]:
    text, hira = _search_terms(query)
    branches = BankBranch.objects.filter(bank__code=bank_code)
    if text:
        condition = Q(name__icontains=text) | Q(hira__contains=hira) | Q(roma__icontains=text)
        if text.isdigit():
            condition |= Q(code__startswith=text)
        branches = branches.filter(condition)
    return branches.order_by("code")[:SEARCH_LIMIT]


def reputation_account_ids(*, user_id: int) -> list[int]:
    """A6: the accounts whose ratings count as this user's: the user's own and those of
    withdrawn accounts verified as the same person (an approved verification with the same
    identity digest). The user's own id comes first. One query."""
    own_digests = IdentityVerification.objects.filter(
        user_id=user_id, status=VerificationStatus.APPROVED
    ).exclude(identity_digest="")
    predecessors = (
        IdentityVerification.objects.filter(
            status=VerificationStatus.APPROVED,
            user__status=AccountStatus.WITHDRAWN,
            identity_digest__in=Subquery(own_digests.values("identity_digest")),
        )
        .exclude(user_id=user_id)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return [user_id, *sorted(predecessors)]


def invoice_registration_number_of(user: User) -> str:
    """T1: the user's 適格請求書発行事業者 registration number ("T" + 13 digits, checked when
    it was saved), or "" when the user is not registered (or has no profile). For the apps
    that print it (documents, T2)."""
    try:
        profile = user.profile  # cached when the caller used select_related("profile")
    except Profile.DoesNotExist:
        return ""
    return profile.invoice_registration_number
