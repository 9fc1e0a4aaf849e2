from __future__ import annotations

from django.urls import path

from award import views

app_name = "award"
urlpatterns = [
    path("", views.home, name="home"),
]
