"""Company users' accounts on the public site: log in, log out, reset a password, accept an invitation.

Django's own auth views with the site's templates. The URLs are named under
`accounts:` and every success URL is given here, so the admin's own login and
password pages (which use Django's default names and templates) stay as they are.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """An invitation link (award.services.membership_invite): the same one-time token as a password reset, another welcome."""

    template_name = "registration/invitation_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": _("Choose your password")}


app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("award:home")), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/password_reset_form.html",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("invitation/<uidb64>/<token>/", InvitationConfirmView.as_view(), name="invitation"),
    path(
        "password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
