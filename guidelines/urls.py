from django.urls import path

from . import views

urlpatterns = [
    path("", views.guide, name="guide"),
    path("versions/<int:number>/", views.guide_version, name="guide_version"),
    path("versions/<int:number>/receipt/", views.receipt, name="guide_receipt"),
    path("capsules/", views.capsules, name="capsules"),
    path("capsules/<int:pk>/", views.capsule, name="capsule"),
]
