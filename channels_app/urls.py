from __future__ import annotations

from django.urls import path

from channels_app import views

app_name = "judging"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("contacts/", views.my_contacts, name="my_contacts"),
    path("contacts/new/", views.contact_form, name="contact_new"),
    path("contacts/<int:pk>/", views.contact_form, name="contact"),
    path("conflicts/", views.my_conflicts, name="my_conflicts"),
]
