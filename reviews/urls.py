from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
]
