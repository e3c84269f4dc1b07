from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WithdrawalConfig(AppConfig):
    name = "ukeoi.withdrawal"
    label = "withdrawal"
    verbose_name = _("Withdrawal")
