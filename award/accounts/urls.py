"""/accounts/...: company users' login, logout, password reset and invitations, with the site's templates; every
account's personal API tokens."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from award.accounts import token_views
from award.accounts.forms import LoginForm
from award.accounts.views import CompanyPasswordResetForm, InvitationConfirmView

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page=reverse_lazy("website:home")), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=CompanyPasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path("invitation/<uidb64>/<token>/", InvitationConfirmView.as_view(), name="invitation"),
    path(
        "password/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("tokens/", token_views.tokens, name="tokens"),
    # At most 18 digits: a larger id is no address (404), never a number too large for the database.
    re_path(r"^tokens/(?P<token_id>[0-9]{1,18})/revoke/$", token_views.token_revoke_view, name="token_revoke"),
]
