"""L2: the operator's inspection period must keep every payment within 60 days of delivery
under the payout calendar (M3). `manage.py check` (and every start) refuses one that could
not, naming a delivery day it would pay too late."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from ukeoi.contracts import rules
from ukeoi.core import clock


@register()
def inspection_period_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    year = clock.today().year
    problem = rules.inspection_days_problem(settings.INSPECTION_DAYS, years=range(year, year + 3))
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint="Shorten INSPECTION_DAYS (the default is 14, as Lancers).",
            id="ukeoi.E021",
        )
    ]
