from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ukeoi.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from ukeoi.privacy import receivers

        receivers.connect()
