"""A3, A5 (issue 14): `User.email` holds the address in its normal form
(`validators.normalize_email`: NFKC, then lower case) and is unique in it. Before, only
lower() was unique, so `lancer@demo.ｕｋｅｏｉ.jp` (full-width letters) could register beside
`lancer@demo.ukeoi.jp`.

Existing rows are rewritten in the normal form. Where two accounts' addresses share one
normal form (twins), the migration FAILS LOUDLY and changes nothing: it lists each twin
group (account ids and the addresses as stored) for the operator, who gives all but one
of each group another address (admin, or `manage.py shell`) and runs `migrate` again.
Twins are never resolved automatically: which of two people keeps a sign-in address is
not something a migration can decide."""

from django.db import migrations, models

import ukeoi.accounts.fields
from ukeoi.accounts.validators import email_twins, normalize_email


def twins_report(twins: dict[str, list[tuple[int, str]]]) -> str:
    lines = [
        "These accounts have e-mail addresses that are the same address once normalised "
        "(NFKC, lower case). Give all but one of each group another address, then run "
        "migrate again. Nothing has been changed.",
    ]
    for normal, group in twins.items():
        held = ", ".join(f"#{pk} {address!r}" for pk, address in group)
        lines.append(f"  {normal}: {held}")
    return "\n".join(lines)


def normalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.values_list("pk", "email"))
    twins = email_twins(rows)
    if twins:
        raise RuntimeError(twins_report(twins))
    for pk, email in rows:
        normal = normalize_email(email)
        if normal != email:
            User.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_portfolio_image"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="user",
            name="user_email_ci_unique",
        ),
        # The stored forms are the normal ones; undoing leaves them so (lower() stays unique).
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="email",
            field=ukeoi.accounts.fields.NormalEmailField(
                max_length=254, verbose_name="e-mail address"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(fields=("email",), name="user_email_unique"),
        ),
    ]
