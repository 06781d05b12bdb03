from django.urls import path

from . import views

app_name = "officials"
urlpatterns = [
    path("", views.official_list, name="official_list"),
]
