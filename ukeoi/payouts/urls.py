from django.urls import path

from ukeoi.payouts import views

app_name = "payouts"

urlpatterns = [
    path("", views.statement_page, name="statement"),
    path("settings/", views.payout_settings, name="settings"),
]
