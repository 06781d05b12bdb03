from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    path("readyz", portal_views.readyz, name="readyz"),
    path("metrics", portal_views.metrics, name="metrics"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(post_reset_login=False),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    # Switching the language must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("officials/", include("officials.urls")),
    path("cycles/", include("cycles.urls")),
    path("cycles/", include("conference.urls")),
    path("evaluations/", include("reviews.urls")),
    path("tracking/", include("tracking.urls")),
    path("documents/", include("documents.urls")),
    path("national-db/", include("national_db.urls")),
    path("", include("portal.urls")),
    path("", include("signing.urls")),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
]
