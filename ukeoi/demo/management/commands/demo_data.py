"""Demo data for `make run`. Idempotent: a second run finds everything in place and
changes nothing."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ukeoi.accounts import services
from ukeoi.accounts.models import User

DEMO_PASSWORD = "demo-pass-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    username: str
    display_name: str
    role: str
    operator: bool = False
    profile: services.ProfileInput = field(default_factory=services.ProfileInput)


DEMO_USERS = [
    DemoUser(
        "client@demo.ukeoi.jp",
        "demo_client",
        "株式会社サンプル",
        "client",
        profile=services.ProfileInput(
            legal_name="佐藤 花子",
            legal_name_kana="サトウ ハナコ",
            postal_code="150-0002",
            prefecture="東京都",
            city="渋谷区渋谷",
            street="2-21-1",
            self_introduction="Webサービスを運営しています。丁寧なやり取りを心がけています。",
        ),
    ),
    DemoUser(
        "lancer@demo.ukeoi.jp",
        "demo_lancer",
        "山田デザイン",
        "lancer",
        profile=services.ProfileInput(
            legal_name="山田 太郎",
            legal_name_kana="ヤマダ タロウ",
            birth_date=date(1990, 4, 1),
            postal_code="530-0001",
            prefecture="大阪府",
            city="大阪市北区梅田",
            street="3-1-1",
            self_introduction="ロゴ・バナー制作が得意なデザイナーです。",
        ),
    ),
    DemoUser("operator@demo.ukeoi.jp", "demo_operator", "運営スタッフ", "operator", operator=True),
]


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print their sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for demo in DEMO_USERS:
            with transaction.atomic():
                if User.objects.filter(email__iexact=demo.email).exists():
                    continue
                user = services.user_register(
                    email=demo.email,
                    username=demo.username,
                    display_name=demo.display_name,
                    password=DEMO_PASSWORD,
                )
                services.profile_update(actor=user, data=demo.profile)
                if demo.operator:
                    user.is_staff = True
                    user.is_superuser = True
                    user.save(update_fields=["is_staff", "is_superuser"])
                created += 1
        self.stdout.write(
            f"Demo data: {created} account(s) created, {len(DEMO_USERS) - created} already there."
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.role:<9} {demo.email}")
        self.stdout.write("Site: http://127.0.0.1:8000/   Admin: /admin/   Mail: /dev/outbox/")
