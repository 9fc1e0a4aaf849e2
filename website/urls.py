from __future__ import annotations

from django.urls import path

from publications.models import PublicationKind
from website import views

app_name = "website"
urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.archive, name="archive"),
    path("how-it-works/", views.how_it_works, name="how_it_works"),
    path("<int:year>/", views.edition, name="edition"),
    path("<int:year>/interim/", views.results, {"kind": PublicationKind.INTERIM}, name="interim"),
    path("<int:year>/final/", views.results, {"kind": PublicationKind.FINAL}, name="final"),
    path("badges/<int:year>/overall.svg", views.badge_overall, name="badge_overall"),
    path("badges/<int:year>/class/<slug:slug>.svg", views.badge_class, name="badge_class"),
    path("badges/<int:year>/<str:channel>.svg", views.badge_channel, name="badge_channel"),
]
