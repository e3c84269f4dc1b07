from django.urls import path

from ukeoi.core.pagecache import visitor_page_cache
from ukeoi.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", visitor_page_cache("jobs")(views.job_list), name="list"),
    path("new/", views.job_create, name="create"),
    path("mine/", views.my_jobs, name="my_jobs"),
    path("<int:job_id>/", visitor_page_cache("jobs")(views.job_detail), name="detail"),
    path("<int:job_id>/close/", views.job_close, name="close"),
    path("<int:job_id>/demo-confirm-payment/", views.payment_demo_confirm, name="demo_confirm"),
    path("proposals/mine/", views.my_proposals, name="my_proposals"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/decline/", views.proposal_decline, name="proposal_decline"),
    path("proposals/<int:proposal_id>/delete/", views.proposal_delete, name="proposal_delete"),
    path("units/<int:submission_id>/approve/", views.unit_approve, name="unit_approve"),
    path("units/<int:submission_id>/reject/", views.unit_reject, name="unit_reject"),
]
