from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from api.judge import views

app_name = "judge"
urlpatterns: list[URLPattern | URLResolver] = [
    path("editions/<year:year>/questionnaire/<str:channel>/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("work/", views.WorkView.as_view(), name="work"),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/<id:pk>/", views.ContactDetailView.as_view(), name="contact"),
    path("contacts/<id:pk>/submit/", views.ContactSubmitView.as_view(), name="contact_submit"),
]
