from django.urls import path

from ukeoi.privacy import views

app_name = "privacy"

urlpatterns = [
    path("erasure/<str:token>/", views.erasure_confirm, name="erasure_confirm"),
    path("export/", views.export_request, name="export_request"),
    path("export/<int:export_id>/download/", views.export_download, name="export_download"),
]
