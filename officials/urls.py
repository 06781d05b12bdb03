from django.urls import path

from . import views

app_name = "officials"
urlpatterns = [
    path("", views.official_list, name="official_list"),
    path("<int:pk>/", views.official_detail, name="official_detail"),
    path("<int:pk>/identification/", views.identification_number_edit, name="identification_number_edit"),
]
