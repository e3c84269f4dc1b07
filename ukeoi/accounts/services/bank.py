"""The bank account payouts go to (M4): Zengin codes, Japan Post Bank kigo/bango."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import (
    BankAccountType,
)
from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import (
    Bank,
    BankAccount,
    User,
)
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput
from ukeoi.core.kana import ZenginError, to_zengin_kana

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
        lock_users(actor.pk)
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
