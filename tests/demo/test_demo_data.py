"""`make run` loads demo data; loading it twice changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from ukeoi.accounts.models import User
from ukeoi.demo.management.commands.demo_data import DEMO_PASSWORD


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin", "contenttypes", "auth"}
    }


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_its_sign_ins_work(capsys):
    call_command("demo_data")
    first = _row_counts()
    out = capsys.readouterr().out
    assert "client@demo.ukeoi.jp" in out
    assert DEMO_PASSWORD in out

    call_command("demo_data")
    assert _row_counts() == first

    for email in ("client@demo.ukeoi.jp", "lancer@demo.ukeoi.jp", "operator@demo.ukeoi.jp"):
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert User.objects.get(email="operator@demo.ukeoi.jp").is_staff
    lancer = User.objects.select_related("profile").get(email="lancer@demo.ukeoi.jp")
    assert lancer.profile.has_name_and_address
