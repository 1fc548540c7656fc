from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from claims.views import accounts, home, resubmission
from config.views import accessibility_statement
from evidence.api import api

account_patterns = [
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", accounts.profile, name="profile"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("accessibility/", accessibility_statement, name="accessibility"),
    path("account/", include(account_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Independent evidence (SLA, watcher status, candidates, Atom) beside the calendar.
    path("outages/", include("evidence.urls")),
    path("outages/", include("outages.urls")),
    path("api/v1/", api.urls),
    path("methodology/", include("methodology.urls")),
    # The legal team's workspace first: "review/" must not reach the claims routes.
    path("claims/review/", include("claims.review.urls")),
    path(
        "claims/resubmit/<int:pk>/",
        resubmission.claim_resubmit_view,
        name="claim_resubmit",
    ),
    path("claims/", include("claims.urls")),
    path("notifications/", include("notifications.urls")),
    path("verify/", include("claims.verification.urls")),
]
