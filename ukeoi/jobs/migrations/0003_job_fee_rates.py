"""B6 (issue 21): each job stores the fee rates in force when it is posted; a competition's
or task's money is charged at them for good.

Jobs posted before this migration were charged the constants of `jobs.rules` (55 and 165
permille), whatever the settings said: they keep exactly those. New jobs get the rates in
force (`ukeoi.core.fees`)."""

from django.db import migrations, models

import ukeoi.core.fees


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_clientpayment_milestone_purpose"),
    ]

    operations = [
        # Existing rows: the rates the old code charged them.
        migrations.AddField(
            model_name="job",
            name="client_fee_permille",
            field=models.PositiveSmallIntegerField(default=55, verbose_name="client fee rate (‰)"),
        ),
        migrations.AddField(
            model_name="job",
            name="lancer_fee_permille",
            field=models.PositiveSmallIntegerField(default=165, verbose_name="lancer fee rate (‰)"),
        ),
        # New rows: the rates in force when they are created.
        migrations.AlterField(
            model_name="job",
            name="client_fee_permille",
            field=models.PositiveSmallIntegerField(
                default=ukeoi.core.fees.client_permille_in_force,
                verbose_name="client fee rate (‰)",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="lancer_fee_permille",
            field=models.PositiveSmallIntegerField(
                default=ukeoi.core.fees.lancer_permille_in_force,
                verbose_name="lancer fee rate (‰)",
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("client_fee_permille__lte", 1000), ("lancer_fee_permille__lte", 1000)
                ),
                name="job_fee_rates_valid",
            ),
        ),
    ]
