from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "ukeoi.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from ukeoi.accounts.visibility import register_counterpart_check
        from ukeoi.contracts import checks, receivers, selectors  # noqa: F401 (checks)
        from ukeoi.contracts.models import Rating
        from ukeoi.core.pagecache import invalidate_on
        from ukeoi.jobs.selectors import register_ratings_source

        # A2: the two sides of a contract see each other's username.
        register_counterpart_check(selectors.has_contract_between)
        # A4, B5: trust signals count the ratings received on contracts.
        register_ratings_source(selectors.ratings_counts)
        # The job pages visitors see from the cache show those counts (core.pagecache).
        invalidate_on(Rating, "jobs")
        receivers.connect()
