"""PostgreSQL: leave room in the payout table's pages, so that the two status moves every
payout makes (exported, then paid or failed) are HOT updates: no new index entries, no
new page for a batch of a million rows. Other databases: nothing to do."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE payouts_payout SET (fillfactor = 70)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE payouts_payout RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("payouts", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
