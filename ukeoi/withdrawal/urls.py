from django.urls import path

from ukeoi.withdrawal import views

app_name = "withdrawal"

urlpatterns = [
    # W3: 退会手続き, linked from the help centre and the account settings page.
    path("", views.index, name="index"),
    path("form/", views.form, name="form"),
    path("done/", views.done, name="done"),
    path("when-clear/", views.when_clear, name="when_clear"),
    path("when-clear/cancel/", views.when_clear_cancel, name="when_clear_cancel"),
]
