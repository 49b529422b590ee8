"""The error page served when a request fails: 503 with Retry-After while the database cannot be reached (a
restart, a failover), so browsers, proxies and monitors see a passing outage; Django's 500 page otherwise."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    """handler500: called by Django while the exception is being handled, so `sys.exc_info()` names it."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        page = loader.get_template("503.html").render()
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return django_server_error(request)
