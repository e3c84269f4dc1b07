from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts import views as account_views
from ukeoi.api import api
from ukeoi.core import views as core_views

admin.site.site_header = _("ukeoi operations")
admin.site.site_title = _("ukeoi operations")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("ukeoi.accounts.urls")),
    path("jobs/", include("ukeoi.jobs.urls")),
    path("contracts/", include("ukeoi.contracts.urls")),
    path("help/", include("ukeoi.helpdesk.urls")),
    path("payouts/", include("ukeoi.payouts.urls")),
    path("withdrawal/", include("ukeoi.withdrawal.urls")),
    path("privacy/", include("ukeoi.privacy.urls")),
    path("legal/", include("ukeoi.legal.urls")),
    path("documents/", include("ukeoi.documents.urls")),
    path("users/<int:user_id>/", account_views.public_profile, name="public_profile"),
    path(
        "users/<int:user_id>/portfolio/<int:item_id>/image/",
        account_views.portfolio_image,
        name="portfolio_image",
    ),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dev/outbox/", core_views.dev_outbox, name="dev_outbox"),
]

# A database that is away answers 503 "try again" (no bare 500); see core.views.server_error.
handler500 = "ukeoi.core.views.server_error"
