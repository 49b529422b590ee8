"""The app's URLs plus the bare baseline `bench/bare/<code>`: the same 302, without the database."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import path

from advocacy.urls import urlpatterns as app_urlpatterns
from advocacy.views import _NO_CACHE_HEADERS


def bare_redirect(request, code):
    """What `tracked_redirect` answers (same Location, same headers), minus the link and the click."""
    return HttpResponseRedirect(settings.BENCH_REDIRECT_DESTINATION, headers=_NO_CACHE_HEADERS)


# The baseline comes first, so URL resolution never makes it the slower of the two.
urlpatterns = [
    path("bench/bare/<str:code>", bare_redirect, name="bench_bare_redirect"),
    *app_urlpatterns,
]
