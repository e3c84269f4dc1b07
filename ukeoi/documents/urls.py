from django.urls import path

from ukeoi.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:document_id>/pdf/", views.document_pdf, name="pdf"),
]
