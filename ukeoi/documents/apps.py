from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "ukeoi.documents"
    label = "documents"
    verbose_name = _("Issued documents")

    def ready(self) -> None:
        from ukeoi.documents import checks  # noqa: F401 (registers the T1 system check)
