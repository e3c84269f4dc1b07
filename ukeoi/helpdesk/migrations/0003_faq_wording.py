"""Issue 14 item 10: the seeded FAQ in the site's one Japanese voice (docs/glossary.md).

0002 now seeds the new wording (full-width brackets and colons, 振込依頼中 for a payout on its
way, the links named as the pages label them: 「パスワードをお忘れの方」, 依頼した仕事 …).
Databases seeded before get it here, field by field, but only where the field still holds the
text 0002 first seeded (compared by its SHA-256): an article an operator has edited keeps
the operator's text."""

import hashlib
import importlib

from django.db import migrations

# (slug, field) -> SHA-256 of the text 0002 seeded before issue 14 item 10.
FIRST_SEEDED = {
    ("how-to-withdraw", "body_ja"): "8ed29b7c7151a0b5d1cb8cf5a0d22a063f55ce8d7394592a3901ef9ae18108c5",
    ("how-to-withdraw", "body_en"): "3fc6a50c551c92588934c70ddda856fcc38f01f7457e6768aeeca946a88f2e29",
    ("withdrawal-blockers", "title_ja"): "859de8cd3fafb615f84d6f18cd887330881791952c86e474f82c63ee3903aa1e",
    ("withdrawal-blockers", "body_ja"): "ceeebc559384aea0608aeaa9440c5b9d49e80af056811cb492aa5af91d1d906b",
    ("balance-at-withdrawal", "title_ja"): "3e357d40e12e6864c399f67b36c14702403ef987f0ab6209e1219aead5c1517e",
    ("balance-at-withdrawal", "body_ja"): "d3deeb38510b7b3a917d47d63d99c04b61d1b3de06256eaaca90f31f02cef5c2",
    ("re-register", "body_ja"): "8615cda951c2c1c399841fb19c97160c63e8a466f7b6f435d6810ad49932ee9d",
    ("proposal-cannot-be-retracted", "body_ja"): "7101e2b335c9f265deecd0a91c5bf86d85ce1a372cdbfa030079df3230ef44e6",
    ("cancel-contract", "body_ja"): "707efef9bd5eb9866f7764d73fa120811b08185d307223c304211c2bdfe8dc3f",
    ("close-open-job", "body_ja"): "216d1a6bc9d48c71cf56500bd3bdab9d7a2c85c4439f9b6fdfdf1c8ca3c222bd",
    ("payout-schedule", "body_ja"): "4408f0bfee59918cd2e1ecb0fff1d1b05e341db661a9dc949857a5e099f1d9d7",
    ("forgot-password", "body_ja"): "f940cc6c0c671abde46050854d4e1701d7046a124a156173260624d5e1889c57",
    ("username-vs-display-name", "title_ja"): "e4437121214bd2c1dab3d6739f28b1626f7ecc26bbeb166f614de78d4e7ad9d7",
    ("username-vs-display-name", "body_ja"): "cb7ea5f2b51268b55caa0eaf5e876daae000110f539b134c65a703efaccc6970",
    ("after-withdrawal-public", "body_ja"): "9fe31e08ea95d5123999ea805e3204ee57b5389287d5bd430d6179545ea99049",
    ("erase-personal-data", "body_ja"): "57b5a231ceded34b72243db5a179587ae76d0e81af59aa9ec8adc1a719f91664",
}


def _seeded(field, value):
    return value.strip() if field.startswith("body_") else value


def reword(apps, schema_editor):
    seed = importlib.import_module("ukeoi.helpdesk.migrations.0002_seed_faq")
    wording = {article["slug"]: article for article in seed.ARTICLES}
    article_model = apps.get_model("helpdesk", "FaqArticle")
    for article in article_model.objects.filter(slug__in={slug for slug, _ in FIRST_SEEDED}):
        changed = []
        for (slug, field), first in FIRST_SEEDED.items():
            if slug != article.slug:
                continue
            if hashlib.sha256(getattr(article, field).encode()).hexdigest() == first:
                setattr(article, field, _seeded(field, wording[slug][field]))
                changed.append(field)
        if changed:
            article.save(update_fields=[*changed, "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0002_seed_faq")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
