from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ukeoi.jobs"
    label = "jobs"
    verbose_name = _("Jobs and proposals")

    def ready(self) -> None:
        from ukeoi.accounts.visibility import register_counterpart_check
        from ukeoi.jobs.selectors import has_proposal_between

        # A2: one has proposed on a job of the other.
        register_counterpart_check(has_proposal_between)
