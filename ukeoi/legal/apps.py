from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "ukeoi.legal"
    label = "legal"
    verbose_name = _("Legal pages")

    def ready(self) -> None:
        from ukeoi.legal import receivers

        receivers.connect()
