from django.urls import path

from ukeoi.legal import views

app_name = "legal"

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("<slug:kind>/", views.document, name="document"),
    path("<slug:kind>/v<int:number>/", views.document_version, name="version"),
]
