from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("audit/evaluation/<int:pk>/", views.evaluation_history_page, name="evaluation_history"),
    path("audit/cycle/<int:pk>/", views.cycle_history_page, name="cycle_history"),
]
