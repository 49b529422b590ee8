from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("<str:month>/", views.monthly_report_view, name="monthly_report"),
]
