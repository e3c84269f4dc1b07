from django.urls import path

from ukeoi.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("withholding/", views.withholding_list, name="withholding"),
    path("tax-year/", views.tax_year, name="tax_year"),
    path(
        "tax-year/<int:year>/payment-records.csv",
        views.payment_records_csv,
        name="payment_records_csv",
    ),
    path(
        "tax-year/<int:year>/payment-records/<int:lancer_id>.pdf",
        views.payment_record_pdf,
        name="payment_record_pdf",
    ),
    path("tax-year/<int:year>/rewards.csv", views.annual_summary_csv, name="annual_summary_csv"),
    path("proposals/<int:proposal_id>/select/", views.proposal_hire, name="hire"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/plan/", views.milestones_propose, name="milestones_propose"),
    path("<int:contract_id>/plan/agree/", views.milestones_agree, name="milestones_agree"),
    path("<int:contract_id>/cancel/", views.cancellation_propose, name="cancellation_propose"),
    path(
        "<int:contract_id>/cancel/<slug:action>/",
        views.cancellation_step,
        name="cancellation_step",
    ),
    path("<int:contract_id>/rate/", views.rating_submit, name="rate"),
    path(
        "<int:contract_id>/terms/<int:version>.pdf",
        views.contract_terms_pdf,
        name="terms_pdf",
    ),
    path("milestones/<int:milestone_id>/escrow/", views.milestone_escrow, name="escrow"),
    path(
        "milestones/<int:milestone_id>/demo-confirm-payment/",
        views.milestone_demo_confirm,
        name="demo_confirm",
    ),
    path("milestones/<int:milestone_id>/deliver/", views.milestone_deliver, name="deliver"),
    path("milestones/<int:milestone_id>/accept/", views.milestone_accept, name="accept"),
    path(
        "milestones/<int:milestone_id>/request-changes/",
        views.milestone_request_changes,
        name="request_changes",
    ),
    path("deliveries/<int:delivery_id>/file/", views.delivery_file, name="delivery_file"),
    path("for-proposal/<int:proposal_id>/", views.contract_for_proposal, name="for_proposal"),
]
