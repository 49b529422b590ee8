from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("reach/", views.reach_calculator, name="reach_calculator"),
    path("<str:month>/", views.monthly_report_view, name="monthly_report"),
]
