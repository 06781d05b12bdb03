from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/recovery-codes/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
]
