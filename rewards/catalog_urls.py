from django.urls import path

from . import catalog_views

urlpatterns = [
    path("", catalog_views.catalog, name="rewards_catalog"),
    path("<int:item_id>/redeem/", catalog_views.redeem, name="redeem"),
]
