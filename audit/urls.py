from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("evaluation/<int:pk>/", views.evaluation_history, name="evaluation_history"),
    path("cycle/<int:pk>/", views.cycle_history, name="cycle_history"),
]
