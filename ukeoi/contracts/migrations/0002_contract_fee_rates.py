"""B6 (issue 21): each contract stores the fee rates in force when it is made; all its
milestones are charged at them for good.

Contracts made before this migration were charged the operator's settings of the moment
(`CLIENT_FEE_PERMILLE`, `LANCER_FEE_PERMILLE`; defaults 55 and 165 permille): they get the
settings in force when the migration runs, the rates they were being charged. (The fields'
default is called once for the existing rows.)"""

from django.db import migrations, models

import ukeoi.core.fees


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="client_fee_permille",
            field=models.PositiveSmallIntegerField(
                default=ukeoi.core.fees.client_permille_in_force,
                verbose_name="client fee rate (‰)",
            ),
        ),
        migrations.AddField(
            model_name="contract",
            name="lancer_fee_permille",
            field=models.PositiveSmallIntegerField(
                default=ukeoi.core.fees.lancer_permille_in_force,
                verbose_name="lancer fee rate (‰)",
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("client_fee_permille__lte", 1000), ("lancer_fee_permille__lte", 1000)
                ),
                name="contract_fee_rates_valid",
            ),
        ),
    ]
