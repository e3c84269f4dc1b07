from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "ukeoi.jobs"
    label = "jobs"
    verbose_name = _("Jobs and proposals")

    def ready(self) -> None:
        from ukeoi.accounts.models import Profile, User
        from ukeoi.accounts.visibility import register_counterpart_check
        from ukeoi.core.pagecache import invalidate_on
        from ukeoi.jobs.models import Job, Proposal, TaskSubmission
        from ukeoi.jobs.selectors import has_proposal_between

        # A2: one has proposed on a job of the other.
        register_counterpart_check(has_proposal_between)
        # What visitors see on the job list and job pages (cached whole, core.pagecache):
        # the jobs, their proposal and unit counts, the clients' names and trust signals.
        for model in (Job, Proposal, TaskSubmission, Profile):
            invalidate_on(model, "jobs")
        invalidate_on(User, "jobs", ignore={"last_login", "password"})
