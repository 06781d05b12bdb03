from django.urls import path

from . import views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("<int:pk>/criteria/", views.criteria_list, name="criteria_list"),
    path("<int:pk>/criteria/<int:criterion_pk>/", views.criterion_update, name="criterion_update"),
    path("<int:pk>/scoring/", views.scoring_update, name="scoring_update"),
    path("<int:pk>/phases/<int:phase_pk>/", views.phase_toggle, name="phase_toggle"),
    path("<int:pk>/quota/", views.quota_settings, name="quota_settings"),
    path(
        "<int:pk>/quota/<int:exception_pk>/delete/",
        views.quota_exception_delete,
        name="quota_exception_delete",
    ),
    path("<int:pk>/agency-ratings/", views.agency_ratings, name="agency_ratings"),
    path("<int:pk>/enrolments/<int:enrolment_pk>/", views.enrolment_edit, name="enrolment_edit"),
]
