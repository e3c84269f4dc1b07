"""L4 in the demo: the sample legal pages, agreed to by the demo accounts (they registered
before the pages existed, so without this each would be asked at its first sign-in).
Idempotent: a second run finds the versions and the consents in place."""

from ukeoi.accounts.models import User
from ukeoi.legal import selectors, services
from ukeoi.legal.samples import samples_load

DEMO_DOMAIN = "@demo.ukeoi.jp"


def demo_legal() -> int:
    """Load the samples; returns how many versions were created."""
    created = samples_load()
    required = selectors.required_version_ids()
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN, is_active=True).order_by("pk"):
        if selectors.missing_consent_ids(user_id=user.pk, required=required):
            services.consent_give(actor=user, version_ids=required)
    return created
