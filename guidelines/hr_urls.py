from django.urls import path

from . import views

urlpatterns = [
    path("acknowledgements/", views.acknowledgements_review, name="hr_acknowledgements"),
    path("acknowledgements/reminders/", views.send_reminders, name="hr_send_reminders"),
    path("training/", views.training_review, name="hr_training"),
]
