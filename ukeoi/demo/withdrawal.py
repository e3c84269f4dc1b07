"""Demo withdrawal (issue 7): a former lancer who withdrew and kept the public profile
(W8: 退会済み on /users/<id>/), withdrawn through the real `account_withdraw`, so the
e-mail address and username are retired (A5) as in production. Idempotent: once the
account exists (withdrawn), nothing is done again."""

from django.db import transaction

from ukeoi.accounts import services as accounts
from ukeoi.accounts.models import User
from ukeoi.withdrawal import services as withdrawal

EMAIL = "former@demo.ukeoi.jp"
PASSWORD = "demo-pass-2026"


def demo_withdrawal() -> int:
    """Create and withdraw the demo former lancer once; returns how many were withdrawn."""
    if User.objects.filter(email__iexact=EMAIL).exists():
        return 0
    with transaction.atomic():
        user = accounts.user_register(
            email=EMAIL,
            username="demo_former",
            display_name="元ランサー（退会済み）",
            password=PASSWORD,
        )
        accounts.portfolio_item_add(
            actor=user,
            title="飲食店のメニュー表デザイン",
            description="A4両面のメニュー表（デモ用の作品）",
            url="",
        )
        withdrawal.account_withdraw(
            actor=user,
            password=PASSWORD,
            reason="no_longer_needed",
            comments="お世話になりました。（デモ）",
            keep_profile=True,
        )
    return 1
