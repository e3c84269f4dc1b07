from django.urls import path

from ukeoi.helpdesk import views

app_name = "helpdesk"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("faq/category/<slug:slug>/", views.category, name="category"),
    path("faq/<slug:slug>/", views.article, name="article"),
    path("faq/<slug:slug>/vote/", views.article_vote, name="article_vote"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
    path("inquiries/", views.inquiries, name="inquiries"),
    path("room/", views.room, name="room"),
    path("room/ask/", views.question_create, name="question_create"),
    path("room/<int:question_id>/", views.question_detail, name="question"),
    path(
        "room/<int:question_id>/answers/<int:answer_id>/best/",
        views.answer_best,
        name="answer_best",
    ),
]
