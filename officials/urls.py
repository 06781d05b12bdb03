from django.urls import path

from . import views

app_name = "officials"
urlpatterns = [
    path("", views.official_list, name="official_list"),
    path(
        "identification/template.xlsx", views.identification_template_download, name="identification_template"
    ),
    path("identification/import/", views.identification_import, name="identification_import"),
    path("<int:pk>/", views.official_detail, name="official_detail"),
    path("<int:pk>/identification/", views.identification_number_edit, name="identification_number_edit"),
]
